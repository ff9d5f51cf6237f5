// The firmware checks: codes, default severities and explanations. They run on imported ACPI
// tables and devicetrees (not on `.iommu` text); the registry lists them with every other check so
// that `explain`, SARIF rules and `--rule` settings know them.

import type { Severity } from '../model/types';

export interface FirmwareCheckInfo {
  code: string;
  severity: Severity;
  family: 'firmware';
  title: string;
  explain: string;
  rules?: string;
}

const F = (code: string, severity: Severity, title: string, explain: string, rules?: string): FirmwareCheckInfo => ({
  code, severity, family: 'firmware', title, explain, ...(rules ? { rules } : {}),
});

export const FIRMWARE_CHECKS: readonly FirmwareCheckInfo[] = [
  F('table-malformed', 'error', 'A firmware table or blob that cannot be read in full.',
    'A length or offset field points outside the table, a structure is cut short, or the blob is not what it says it is. The importer reports the first bad field of each structure (naming the table and the byte offset), skips that structure and imports the rest. The kernel stops walking a table at such a field (for example "IORT node pointer overflows, bad table!"), so what lies beyond it is lost to the kernel too. Fix the table source and rebuild the firmware.'),
  F('table-checksum', 'warning', 'An ACPI table whose bytes do not sum to zero.',
    'ACPICA verifies the checksum of every table it loads and warns ("Incorrect checksum in table") but still uses the table, so the importer does the same. A wrong checksum usually means the table was edited without recomputing it, or the dump is damaged: check the rest of the findings with care.'),
  F('table-revision', 'warning', 'A table or structure revision the importer does not know.',
    'The layout of newer revisions may add fields this importer ignores; the known fields are read as in the newest known revision. For IORT, the kernel reads RMR nodes only from table revision 5 (E.d) on: RMR nodes in an older table are ignored by the kernel and reported here.'),
  F('id-map-dangling', 'error', 'An ID mapping whose output reference names no node of the right type.',
    'An IORT ID mapping (or a devicetree iommu-map, msi-map, iommus or msi-parent entry) must point at an SMMU, an ITS group or an MSI controller. With a zero reference the kernel logs "ID map has NULL parent reference"; with a reference into the middle of a node or past the table it follows a pointer into garbage. The devices behind the mapping get no IOMMU (their DMA bypasses translation or aborts) and no MSI domain.'),
  F('id-map-overlap', 'error', 'Two ID mappings of one node accept the same input IDs.',
    'For an input ID matched by two mappings the kernel logs "conflicting mapping for input ID" and keeps the first match (iort_id_map); the second mapping is dead for those IDs. Give every input ID exactly one mapping.'),
  F('id-count-off-by-one', 'warning', 'An ID mapping whose last input ID is the first of the next mapping: "number of IDs" written as a count.',
    'The IORT "Number of IDs" field holds the count minus one. A mapping whose range ends exactly where the next one starts usually means the count was written instead; the kernel recognises this (iort_id_map returns -EAGAIN and the later mapping wins), but other consumers do not. Write count − 1.', 'M15'),
  F('shared-stream-id', 'error', 'Two requesters map to one StreamID (or devicetree IOMMU specifier).',
    'The SMMU identifies a requester only by its StreamID: two RIDs or named components that map to one StreamID cannot be isolated from each other. SMMUv2 folds them into one group; SMMUv3 refuses the second master ("Aliasing StreamID"), so that device gets no IOMMU. Either way they can never be given to different owners (M6).', 'R8a, M6'),
  F('shared-device-id', 'error', 'Two requesters map to one ITS DeviceID.',
    'The ITS identifies the sender of an MSI only by its DeviceID: requesters that share one share one interrupt translation table, so their MSIs are not isolated from each other and they cannot be given to different owners (M6).', 'M6'),
  F('rmr-unaligned', 'warning', 'A firmware reserved region that is not aligned as the kernel expects.',
    'IORT RMR descriptors must be 64 KiB aligned in base and length: the kernel logs "RMR descriptor[…] not aligned to 64K" and widens the region to pages (iort_rmr_alloc). DMAR RMRRs must start and end on 4 KiB pages: the kernel taints itself with "Your BIOS is broken; bad RMRR" (rmrr_sanity_check). IVRS IVMD blocks are page-rounded by the kernel. Align the region.', 'M15'),
  F('rmr-overlap', 'warning', 'Two memory ranges of one firmware reservation overlap.',
    'The kernel logs "RMR descriptor[…] overlaps, continue anyway" for overlapping descriptors of one RMR node (iort_rmr_desc_check_overlap). Overlapping RMRRs are merged by type into one reserved region, but usually mean a copy-paste error in the table.', 'M15'),
  F('rmr-no-device', 'warning', 'A firmware reservation scoped to a device that does not exist or that the table does not map.',
    'An RMRR or IVMD whose device scope names a PCI function absent from the imported sysfs, or an IORT RMR whose StreamIDs no root complex or named component maps, reserves memory for nobody: the kernel attaches reserved regions only to the devices it finds. Either the scope is wrong (the firmware DMA it protects will fault) or the reservation is stale.'),
  F('no-interrupt-remapping', 'warning', 'The platform gives no interrupt remapping (or no ITS) for devices behind the IOMMU.',
    'Without interrupt remapping on x86 (DMAR without INTR_REMAP, IVRS without an IOAPIC entry) or with only GICv2m frames on Arm, MSIs are not isolated: VFIO and iommufd refuse to give devices to user space ("No interrupt remapping support…", -EPERM) unless allow_unsafe_interrupts is set (R15, R36). The imported irqchip is x86-compat or gicv2m, so `msi-not-isolated` fires on any assignment.', 'R15, R36, M30'),
  F('iommu-map-gap', 'warning', "A host bridge's iommu-map (or msi-map) leaves RIDs of its bus-range unmapped.",
    'The kernel translates a RID through iommu-map only when an entry matches (of_map_id); a RID of the bridge\'s bus-range that no entry covers logs "no iommu-map translation for id" and that device gets no IOMMU, so its DMA either bypasses the SMMU or aborts. Extend the map (mind iommu-map-mask) to cover every bus of bus-range.'),
  F('host-bridge-iommu-addresses', 'warning', 'A reserved-memory region with iommu-addresses names a PCI host bridge.',
    "of_iommu_get_resv_regions reads iommu-addresses for the device whose memory-region refers to it, matching the region's phandle against that device's own node: the endpoints below a host bridge never match the bridge's node, so the reservation reaches none of them. Put the reservation on the platform devices that do the DMA, or describe PCI reservations some other way."),
];

export const FIRMWARE_CHECK_BY_CODE: ReadonlyMap<string, FirmwareCheckInfo> = new Map(FIRMWARE_CHECKS.map((c) => [c.code, c]));

export function firmwareSeverity(code: string): Severity {
  return FIRMWARE_CHECK_BY_CODE.get(code)?.severity ?? 'error';
}
