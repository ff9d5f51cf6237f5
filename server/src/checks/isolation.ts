// Group isolation checks (checks.md "Group isolation"): group-split, group-not-viable,
// domain-iommu-mismatch, require-direct, msi-not-isolated, pasid-invalid, pasid-conflict,
// pasid-shared-group. (group-membership is reported while building the model.)
//
// Decisions where the catalogue is silent, taken from the kernel:
// - A group is *user-owned* when its RID domain, or a domain attached to one of its PASIDs, is
//   `paging`, `nested` or `blocked` and the backend is `vfio-type1` or `iommufd`. Under
//   `dma-api` nothing claims DMA ownership: paging domains there are driver-owned UNMANAGED
//   domains (R5 never runs).
// - require-direct: the core refuses a blocking domain for a require_direct device
//   (`__iommu_device_set_domain`), and VFIO/iommufd ownership passes through blocking (R13).
//   So under `vfio-type1`/`iommufd` it fires for paging, nested and blocked domains; under
//   `dma-api` only for `blocked` (a driver may attach an UNMANAGED domain to such a device).
// - msi-not-isolated: a member without `msi` (INTx only, or MSI not modelled) has no irqchip
//   to judge: it is not reported.
// - domain-iommu-mismatch: identity and blocked domains are static per driver (one
//   `arm_smmu_identity_domain`, one VT-d identity domain), so they only mismatch across IOMMU
//   models (different ops, R4); paging, DMA and nested domains are finalised per instance.
// - pasid-invalid also applies R45's group-wide rule: the PASID must be below 2^bits of every
//   PASID-capable member of the group.

import type * as ast from '../../../grammar/src/ast';
import type { AttachEntry, Configuration, Device, Domain, DomainType, Group, Loc, Related } from '../model/types';
import { formatInterval } from '../model/intervals';
import type { Translation } from '../model/translation';
import { registerCheck, type CheckContext } from './registry';

export const USER_TYPES: readonly DomainType[] = ['paging', 'nested', 'blocked'];

/** Every attachment of the configuration in source order (file order, then offset). */
export function attachesInOrder(config: Configuration): AttachEntry[] {
  const fileOrder = new Map(config.files.map((f, i) => [f, i]));
  const all = config.domains.flatMap((d) => d.attaches);
  return all.sort((a, b) => (fileOrder.get(a.loc.file) ?? 0) - (fileOrder.get(b.loc.file) ?? 0) || a.loc.span.start - b.loc.span.start);
}

export function domainLabel(d: Domain): string {
  return d.implicit ? d.name : `'${d.name}'`;
}

/** The attach that makes a group user-owned, or null when the group stays with the kernel. */
export function userOwningAttach(config: Configuration, tx: Translation, g: Group): AttachEntry | null {
  if (config.backend === 'dma-api') return null;
  const rid = tx.groupRidDomain(g);
  if (g.ridAttach && rid.type && USER_TYPES.includes(rid.type)) return g.ridAttach;
  let best: AttachEntry | null = null;
  for (const a of g.pasidAttaches.values()) {
    if (!a.domain.type || !USER_TYPES.includes(a.domain.type)) continue;
    if (!best || before(a, best)) best = a;
  }
  return best;
}

function before(a: AttachEntry, b: AttachEntry): boolean {
  if (a.loc.file !== b.loc.file) return a.loc.file.path < b.loc.file.path;
  return a.loc.span.start < b.loc.span.start;
}

function driverLoc(d: Device): Loc {
  const p = d.decl.props.find((x): x is ast.DriverProp => x.kind === 'driver');
  return p ? { file: d.nameLoc.file, span: p.span } : d.nameLoc;
}

function names(devs: Device[]): string {
  return devs.map((d) => `'${d.name}'`).join(', ');
}

function ownerApi(config: Configuration): string {
  return config.backend === 'iommufd' ? 'iommufd' : 'VFIO';
}

// ---- group-split --------------------------------------------------------------------------

function groupSplit(ctx: CheckContext, ordered: AttachEntry[]): void {
  for (const a of ordered) {
    if (a.pasid !== null || !a.group) continue;
    const first = a.group.ridAttach;
    if (!first || first === a || first.domain === a.domain) continue;
    if (a.domain.broken || first.domain.broken || a.group.broken || (a.target && a.target.broken)) continue;
    const g = a.group;
    const who = a.target?.kind === 'device' ? `device '${a.target.name}'` : `group '${g.name}'`;
    const groupText = g.implicit ? (g.members.length === 1 && a.target?.kind === 'device' ? 'its singleton group' : `group '${g.name}'`) : `group '${g.name}'`;
    const firstWho = first.target?.kind === 'device' ? `'${first.target.name}'` : `group '${first.group?.name ?? '?'}'`;
    ctx.report(
      'group-split',
      a.loc,
      `${who} is in ${groupText}, already attached to domain ${domainLabel(first.domain)} (by ${firstWho}): a group translates through one domain, so attaching it to '${a.domain.name}' fails with -EINVAL`,
      [{ loc: first.loc, message: `${groupText === 'its singleton group' ? `'${g.name}'` : `group '${g.name}'`} is first attached to '${first.domain.name}' here` }],
    );
  }
}

// ---- ownership: group-not-viable, msi-not-isolated, require-direct -----------------------

function ownership(ctx: CheckContext): void {
  const { config, tx } = ctx;
  for (const g of config.groups) {
    if (g.broken) continue;
    const owner = userOwningAttach(config, tx, g);
    if (owner && !owner.domain.broken) {
      const kernel = g.members.filter((m) => !m.neutralDriver);
      if (kernel.length > 0) {
        const list = kernel.map((m) => `'${m.name}' (driver ${m.driver})`).join(', ');
        ctx.report(
          'group-not-viable',
          owner.loc,
          `attaching ${g.members.length > 1 ? `group '${g.name}'` : `'${g.name}'`} to ${owner.domain.type} domain '${owner.domain.name}' makes it user-owned, but ${list} ${kernel.length > 1 ? 'are' : 'is'} bound to a kernel driver: the DMA ownership claim fails with -EPERM (${ownerApi(config)}: "group is not viable"); bind ${kernel.length > 1 ? 'them' : 'it'} to vfio-pci or unbind ${kernel.length > 1 ? 'them' : 'it'}`,
          kernel.map((m) => ({ loc: driverLoc(m), message: `'${m.name}' is bound to the kernel driver ${m.driver}` })),
        );
      }
      if (!config.allowUnsafeInterrupts) {
        const unsafe = g.members.filter((m) => m.msi?.irqchip && !m.msi.irqchip.broken && !m.msi.irqchip.isolated);
        if (unsafe.length > 0) {
          const list = unsafe.map((m) => `'${m.name}' (${m.msi!.irqchip!.name}, ${m.msi!.irqchip!.model ?? 'not isolated'})`).join(', ');
          ctx.report(
            'msi-not-isolated',
            owner.loc,
            `${g.members.length > 1 ? `group '${g.name}'` : `'${g.name}'`} is handed to user space (${owner.domain.type} domain '${owner.domain.name}') but the MSIs of ${list} are not isolated: ${config.backend === 'iommufd' ? 'iommufd bind' : 'VFIO attach'} fails with -EPERM ("No interrupt remapping support. Use the module param allow_unsafe_interrupts…")`,
            unsafe.map((m) => ({ loc: m.msi!.irqchip!.nameLoc, message: `irqchip '${m.msi!.irqchip!.name}' does not isolate MSIs per device` })),
          );
        }
      }
    }
    // require-direct: the attach that puts the group in a domain the kernel would refuse.
    const refusing = (d: Domain) => d.type === 'blocked' || (config.backend !== 'dma-api' && (d.type === 'paging' || d.type === 'nested'));
    let at: AttachEntry | null = null;
    if (g.ridAttach && refusing(g.ridAttach.domain)) at = g.ridAttach;
    else for (const a of g.pasidAttaches.values()) if (refusing(a.domain) && config.backend !== 'dma-api' && (!at || before(a, at))) at = a;
    if (at && !at.domain.broken) {
      const direct: { dev: Device; loc: Loc; text: string }[] = [];
      for (const m of g.members) {
        if (m.broken) continue;
        const r = tx.regionsOf(m).find((x) => x.type === 'direct');
        if (r) direct.push({ dev: m, loc: r.loc, text: formatInterval(r) });
      }
      if (direct.length > 0) {
        const list = direct.map((x) => `'${x.dev.name}' (${x.text})`).join(', ');
        const why = at.domain.type === 'blocked'
          ? 'the kernel refuses to block a require_direct device'
          : `user ownership passes through the blocking domain, which the kernel refuses for a require_direct device, so it cannot be assigned`;
        ctx.report(
          'require-direct',
          at.loc,
          `${list} ${direct.length > 1 ? 'have' : 'has'} a firmware 'direct' region that must stay identity-mapped; attaching to ${at.domain.type} domain '${at.domain.name}' fails with -EINVAL: ${why} ("Firmware has requested this device have a 1:1 IOMMU mapping, rejecting configuring the device without a 1:1 mapping")`,
          direct.map((x) => ({ loc: x.loc, message: `direct region of '${x.dev.name}'` })),
        );
      }
    }
  }
}

// ---- domain-iommu-mismatch ----------------------------------------------------------------

function domainIommu(ctx: CheckContext): void {
  for (const dom of ctx.config.domains) {
    if (dom.broken) continue;
    const declared = dom.iommuRef ? dom.iommu : null;
    let ref: { name: string; loc: Loc; what: string } | null = declared
      ? { name: declared.name, loc: { file: dom.nameLoc.file, span: dom.iommuRef!.span }, what: `domain '${dom.name}' is declared on iommu '${declared.name}'` }
      : null;
    for (const a of dom.attaches) {
      if (!a.group) continue;
      const members = a.group.members.filter((m) => m.iommu && !m.broken);
      if (members.length === 0) continue;
      if (!ref) {
        const m0 = members[0]!;
        ref = { name: m0.iommu!.name, loc: a.loc, what: `'${m0.name}' behind '${m0.iommu!.name}' is attached first` };
      }
      // identity and blocked domains are static per driver, not per instance (SMMUv3, VT-d):
      // only a different driver (model) refuses them
      const refIommu = ctx.config.iommus.find((i) => i.name === ref!.name);
      const perDriver = dom.type === 'identity' || dom.type === 'blocked';
      const odd = members.find((m) => (perDriver ? m.iommu!.model !== refIommu?.model : m.iommu!.name !== ref!.name));
      if (!odd) continue;
      const related: Related[] = [{ loc: ref.loc, message: ref.what }];
      if (odd.iommu) related.push({ loc: odd.iommu.nameLoc, message: `iommu '${odd.iommu.name}'` });
      ctx.report(
        'domain-iommu-mismatch',
        a.loc,
        `'${odd.name}' sits behind iommu '${odd.iommu!.name}', but domain '${dom.name}' belongs to '${ref.name}': a domain is tied to one IOMMU instance, so the attach fails with -EINVAL (use one domain per instance)`,
        related,
      );
    }
  }
}

// ---- PASID ----------------------------------------------------------------------------------

function pasids(ctx: CheckContext, ordered: AttachEntry[]): void {
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
    } else {
      const over = [dev, ...a.group.members.filter((m) => m !== dev)].find((m) => m.pasidBits !== null && p >= 1n << BigInt(m.pasidBits));
      if (over) {
        invalid = `PASID ${p} is beyond the ${over.pasidBits}-bit PASID space of '${over.name}' (max_pasids ${1n << BigInt(over.pasidBits!)}): the attach fails with -EINVAL`;
        const prop = over.decl.props.find((x) => x.kind === 'pasid');
        related.push({ loc: prop ? { file: over.nameLoc.file, span: prop.span } : over.nameLoc, message: `'${over.name}' supports ${over.pasidBits} PASID bits` });
      }
    }
    if (invalid) {
      ctx.report('pasid-invalid', loc, invalid, related);
      continue;
    }
    const byPasid = seen.get(a.group) ?? seen.set(a.group, new Map()).get(a.group)!;
    const first = byPasid.get(p);
    if (first) {
      if (first.domain !== a.domain)
        ctx.report(
          'pasid-conflict',
          a.loc,
          `PASID ${p} of ${a.group.members.length > 1 ? `group '${a.group.name}'` : `'${dev.name}'`} is already attached to domain '${first.domain.name}': only one domain per (group, PASID), so this attach fails with -EBUSY`,
          [{ loc: first.loc, message: `PASID ${p} first attached to '${first.domain.name}' here` }],
        );
      continue;
    }
    byPasid.set(p, a);
    if (a.group.members.length > 1) {
      const others = a.group.members.filter((m) => m !== dev);
      ctx.report(
        'pasid-shared-group',
        loc,
        `'${dev.name}' shares group '${a.group.name}' with ${names(others)}: PASID attachments are group-wide, so they share PASID ${p}, and enabling PASID needs ACS isolation on the whole path, which a multi-device group usually lacks`,
        [{ loc: a.group.nameLoc, message: `group '${a.group.name}' has ${a.group.members.length} members` }],
      );
    }
  }
}

registerCheck({
  codes: ['group-split', 'group-not-viable', 'domain-iommu-mismatch', 'require-direct', 'msi-not-isolated', 'pasid-invalid', 'pasid-conflict', 'pasid-shared-group'],
  run(ctx) {
    const ordered = attachesInOrder(ctx.config);
    groupSplit(ctx, ordered);
    ownership(ctx);
    domainIommu(ctx);
    pasids(ctx, ordered);
  },
});
