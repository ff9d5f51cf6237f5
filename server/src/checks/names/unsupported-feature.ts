// `unsupported-feature`: raised while building the model (model/build.ts, kernelGates), because
// a construct the backend or the targeted kernel does not offer takes no part in the model.

import { example, type EmittedCheck } from '../check';

const check: EmittedCheck = {
  code: 'unsupported-feature',
  severity: 'error',
  family: 'syntax-and-names',
  title: 'The backend or the targeted kernel has no such interface.',
  explanation: {
    anchor: "the construct: a nested domain's type, `nest-parent`, a device's `sw-msi`, the `attach … pasid`, the `backend` value (the `kernel` version when the backend is the default)",
    what: 'Nested domains, `nest-parent` or PASID attachments under `vfio-type1` (and nested domains and `nest-parent` under `dma-api`); a device\'s own `sw-msi` window outside iommufd; `backend iommufd` before v6.2; nested domains and `nest-parent` before v6.7 (the VT-d driver v6.8, the SMMUv3 driver v6.13); PASID attachments through iommufd before v6.15 (language.md §3 "Kernel versions").',
    why: 'Some constructs exist only under one backend or from one kernel release (domain.md Appendix B): nested domains and PASID attachments are iommufd interfaces (IOMMU_HWPT_ALLOC with a parent, IOMMU_HWPT_ATTACH with a pasid), which the VFIO type1 container and kernel drivers do not have; iommufd itself arrived in v6.2, nested HWPTs in v6.7, PASID attachments through iommufd in v6.15. The kernel refuses the ioctl (-EOPNOTSUPP, -ENOTTY, or there is no /dev/iommu at all). The refused construct takes no part in the other checks.',
    fix: 'Target a kernel that has the interface (`kernel 6.15` for iommufd PASID attachments), use `backend iommufd` for nested domains and PASIDs, or `backend vfio-type1` on kernels before 6.2.',
    fires: example`
      backend vfio-type1
      iommu smmu0 { model smmuv3 }
      device acc { pci 0000:03:00.0 driver vfio-pci pasid 8 }
      domain rid : paging { attach acc }
      domain sva : paging { attach acc pasid 5 }
    `,
    nearMiss: example`
      backend iommufd
      kernel 6.15
      iommu smmu0 { model smmuv3 }
      device acc { pci 0000:03:00.0 driver vfio-pci pasid 8 }
      domain rid : paging { attach acc }
      domain sva : paging { attach acc pasid 5 }
    `,
  },
  emittedBy: 'model',
};

export default check;
