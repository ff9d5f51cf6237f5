// Groups derived from the PCI topology: group-topology (M5) and acs-override.

import { describe, it } from 'vitest';
import { check } from '../helpers/check';

const X86 = `backend iommufd
iommu dmar0 { model vtd }
irqchip ir0 { model x86-remap }
device rp0 { pci 0000:00:1c.0  port root  acs sv rr cr uf  driver pcieport }
`;

describe('group-topology', () => {
  it('M5: non-ACS functions of one multifunction card declared as two groups handed to different owners', () => {
    check(`${X86}
device gpu { pci 0000:01:00.0  behind rp0  msi ir0  driver vfio-pci }
device gpu_audio { pci 0000:01:00.1  behind rp0  msi ir0  driver snd_hda_intel }
group g_gpu { gpu }
// iommu-check: ignore unused-object -- stays with the host
group g_audio { gpu_audio }
//    ^^^^^^^ group-topology: get_pci_function_alias_group
domain vm : paging { attach g_gpu }
`);
  });
  it('M5: endpoints below a root port without ACS declared apart', () => {
    check(`backend iommufd
iommu dmar0 { model vtd }
device rp { pci 0000:00:1c.0  port root  driver pcieport }
device nic { pci 0000:01:00.0  behind rp  driver vfio-pci }
device rp2 { pci 0000:00:1c.1  port root  driver pcieport }
group a { nic }
// iommu-check: ignore unused-object -- stays with the host
group b { rp }
//    ^ group-topology: rp (0000:00:1c.0) above it has no ACS capability
domain vm : paging { attach a }
`);
  });
  it('M5 near miss: the functions enforce ACS, so the kernel keeps them apart', () => {
    check(`${X86}
device gpu { pci 0000:01:00.0  behind rp0  acs sv rr cr uf  msi ir0  driver vfio-pci }
device gpu_audio { pci 0000:01:00.1  behind rp0  acs sv rr cr uf  msi ir0  driver snd_hda_intel }
group g_gpu { gpu }
// iommu-check: ignore unused-object -- stays with the host
group g_audio { gpu_audio }
domain vm : paging { attach g_gpu }
`);
  });
});

describe('acs-override', () => {
  it('the same groups under pcie_acs_override are a warning: isolation that is not real', () => {
    check(`cmdline "quiet pcie_acs_override=downstream,multifunction"
${X86}
device gpu { pci 0000:01:00.0  behind rp0  msi ir0  driver vfio-pci }
device gpu_audio { pci 0000:01:00.1  behind rp0  msi ir0  driver snd_hda_intel }
group g_gpu { gpu }
// iommu-check: ignore unused-object -- stays with the host
group g_audio { gpu_audio }
//    ^^^^^^^ acs-override: only by pcie_acs_override
domain vm : paging { attach g_gpu }
`);
  });
});
