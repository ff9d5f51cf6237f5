// msi-not-isolated: a user-owned group with a member whose irqchip does not isolate MSIs.
// A member without `msi` (INTx only, or MSI not modelled) has no irqchip to judge: it is not
// reported.

import { example, type AnalysisCheck } from '../check';
import { userOwnedGroups } from './common';
import { cmdlineLoc } from '../../model/types';
import { settingText } from '../../model/cmdline';

const check: AnalysisCheck = {
  code: 'msi-not-isolated',
  severity: 'error',
  family: 'isolation',
  title: 'A user-owned group has a member whose MSIs are not isolated.',
  explanation: {
    anchor: 'the `attach`',
    what: 'A user-owned group has a member whose MSIs are not isolated (`gicv2m`, `x86-compat`, `not-isolated`) and `allow-unsafe-interrupts` is off (-EPERM).',
    why: 'VFIO and iommufd require isolated MSIs (interrupt remapping, a GICv3 ITS) unless allow_unsafe_interrupts is set: otherwise -EPERM, "No interrupt remapping support. Use the module param allow_unsafe_interrupts…" (R15, R36).',
    fix: 'Use an isolating irqchip (GICv3 ITS, interrupt remapping), or accept the risk explicitly with `allow-unsafe-interrupts`.',
    fires: example`
      iommu smmu0 { model smmuv3 }
      irqchip v2m { model gicv2m base 0x0802_0000 }
      device nic { pci 0000:01:00.0 msi v2m driver vfio-pci }
      domain vm : paging { attach nic }
    `,
    nearMiss: example`
      iommu smmu0 { model smmuv3 }
      irqchip its0 { model gicv3-its base 0x0808_0000 }
      device nic { pci 0000:01:00.0 msi its0 driver vfio-pci }
      domain vm : paging { attach nic }
    `,
  },
  rules: 'R15, R36, M30',
  run(ctx) {
    const { config } = ctx;
    if (config.allowUnsafeInterrupts) return;
    for (const [g, owner] of ctx.shared(userOwnedGroups)) {
      const unsafe = g.members.filter((m) => m.msi?.irqchip && !m.msi.irqchip.broken && !m.msi.irqchip.isolated);
      if (unsafe.length === 0) continue;
      const list = unsafe.map((m) => `'${m.name}' (${m.msi!.irqchip!.name}, ${m.msi!.irqchip!.remappingOffBy ? `interrupt remapping off by ${settingText(m.msi!.irqchip!.remappingOffBy)}` : m.msi!.irqchip!.model ?? 'not isolated'})`).join(', ');
      ctx.report(
        'msi-not-isolated',
        owner.loc,
        `${g.members.length > 1 ? `group '${g.name}'` : `'${g.name}'`} is handed to user space (${owner.domain.type} domain '${owner.domain.name}') but the MSIs of ${list} are not isolated: ${config.backend === 'iommufd' ? 'iommufd bind' : 'VFIO attach'} fails with -EPERM ("No interrupt remapping support. Use the module param allow_unsafe_interrupts…")`,
        unsafe.map((m) => {
          const chip = m.msi!.irqchip!;
          const off = chip.remappingOffBy;
          if (off && config.commandLine) return { loc: cmdlineLoc(config.commandLine, off.option ? off.option.range : off.param.range), message: `'${settingText(off)}' turns interrupt remapping off: irqchip '${chip.name}' does not isolate MSIs` };
          return { loc: chip.nameLoc, message: `irqchip '${chip.name}' does not isolate MSIs per device` };
        }),
      );
    }
  },
};

export default check;
