// Kernel versions (language.md §3 "Kernel versions"): what the targeted Linux version offers.
// Each gate is the release that first shipped the behaviour (domain.md Appendix B, checked
// against the kernel's history); a configuration without `kernel` is checked against the
// baseline.

export interface KernelVersion {
  major: number;
  minor: number;
}

/** The baseline of domain.md: configurations without `kernel` are checked against it. */
export const BASELINE_KERNEL: KernelVersion = { major: 6, minor: 17 };

export function kernelText(v: KernelVersion): string {
  return `${v.major}.${v.minor}`;
}

/** `v` is `major.minor` or later. */
export function since(v: KernelVersion, gate: KernelVersion): boolean {
  return v.major > gate.major || (v.major === gate.major && v.minor >= gate.minor);
}

const V = (major: number, minor: number): KernelVersion => ({ major, minor });

/** The releases behind the version-dependent rules of the model and the checks. */
export const GATES = {
  /** iommufd (IOAS, HWPT) and VFIO's iommufd support: v6.2. */
  iommufd: V(6, 2),
  /**
   * iommufd enforces the reserved regions of each bound device (`iopt_table_enforce_dev_resv_regions`,
   * the iommufd_group rework of v6.4); before, those of its whole group (`iommu_get_group_resv_regions`).
   */
  iommufdPerDeviceResv: V(6, 4),
  /**
   * The core refuses a blocking domain for a device with an IOMMU_RESV_DIRECT region
   * (`require_direct`, `__iommu_device_set_domain`): v6.3. Before, only the VT-d driver refused
   * an UNMANAGED domain for a device with a non-relaxable RMRR (`device_is_rmrr_locked`, -EPERM).
   */
  requireDirect: V(6, 3),
  /** IOMMU_HWPT_ALLOC_NEST_PARENT and nested HWPTs (IOMMU_HWPT_DATA_*): v6.7. */
  nesting: V(6, 7),
  /** VT-d nested (first-stage over a nest parent) domains: v6.8. */
  vtdNesting: V(6, 8),
  /** SMMUv3 nested domains (vSTE through IOMMU_VIOMMU_ALLOC): v6.13. */
  smmuv3Nesting: V(6, 13),
  /**
   * v6.15: iommufd maps SW_MSI doorbells itself (`iommufd_sw_msi`, one slot list per context)
   * and `iommu_dma_prepare_msi` refuses translated MSIs of a domain with no MSI cookie
   * (-EOPNOTSUPP); before, the dma-iommu MSI cookie of the domain did it, and a domain without
   * one left the MSI address physical.
   */
  swMsi: V(6, 15),
  /** PASID attachments through iommufd (IOMMU_HWPT_ATTACH with a pasid): v6.15. */
  iommufdPasid: V(6, 15),
} as const;
