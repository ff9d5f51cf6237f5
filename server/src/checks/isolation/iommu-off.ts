// iommu-off: an attachment of a device whose IOMMU the command line disabled (intel_iommu=off,
// amd_iommu=off, x86 iommu=off). A disabled IOMMU probes no devices, so they have no IOMMU group:
// vfio_group_find_or_alloc refuses vfio-pci (-EINVAL, "no iommu_group"), iommufd_device_bind fails
// (-ENODEV), and no domain can be allocated for them.

import { cmdlineLoc } from '../../model/types';
import { settingText } from '../../model/cmdline';
import { example, type AnalysisCheck } from '../check';

const check: AnalysisCheck = {
  code: 'iommu-off',
  severity: 'error',
  family: 'isolation',
  title: 'A device is attached to a domain, but the kernel command line turns its IOMMU off.',
  explanation: {
    anchor: 'the `attach`',
    what: '`intel_iommu=off` (VT-d), `amd_iommu=off` (AMD) or the x86 `iommu=off` (both) disables the IOMMU the attached device sits behind.',
    why: 'A disabled IOMMU translates nothing and probes no devices: they have no IOMMU group and do DMA to physical addresses. vfio-pci cannot take them ("no iommu_group", -EINVAL; only vfio.enable_unsafe_noiommu_mode offers a group without any DMA isolation), iommufd bind fails with -ENODEV, and kernel drivers get no paging domain.',
    fix: 'Remove the `off` parameter (and on Intel, make sure VT-d is on: `intel_iommu=on` where the kernel is not built with CONFIG_INTEL_IOMMU_DEFAULT_ON).',
    fires: example`
      cmdline "intel_iommu=off"
      iommu dmar0 { model vtd }
      device nic { pci 0000:03:00.0 driver vfio-pci }
      domain vm : paging { attach nic }
    `,
    nearMiss: example`
      cmdline "intel_iommu=on"
      iommu dmar0 { model vtd }
      device nic { pci 0000:03:00.0 driver vfio-pci }
      domain vm : paging { attach nic }
    `,
  },
  run(ctx) {
    const { config } = ctx;
    const c = config.commandLine;
    if (!c) return;
    for (const dom of config.domains) {
      if (dom.broken) continue;
      for (const a of dom.attaches) {
        const off = a.group?.members.find((m) => m.iommu?.disabledBy);
        if (!off || !a.group) continue;
        const io = off.iommu!;
        const by = io.disabledBy!;
        const api = config.backend === 'iommufd' ? 'iommufd bind fails with -ENODEV' : config.backend === 'vfio-type1' ? 'vfio-pci finds no iommu_group (-EINVAL)' : 'no paging domain can be allocated for it (-ENODEV)';
        ctx.report(
          'iommu-off',
          a.loc,
          `'${settingText(by)}' turns iommu '${io.name}' (${io.model}) off: '${off.name}' has no IOMMU group and its DMA is untranslated, so it cannot be attached to ${dom.type ?? ''} domain '${dom.name}'; ${api}`,
          [{ loc: cmdlineLoc(c, by.option ? by.option.range : by.param.range), message: `'${settingText(by)}' disables the IOMMU` }],
        );
      }
    }
  },
};

export default check;
