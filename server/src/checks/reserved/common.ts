// Shared by the reserved-region and address-space checks (checks.md "Reserved regions and
// address space").
//
// Decisions where the catalogue is silent, taken from the kernel:
// - A domain with nothing attached (and, for a nest parent, no nested domain with devices) is
//   an IOAS with no domain: iova_alignment is 1 and it spans [0, SIZE_MAX] (R27g, T10). So
//   map-unaligned, map-outside-aperture, output-outside-range and pgsize-unsupported stay
//   silent for it (`hasDevices`) — except an explicit `paging` domain under iommufd: that is an
//   allocated HWPT_PAGING, added to its IOAS when it is allocated (`iommufd_hwpt_paging_alloc`
//   → `iopt_table_add_domain`), so its IOMMU's alignment, aperture and page sizes already
//   constrain the IOAS's maps. map-overlap (-EEXIST) holds with or without devices.

import type { Configuration, Device, Domain, Mapping, Region, RegionType } from '../../model/types';
import type { Translation } from '../../model/translation';
import { hex, type Interval } from '../../model/intervals';
import type { CheckContext } from '../check';

export const MIB = 1n << 20n;

const KERNEL_TYPE: Record<RegionType, string> = {
  direct: 'IOMMU_RESV_DIRECT',
  'direct-relaxable': 'IOMMU_RESV_DIRECT_RELAXABLE',
  reserved: 'IOMMU_RESV_RESERVED',
  msi: 'IOMMU_RESV_MSI',
  'sw-msi': 'SW_MSI',
};

export function rng(i: Interval): string {
  return `${hex(i.start)}..${hex(i.last)}`;
}

export function describeRegion(r: Region, dev: Device | null): string {
  const what =
    r.type === 'sw-msi'
      ? 'sw-msi window'
      : r.type === 'msi'
        ? 'hardware MSI window'
        : `${r.type} region`;
  const owner = dev ? ` of device '${dev.name}'` : '';
  const origin = r.fromIommu
    ? ` (${KERNEL_TYPE[r.type]} of ${r.fromIommu.name}${r.byDefault ? ', the model default' : ''})`
    : ` (${KERNEL_TYPE[r.type]}, firmware)`;
  return `the ${what} ${rng(r)}${owner}${origin}`;
}

export function regionMessage(r: Region, dev: Device | null): string {
  const base = r.type === 'sw-msi' ? 'sw-msi window' : r.type === 'msi' ? 'hardware MSI window' : `${r.type} region`;
  if (r.fromIommu) return `${base} ${rng(r)} of iommu '${r.fromIommu.name}'${r.byDefault ? ' (its model default)' : ''}${dev ? `, reserved for '${dev.name}'` : ''}`;
  return `${base} ${rng(r)} of '${dev?.name ?? '?'}' declared here`;
}

/** The nested domains of each parent. */
export function nestedChildren(config: Configuration): Map<Domain, Domain[]> {
  const out = new Map<Domain, Domain[]>();
  for (const c of config.domains) {
    if (c.type !== 'nested' || !c.parent) continue;
    const list = out.get(c.parent);
    if (list) list.push(c);
    else out.set(c.parent, [c]);
  }
  return out;
}

/** A domain has devices: something is attached to it, or (nest parent) to a nested domain on it. */
export function hasDevices(children: Map<Domain, Domain[]>, dom: Domain): boolean {
  if (dom.attaches.length > 0) return true;
  if (dom.type === 'paging' && dom.nestParent) return (children.get(dom) ?? []).some((c) => c.attaches.length > 0);
  return false;
}

/**
 * The domains whose maps the address-space checks judge: not broken, and with devices, or an
 * explicit `paging` domain under iommufd (a prepared HWPT, already part of its IOAS).
 */
export function domainsWithPageTable(config: Configuration): Domain[] {
  const children = nestedChildren(config);
  return config.domains.filter((dom) => !dom.broken && (hasDevices(children, dom) || preparedHwpt(config, dom)));
}

/** domainsWithPageTable, once per analysis (ctx.shared). */
export const pageTableDomains = (ctx: CheckContext): Domain[] => domainsWithPageTable(ctx.config);

/** An explicit `paging` domain with nothing attached under iommufd: an allocated HWPT (T10 with its IOMMU's rules). */
export function preparedHwpt(config: Configuration, dom: Domain): boolean {
  return config.backend === 'iommufd' && dom.type === 'paging' && !dom.implicit;
}

export function mapText(m: Mapping): string {
  return `map ${rng(m.input)}`;
}

/**
 * iommufd enforces the device's reserved regions (and checks its MSI regions) at the RID attach
 * only, of the devices bound to it (vfio-pci, vfio-platform; before v6.4 those of the whole group).
 */
export function attachedToPaging(tx: Translation, d: Device): boolean {
  const x = tx.ridDomain(d);
  if (!(x.type === 'paging' || (x.type === 'nested' && tx.pagingDomainOf(x) !== null))) return false;
  return tx.reservingDevices(tx.pagingDomainOf(x)!).some((r) => r.dev === d);
}
