// Shared by pasid-invalid, pasid-conflict and pasid-shared-group: every PASID attachment in
// source order, whether the PASID is valid for the device (R45), and the earlier valid
// attachment of the same (group, PASID) if any.
//
// pasid-invalid also applies R45's group-wide rule: the PASID must be below 2^bits of every
// PASID-capable member of the group.

import { cmdlineLoc, type AttachEntry, type Configuration, type Device, type Group, type Loc, type Related } from '../../model/types';
import { settingText } from '../../model/cmdline';
import type { CheckContext } from '../check';
import { orderedAttaches } from './common';

export interface PasidAttach {
  a: AttachEntry;
  dev: Device;
  group: Group;
  /** The PASID number in the attach statement. */
  loc: Loc;
  pasid: bigint;
  invalid: { message: string; related: Related[] } | null;
  /** For a valid PASID: the first earlier valid attachment of the same group and PASID. */
  first: AttachEntry | null;
}

/** pasidAttaches of the configuration, once per analysis (ctx.shared). */
export const pasidAttachesOf = (ctx: CheckContext): PasidAttach[] => pasidAttaches(ctx.shared(orderedAttaches), ctx.config);

export function pasidAttaches(ordered: AttachEntry[], config: Configuration | null = null): PasidAttach[] {
  const out: PasidAttach[] = [];
  const seen = new Map<Group, Map<bigint, AttachEntry>>();
  for (const a of ordered) {
    if (a.pasid === null || !a.group || !a.stmt.pasid || a.domain.broken) continue;
    const dev = a.target?.kind === 'device' ? a.target : null;
    if (!dev || dev.broken) continue;
    const loc: Loc = { file: a.loc.file, span: a.stmt.pasid.span };
    const p = a.pasid;
    let invalid: string | null = null;
    const related: Related[] = [];
    if (p === 0n) invalid = `PASID 0 is IOMMU_NO_PASID (RID traffic): attaching a domain to it fails with -EINVAL; PASIDs start at 1`;
    else if (dev.pasidBits === null) {
      invalid = `device '${dev.name}' has no PASID capability (no 'pasid BITS'): the PASID attach fails with -EINVAL`;
      related.push({ loc: dev.nameLoc, message: `'${dev.name}' is declared without 'pasid'` });
    } else if (dev.iommu?.scalableModeOffBy) {
      const off = dev.iommu.scalableModeOffBy;
      invalid = `'${settingText(off)}' turns VT-d scalable mode off: '${dev.name}' behind '${dev.iommu.name}' gets no PASID support (max_pasids 0), so the PASID attach fails with -EINVAL`;
      const c = config?.commandLine;
      if (c) related.push({ loc: cmdlineLoc(c, off.option && off.param.value !== off.option.text ? off.option.range : off.param.range), message: `'${settingText(off)}' disables scalable mode` });
    } else {
      const over = [dev, ...a.group.members.filter((m) => m !== dev)].find((m) => m.pasidBits !== null && p >= 1n << BigInt(m.pasidBits));
      if (over) {
        invalid = `PASID ${p} is beyond the ${over.pasidBits}-bit PASID space of '${over.name}' (max_pasids ${1n << BigInt(over.pasidBits!)}): the attach fails with -EINVAL`;
        const prop = over.decl.props.find((x) => x.kind === 'pasid');
        related.push({ loc: prop ? { file: over.nameLoc.file, span: prop.span } : over.nameLoc, message: `'${over.name}' supports ${over.pasidBits} PASID bits` });
      }
    }
    if (invalid) {
      out.push({ a, dev, group: a.group, loc, pasid: p, invalid: { message: invalid, related }, first: null });
      continue;
    }
    const byPasid = seen.get(a.group) ?? seen.set(a.group, new Map()).get(a.group)!;
    const first = byPasid.get(p) ?? null;
    if (!first) byPasid.set(p, a);
    out.push({ a, dev, group: a.group, loc, pasid: p, invalid: null, first });
  }
  return out;
}
