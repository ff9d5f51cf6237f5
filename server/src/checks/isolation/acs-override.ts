// acs-override: the machine's groups are finer than its ACS allows (pcie_acs_override).

import { example, type AnalysisCheck } from '../check';
import { acsOverride, mergedGroups } from './topology';

const check: AnalysisCheck = {
  code: 'acs-override',
  severity: 'warning',
  family: 'isolation',
  title: 'Groups finer than the PCI topology allows: isolation that is not real (pcie_acs_override).',
  explanation: {
    anchor: 'the later group\'s name',
    what: 'With `pcie_acs_override` on the kernel command line, declared groups that the PCI topology would merge: the groups exist, but their isolation is not real.',
    why: "The out-of-tree pcie_acs_override patch makes the kernel pretend that bridges and multifunction devices enforce ACS, so it forms smaller groups than pci_device_group would. Nothing stops the devices from reaching each other peer to peer below the bridge that lacks ACS, past the IOMMU: handing the groups to different VMs or owners gives each access to the other's DMA (R8, R9).",
    fix: 'Keep devices that share a bridge without ACS with one owner (one group), or use hardware with ACS on its downstream ports.',
    fires: example`
      cmdline "quiet pcie_acs_override=downstream,multifunction"
      iommu vtd0 { model vtd }
      device rp0 { pci 00:1c.0 port root driver pcieport }
      device gpu { pci 01:00.0 behind rp0 driver vfio-pci }
      device audio { pci 01:00.1 behind rp0 driver snd_hda_intel }
      group g1 { gpu }
      group g2 { audio }
      domain vm : paging { attach g1 }
    `,
    nearMiss: example`
      cmdline "quiet pcie_acs_override=downstream,multifunction"
      iommu vtd0 { model vtd }
      device rp0 { pci 00:1c.0 port root driver pcieport }
      device gpu { pci 01:00.0 behind rp0 driver vfio-pci }
      device audio { pci 01:00.1 behind rp0 driver vfio-pci }
      group g1 { gpu audio }
      domain vm : paging { attach g1 }
    `,
  },
  rules: 'R8b–d, R9, M5',
  run(ctx) {
    if (!acsOverride(ctx.config)) return;
    for (const m of mergedGroups(ctx.config)) {
      ctx.report(
        'acs-override',
        m.group.nameLoc,
        `group '${m.group.name}' is isolated from group '${m.first.name}' only by pcie_acs_override: without it the kernel would merge them because ${m.why}; peer-to-peer DMA between them bypasses the IOMMU`,
        [{ loc: m.first.nameLoc, message: `group '${m.first.name}' is declared here` }],
      );
    }
  },
};

export default check;
