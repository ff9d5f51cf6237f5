// group-topology: declared groups that the kernel would merge, given the PCI topology and ACS.

import { example, type AnalysisCheck } from '../check';
import { acsOverride, mergedGroups } from './topology';

const check: AnalysisCheck = {
  code: 'group-topology',
  severity: 'error',
  family: 'isolation',
  title: 'Declared groups that the PCI topology puts in one IOMMU group.',
  explanation: {
    anchor: 'the later group\'s name',
    what: 'Two declared groups that the kernel would put in one IOMMU group, given the PCI topology (`port`, `behind`, `acs`, `conventional`).',
    why: "The kernel forms PCI groups in pci_device_group (drivers/iommu/iommu.c): a device behind a PCIe-to-PCI bridge issues DMA with the bridge's requester ID and shares its group (pci_for_each_dma_alias); everything below the first bridge whose path to the root lacks ACS SV, RR, CR and UF shares that bridge's group (pci_acs_path_enabled with REQ_ACS_FLAGS); functions of a multifunction device without those ACS bits share one group (get_pci_function_alias_group). Declared groups that the topology joins cannot exist: a plan that hands them to different owners is impossible, and their devices can reach each other peer to peer past the IOMMU (R8, R9).",
    fix: 'Put the devices in one group, or declare the ACS the hardware really provides (a device-specific quirk counts: `acs sv rr cr uf`).',
    fires: example`
      iommu vtd0 { model vtd }
      device rp0 { pci 00:1c.0 port root driver pcieport }
      device gpu { pci 01:00.0 behind rp0 driver vfio-pci }
      device audio { pci 01:00.1 behind rp0 driver snd_hda_intel }
      group g1 { gpu }
      group g2 { audio }
      domain vm : paging { attach g1 }
    `,
    nearMiss: example`
      iommu vtd0 { model vtd }
      device rp0 { pci 00:1c.0 port root acs sv rr cr uf driver pcieport }
      device gpu { pci 01:00.0 behind rp0 acs sv rr cr uf driver vfio-pci }
      device audio { pci 01:00.1 behind rp0 acs sv rr cr uf driver snd_hda_intel }
      group g1 { gpu }
      group g2 { audio }
      domain vm : paging { attach g1 }
    `,
  },
  rules: 'R8a–c, R9, M5',
  run(ctx) {
    if (acsOverride(ctx.config)) return;
    for (const m of mergedGroups(ctx.config)) {
      ctx.report(
        'group-topology',
        m.group.nameLoc,
        `group '${m.group.name}' cannot exist apart from group '${m.first.name}': the kernel puts them in one IOMMU group (pci_device_group) because ${m.why}`,
        [{ loc: m.first.nameLoc, message: `group '${m.first.name}' is declared here` }],
      );
    }
  },
};

export default check;
