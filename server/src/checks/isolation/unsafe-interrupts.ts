// unsafe-interrupts: allow_unsafe_interrupts (the statement, or the backend's module parameter on
// the command line) is what lets a group whose MSIs are not isolated be handed to user space.

import type { Loc, Related } from '../../model/types';
import { cmdlineLoc } from '../../model/types';
import { settingText } from '../../model/cmdline';
import { example, type AnalysisCheck } from '../check';
import { ownerApi, userOwnedGroups } from './common';

const check: AnalysisCheck = {
  code: 'unsafe-interrupts',
  severity: 'warning',
  family: 'isolation',
  title: 'allow_unsafe_interrupts lets a device whose MSIs are not isolated be assigned to user space.',
  explanation: {
    anchor: 'the `vfio_iommu_type1.allow_unsafe_interrupts` / `iommufd.allow_unsafe_interrupts` parameter in the `cmdline` string, else the `allow-unsafe-interrupts` statement',
    what: 'Unsafe interrupts are allowed and a user-owned group has a member whose irqchip does not isolate MSIs (`gicv2m`, `x86-compat`, x86 with `intremap=off`, `not-isolated`): without the parameter this would be `msi-not-isolated`.',
    why: 'Without interrupt remapping (or an ITS) an MSI is an ordinary DMA write: the device, and so the guest or program driving it, can write any interrupt message — raise other devices\' interrupts or the host\'s. VFIO and iommufd refuse such groups unless allow_unsafe_interrupts is set (R15, R36); setting it trades that isolation for the assignment.',
    fix: 'Turn interrupt remapping on (firmware VT-d/IOMMU option, drop `intremap=off`) or use an ITS, then remove the parameter; or keep it knowingly and suppress this warning.',
    fires: example`
      cmdline "intremap=off vfio_iommu_type1.allow_unsafe_interrupts=1"
      backend vfio-type1
      iommu dmar0 { model vtd }
      irqchip ir0 { model x86-remap }
      device nic { pci 0000:03:00.0 msi ir0 driver vfio-pci }
      domain vm : paging { attach nic }
    `,
    nearMiss: example`
      cmdline "vfio_iommu_type1.allow_unsafe_interrupts=1"
      backend vfio-type1
      iommu dmar0 { model vtd }
      irqchip ir0 { model x86-remap }
      device nic { pci 0000:03:00.0 msi ir0 driver vfio-pci }
      domain vm : paging { attach nic }
    `,
  },
  rules: 'R15, R36, M30',
  run(ctx) {
    const { config } = ctx;
    if (!config.allowUnsafeInterrupts) return;
    const unsafe: { names: string[]; related: Related[] } = { names: [], related: [] };
    for (const [g, owner] of ctx.shared(userOwnedGroups)) {
      for (const m of g.members) {
        const chip = m.msi?.irqchip;
        if (!chip || chip.broken || chip.isolated) continue;
        unsafe.names.push(`'${m.name}' (${chip.name}${chip.remappingOffBy ? `: interrupt remapping off by ${settingText(chip.remappingOffBy)}` : `, ${chip.model ?? 'not isolated'}`})`);
        unsafe.related.push({ loc: owner.loc, message: `'${m.name}' is handed to user space here` });
      }
    }
    if (unsafe.names.length === 0) return;
    const c = config.commandLine;
    const param = config.allowUnsafeBy.param;
    const loc: Loc = param && c ? cmdlineLoc(c, param.param.range) : config.allowUnsafeBy.statement!;
    const what = param ? `'${settingText(param)}'` : "'allow-unsafe-interrupts'";
    ctx.report(
      'unsafe-interrupts',
      loc,
      `${what} lets ${ownerApi(config)} take ${unsafe.names.join(', ')} although ${unsafe.names.length > 1 ? 'their' : 'its'} MSIs are not isolated: the device can write any interrupt message (inject interrupts into the host or other guests)`,
      unsafe.related,
    );
  },
};

export default check;
