// Shared by the group isolation checks (checks.md "Group isolation").
//
// Decisions where the catalogue is silent, taken from the kernel:
// - A group is *user-owned* when its RID domain, or a domain attached to one of its PASIDs, is
//   `paging`, `nested` or `blocked` and the backend is `vfio-type1` or `iommufd`. Under
//   `dma-api` nothing claims DMA ownership: paging domains there are driver-owned UNMANAGED
//   domains (R5 never runs).

import type * as ast from '../../../../grammar/src/ast';
import type { AttachEntry, Configuration, Device, DomainType, Group, Loc } from '../../model/types';
import type { Translation } from '../../model/translation';
import { includeOrder } from '../../model/workspace';
import type { CheckContext } from '../check';

export const USER_TYPES: readonly DomainType[] = ['paging', 'nested', 'blocked'];

/** Every attachment of the configuration in source order (includes written out in place). */
export function attachesInOrder(config: Configuration): AttachEntry[] {
  const order = includeOrder(config.files, config.includes);
  // an attachment the backend or kernel does not offer (unsupported-feature) takes no part
  const all = config.domains.flatMap((d) => d.attaches).filter((a) => !a.unsupported);
  return all.sort((a, b) => order(a.loc, b.loc));
}

/** attachesInOrder, once per analysis (ctx.shared). */
export const orderedAttaches = (ctx: CheckContext): AttachEntry[] => attachesInOrder(ctx.config);

/** The groups handed to user space, with the attach that does it (broken ones left out). */
export function userOwnedGroups(ctx: CheckContext): Map<Group, AttachEntry> {
  const out = new Map<Group, AttachEntry>();
  for (const g of ctx.config.groups) {
    if (g.broken) continue;
    const owner = userOwningAttach(ctx.config, ctx.tx, g);
    if (owner && !owner.domain.broken) out.set(g, owner);
  }
  return out;
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

export function before(a: AttachEntry, b: AttachEntry): boolean {
  if (a.loc.file !== b.loc.file) return a.loc.file.path < b.loc.file.path;
  return a.loc.span.start < b.loc.span.start;
}

export function driverLoc(d: Device): Loc {
  const p = d.decl.props.find((x): x is ast.DriverProp => x.kind === 'driver');
  return p ? { file: d.nameLoc.file, span: p.span } : d.nameLoc;
}

export function names(devs: Device[]): string {
  return devs.map((d) => `'${d.name}'`).join(', ');
}

export function ownerApi(config: Configuration): string {
  return config.backend === 'iommufd' ? 'iommufd' : 'VFIO';
}
