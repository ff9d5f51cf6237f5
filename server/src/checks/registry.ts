// The check registry: every diagnostic code with its default severity, family and explanation.
// Severity overrides, suppressions, SARIF rule metadata and `explain` all read this one table.

import type { Configuration, Diagnostic, Loc, Related, Severity } from '../model/types';
import type { Translation } from '../model/translation';

export type Family = 'syntax-and-names' | 'isolation' | 'reserved' | 'doorbells' | 'nesting' | 'hygiene';

export interface CheckInfo {
  code: string;
  severity: Severity;
  family: Family;
  /** One line: what it finds. */
  title: string;
  /** Why the kernel cares and how to fix it (for `explain`, SARIF help, hover on suppressions). */
  explain: string;
  /** Kernel rules behind it (domain.md). */
  rules?: string;
}

export interface CheckContext {
  config: Configuration;
  tx: Translation;
  report(code: string, loc: Loc, message: string, related?: Related[]): void;
}

/** A check implementation: one or more codes of one family. */
export interface Check {
  codes: readonly string[];
  run(ctx: CheckContext): void;
}

const I = (code: string, severity: Severity, family: Family, title: string, explain: string, rules?: string): CheckInfo => ({
  code, severity, family, title, explain, ...(rules ? { rules } : {}),
});

export const CHECKS: readonly CheckInfo[] = [
  I('syntax', 'error', 'syntax-and-names', 'The text does not parse.',
    'The parser recovers after each error and keeps going, so one typo gives one diagnostic and the rest of the file is still checked. Fix the statement at the marked token.'),
  I('unknown-name', 'error', 'syntax-and-names', 'A name that no declaration defines.',
    'Every name used (an attached device, an irqchip, a parent domain, an iommu) must be declared somewhere in the configuration: in this file or a file it includes. Names are visible regardless of declaration order.'),
  I('duplicate-name', 'error', 'syntax-and-names', 'Two objects share one name.',
    'iommus, irqchips, devices, groups and domains share one namespace across all included files. Rename one of them.'),
  I('wrong-kind', 'error', 'syntax-and-names', 'A name of the wrong kind.',
    "The name exists but denotes another kind of object: `attach` takes a device or group, `msi` and map targets take an irqchip, `parent` takes a domain, `iommu` takes an iommu."),
  I('bad-number', 'error', 'syntax-and-names', 'A number or range that is not valid.',
    'Numbers are unsigned 64-bit: values of 2^64 or more are refused. A range needs a size greater than 0, `A..L` needs L ≥ A, and no range may wrap past 0xffff_ffff_ffff_ffff (the kernel returns -EOVERFLOW for such a range). Page sizes must be powers of two.'),
  I('bad-value', 'error', 'syntax-and-names', 'A value outside its domain, a statement not allowed here, or a property given twice.',
    '`ias`/`oas` are 1–64, `pasid` widths 1–20, models, domain types and region types come from fixed lists, and each domain type allows only some statements (no `map` in identity or blocked domains, `rmr`/`msi-bind`/`pasid-table`/`parent`/`stage1` only in nested domains, `nest-parent` only in paging domains).'),
  I('missing-property', 'error', 'syntax-and-names', 'A required property is absent.',
    'Every iommu and irqchip needs a `model`; a device needs `iommu NAME` when several IOMMU instances are declared; a nested domain needs `parent`; an irqchip needs `base` or `doorbell` so that its doorbell address is known.'),
  I('include-error', 'error', 'syntax-and-names', 'An include that cannot be followed.',
    'The included file is missing, the includes form a cycle, or the path leaves the workspace folder. Paths are relative to the including file.'),

  I('group-split', 'error', 'isolation', 'Members of one IOMMU group would translate through different domains.',
    'A domain is always set for a whole group: the kernel walks every device of the group when attaching (R1), and iommufd returns -EINVAL when a second member of a group names a different HWPT (R16a). Attach the whole group to one domain.', 'R1, R16a, M1'),
  I('group-not-viable', 'error', 'isolation', 'A group is given to user space while a member is bound to a kernel driver.',
    'User DMA ownership is claimed for the whole group. With a kernel driver (not vfio-pci, vfio-platform, pci-stub, pcieport) bound to any member, the claim fails with -EPERM and VFIO reports "group N is not viable: Please ensure all devices within the iommu_group are bound to their vfio bus driver" (R5–R7). Bind the sibling to vfio-pci (or unbind it), or do not assign the group.', 'R5–R7, M2, M3'),
  I('group-membership', 'error', 'isolation', 'A device listed in two groups.',
    'An IOMMU group is a partition of the devices: each device belongs to exactly one group (R8). Remove the second listing.', 'R8'),
  I('domain-iommu-mismatch', 'error', 'isolation', 'One domain used by devices behind different IOMMU instances.',
    "A domain belongs to one IOMMU instance: attaching it to a device behind another instance fails with -EINVAL (R4). Use one domain per IOMMU instance (iommufd's auto domains do this silently).", 'R4, M7'),
  I('require-direct', 'error', 'isolation', 'A device with a `direct` reserved region is put in a user or blocked domain.',
    'A device with an IOMMU_RESV_DIRECT region (RMRR, IORT RMR without remap-permitted) gets require_direct: the kernel refuses to attach a blocking domain ("Firmware has requested this device have a 1:1 IOMMU mapping, rejecting configuring the device without a 1:1 mapping"), and user ownership passes through blocking, so the device cannot be assigned (R13).', 'R13, M11'),
  I('msi-not-isolated', 'error', 'isolation', 'A user-owned group has a member whose MSIs are not isolated.',
    'VFIO and iommufd require isolated MSIs (interrupt remapping, a GICv3 ITS) unless allow_unsafe_interrupts is set: otherwise -EPERM, "No interrupt remapping support. Use the module param allow_unsafe_interrupts…" (R15, R36).', 'R15, R36, M30'),
  I('pasid-invalid', 'error', 'isolation', 'A PASID that the device cannot use.',
    'PASID 0 is IOMMU_NO_PASID (RID traffic) and cannot be attached; a PASID must be below 2^bits of the device, and the device must have the PASID capability (-EINVAL, R45).', 'R45, M42'),
  I('pasid-conflict', 'error', 'isolation', 'Two domains attached to the same (group, PASID).',
    'Only one domain may be attached per group and PASID: the second attach fails with -EBUSY (R45).', 'R45'),
  I('pasid-shared-group', 'warning', 'isolation', 'A PASID attachment on a device whose group has other members.',
    'PASID attachments are group-wide, and enabling PASID needs ACS isolation on the whole path, which multi-device groups usually lack (R45).', 'R45, M42'),

  I('map-overlaps-reserved', 'error', 'reserved', 'A map intersects a reserved region of a device using the domain.',
    'iommufd IOAS_MAP with a fixed IOVA and VFIO MAP_DMA refuse mappings that intersect a reserved region (-EINVAL; QEMU prints "vfio_dma_map … = -22"). direct-relaxable regions are usable by user domains; DMA domains ignore sw-msi. For a nest parent the reservations apply in IPA space (R43).', 'R20–R22, M8, M34'),
  I('map-overlap', 'error', 'reserved', 'Two maps of one domain overlap.',
    'An IOVA can be mapped only once: the later map fails with -EEXIST (R27e, R49).', 'R27e, M21'),
  I('map-unaligned', 'error', 'reserved', "A map's start, output or size is not a multiple of the domain's minimum page.",
    "The core rejects `iova | paddr | size` not aligned to the smallest page of pgsize_bitmap (-EINVAL, \"unaligned: iova … pa … size … min_pagesz …\", R26).", 'R26, M19'),
  I('map-outside-aperture', 'error', 'reserved', 'A map reaches 2^ias or beyond.',
    "The domain's aperture is [0, 2^ias − 1]; iommufd reserves everything outside it and io-pgtable returns -ERANGE (R30).", 'R30, M16'),
  I('output-outside-range', 'error', 'reserved', 'A map outputs at 2^oas or beyond.',
    'The IOMMU cannot emit physical addresses wider than its output size (R30).', 'R30'),
  I('pgsize-unsupported', 'error', 'reserved', "A domain's minimum page is larger than the CPU page size under iommufd.",
    'iommufd supports only domains whose smallest page is at most PAGE_SIZE: a 64K-granule domain under a 4K kernel fails at attach with -EINVAL (R16c, R31).', 'R16c, R31, M20'),
  I('sw-msi-conflict', 'error', 'reserved', 'A device reports a SW_MSI window together with a hardware MSI region (or two SW_MSI windows) under iommufd.',
    'iommufd refuses such a device at attach with a WARN and -EINVAL (R23); VFIO type1 accepts it and uses the hardware MSI window.', 'R23, M29'),
  I('sw-msi-window', 'error', 'reserved', 'A per-device SW_MSI window that is misaligned or overlaps a reserved region.',
    'IOMMU_OPTION_SW_MSI_START/SIZE need 1 MiB alignment (-EINVAL) and a window that does not intersect a reserved, direct or msi region of the device (-EADDRINUSE) (R41).', 'R41, M37'),

  I('unmapped-doorbell', 'error', 'doorbells', "A device's MSI write does not reach its irqchip's doorbell.",
    'On Arm, MSI writes are DMA: the address the device is programmed with is translated by its domain, and must land on the doorbell page with write permission, or the interrupt is lost as a translation fault (R32–R40).', 'R32–R40, M24–M27, M31, M35'),
  I('sw-msi-exhausted', 'error', 'doorbells', "A device's doorbell page gets no SW_MSI slot.",
    'The SW_MSI window holds one page per distinct doorbell; iommufd also allows at most 64 per context (-EOVERFLOW, R35c). Widen the window or use fewer doorbells.', 'R33, R35c, M28'),
  I('msi-bind-multiple', 'error', 'doorbells', 'More than one msi-bind in one nested domain.',
    'The bind_guest_msi design allows one gIOVA/gDB binding per domain (R40).', 'R40, M36'),
  I('doorbell-shared', 'error', 'doorbells', 'Devices of an msi-bind nested domain target different doorbell pages.',
    'One binding maps one physical doorbell: every device of the domain must use the same ITS (R40).', 'R40, M36'),
  I('rmr-mismatch', 'error', 'doorbells', "A nested domain's rmr differs from the host SW_MSI window.",
    "The host maps doorbells at the SW_MSI window in stage 2; the guest's RMR makes stage 1 identity over the same range. If they differ, stage 1 covers the wrong range and MSIs fault (R38(ii)).", 'R38, M32'),

  I('bad-nest-parent', 'error', 'nesting', 'The parent of a nested domain is not a nest-parent paging domain on the same IOMMU.',
    'IOMMU_HWPT_ALLOC of a nested HWPT needs a HWPT_PAGING parent allocated with NEST_PARENT, not itself nested, from the same driver and instance (-EINVAL, R43).', 'R43, M38'),
  I('nesting-unsupported', 'error', 'nesting', 'A nest-parent or nested domain on an IOMMU without nesting.',
    'Only IOMMUs with nesting support (SMMUv3 with FEAT_NESTING, VT-d scalable mode) can host nested translation (R43).', 'R43'),
  I('s2-unmapped', 'error', 'nesting', 'Part of a nested map (or the PASID table) is not mapped by the parent.',
    "The guest's stage-1 output is an IPA that stage 2 must map; otherwise the device's DMA, or the IOMMU's own table walk, faults at stage 2 (R37, R47).", 'R37, R47, M35'),
  I('pasid-table-format', 'error', 'nesting', 'The PASID table format does not match the IOMMU model.',
    'SMMUv3 uses a guest-owned CD table per STE; VT-d binds first-stage tables per PASID (R47).', 'R47, M43'),

  I('expect-failed', 'error', 'hygiene', 'An expect assertion does not hold.',
    'The configuration does not translate the address as asserted; the message shows the actual chain, hop by hop.'),
  I('unused-object', 'information', 'hygiene', 'An iommu, irqchip, group or domain nothing refers to.',
    'Legal (a domain with maps and no devices is a valid IOAS, T10), but often a leftover or a typo.'),
  I('unused-suppression', 'warning', 'hygiene', 'A suppression comment that silenced nothing.',
    'The code it names did not fire on its statement (or in its file, for ignore-file). Remove it so that it does not hide a future problem.'),
];

export const CHECK_BY_CODE: ReadonlyMap<string, CheckInfo> = new Map(CHECKS.map((c) => [c.code, c]));

/** The implementations, registered by the family modules (see checks/index.ts). */
export const IMPLEMENTATIONS: Check[] = [];

export function registerCheck(check: Check): void {
  for (const code of check.codes) if (!CHECK_BY_CODE.has(code)) throw new Error(`unregistered diagnostic code ${code}`);
  IMPLEMENTATIONS.push(check);
}

export function makeDiagnostic(code: string, loc: Loc, message: string, related: Related[] = []): Diagnostic {
  const info = CHECK_BY_CODE.get(code);
  return { code, severity: info?.severity ?? 'error', loc, message, related };
}
