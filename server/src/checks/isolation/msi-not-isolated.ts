// msi-not-isolated: a user-owned group with a member whose irqchip does not isolate MSIs.
// A member without `msi` (INTx only, or MSI not modelled) has no irqchip to judge: it is not
// reported.

import type { AnalysisCheck } from '../check';
import { userOwningAttach } from './common';

const check: AnalysisCheck = {
  code: 'msi-not-isolated',
  severity: 'error',
  family: 'isolation',
  title: 'A user-owned group has a member whose MSIs are not isolated.',
  explain:
    'VFIO and iommufd require isolated MSIs (interrupt remapping, a GICv3 ITS) unless allow_unsafe_interrupts is set: otherwise -EPERM, "No interrupt remapping support. Use the module param allow_unsafe_interrupts…" (R15, R36).',
  rules: 'R15, R36, M30',
  run(ctx) {
    const { config, tx } = ctx;
    if (config.allowUnsafeInterrupts) return;
    for (const g of config.groups) {
      if (g.broken) continue;
      const owner = userOwningAttach(config, tx, g);
      if (!owner || owner.domain.broken) continue;
      const unsafe = g.members.filter((m) => m.msi?.irqchip && !m.msi.irqchip.broken && !m.msi.irqchip.isolated);
      if (unsafe.length === 0) continue;
      const list = unsafe.map((m) => `'${m.name}' (${m.msi!.irqchip!.name}, ${m.msi!.irqchip!.model ?? 'not isolated'})`).join(', ');
      ctx.report(
        'msi-not-isolated',
        owner.loc,
        `${g.members.length > 1 ? `group '${g.name}'` : `'${g.name}'`} is handed to user space (${owner.domain.type} domain '${owner.domain.name}') but the MSIs of ${list} are not isolated: ${config.backend === 'iommufd' ? 'iommufd bind' : 'VFIO attach'} fails with -EPERM ("No interrupt remapping support. Use the module param allow_unsafe_interrupts…")`,
        unsafe.map((m) => ({ loc: m.msi!.irqchip!.nameLoc, message: `irqchip '${m.msi!.irqchip!.name}' does not isolate MSIs per device` })),
      );
    }
  },
};

export default check;
