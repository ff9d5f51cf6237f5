// Configurations whose address maps the tests state in full (nested, msi-bind, PASID, the 64-bit
// edge, an empty domain, a SW_MSI window too small for its doorbells). The README's picture is drawn from NESTED_NO_RMR.

export const NESTED_NO_RMR = `backend iommufd
iommu smmu0 { model smmuv3  ias 48  oas 44 }
irqchip its0 { model gicv3-its  base 0x0808_0000 }
device nic { pci 0000:01:00.0  iommu smmu0  msi its0  driver vfio-pci }
domain s2 : paging {
  nest-parent
  map 0x4000_0000 -> 0x8_0000_0000 size 4G rw
}
domain guest : nested {
  parent s2
  attach nic
  map 0x1_0000_0000 -> 0x4000_0000 size 1G rw
  map 0x2_0000_0000 -> 0x2_0000_0000 size 2M rw
}
`;

export const MSI_BIND = `backend iommufd
iommu smmu0 { model smmuv3 }
irqchip its0 { model gicv3-its  base 0x201F_0000 }
device vf0 { iommu smmu0  msi its0  driver vfio-pci }
domain s2 : paging {
  nest-parent
  map 0x4000_0000 -> 0x80_0000_0000 size 1G rw
}
domain guest : nested {
  parent s2
  attach vf0
  msi-bind 0xFFBF_0000 -> 0x0809_0000 size 4K
  map 0xFFBF_0000 -> 0x0809_0000 size 4K w
  map 0x1_0000_0000 -> 0x4000_0000 size 1G rw
}
`;

export const PASID = `backend iommufd
kernel 6.15
iommu smmu0 { model smmuv3 }
irqchip its0 { model gicv3-its  base 0x0808_0000 }
device acc { iommu smmu0  msi its0  driver vfio-pci  pasid 8 }
domain rid : paging {
  attach acc
  map 0x4000_0000 -> 0x1_0000_0000 size 1G rw
}
domain sva : paging {
  attach acc pasid 3
  map 0x0 -> 0x2_0000_0000 size 2G rw
}
`;

export const EDGE_64 = `backend iommufd
iommu wide { model generic  ias 64  oas 64  reserved 0xFFFF_FFFF_FFFF_0000..0xFFFF_FFFF_FFFF_EFFF reserved }
device dev { iommu wide  driver vfio-pci }
domain top : paging {
  attach dev
  map 0x1000 -> 0xFFFF_FFFF_FFFF_F000 size 4K r
  map 0xFFFF_FFFF_FFFF_F000 -> 0x0 size 4K rw
  map 0x1_0000_0000 -> 0x1_0000_0000 size 1T rw
}
`;

export const EMPTY = `backend iommufd
iommu smmu0 { model smmuv3  ias 40 }
domain spare : paging { iommu smmu0 }
`;

/** Two ITS doorbells, a one-page SW_MSI window: slot 1 lies past the window (sw-msi-exhausted). */
export const WINDOW_TOO_SMALL = `backend iommufd
iommu smmu0 { model smmuv3  sw-msi 0x800_0000 size 4K }
irqchip its0 { model gicv3-its  base 0x0808_0000 }
irqchip its1 { model gicv3-its  base 0x0908_0000 }
device a { iommu smmu0  msi its0  driver vfio-pci }
device b { iommu smmu0  msi its1  driver vfio-pci }
domain vm : paging {
  attach a
  attach b
  map 0x4000_0000 -> 0x1_0000_0000 size 1G rw
}
`;
