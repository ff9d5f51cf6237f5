// cmdline-passthrough: iommu=pt / iommu.passthrough=1 wins, so the groups that stay with the
// kernel get identity default domains: their DMA is not translated and not confined. People
// add it believing it is needed (or helps) to assign devices to VMs; it is neither.

import { example, type AnalysisCheck } from '../check';
import { settingLoc, shown } from './common';

const MAX_NAMED = 4;

const check: AnalysisCheck = {
  code: 'cmdline-passthrough',
  severity: 'warning',
  family: 'cmdline',
  title: 'iommu=pt (or iommu.passthrough=1) leaves the devices of kernel drivers without DMA protection.',
  explanation: {
    anchor: 'the winning `iommu=pt` or `iommu.passthrough=1` inside the `cmdline` string',
    what: 'The command line makes default domains identity, and devices bound to kernel drivers stay in them (their group declares no other type and nothing attaches it).',
    why: 'An identity domain passes every DMA through untranslated (iommu_subsys_init: "Default domain type: Passthrough (set via kernel command line)"): a buggy or malicious device reaches all memory, exactly as without an IOMMU. Passthrough is not needed to assign devices: VFIO and iommufd attach their own translated domains whatever the default is. The kernel still forces DMA domains on untrusted (external) ports.',
    fix: 'Drop `iommu=pt` / `iommu.passthrough=1` to have the host\'s devices translated (`iommu.strict=0` keeps most of the speed), or keep it knowingly and suppress this warning.',
    fires: example`
      cmdline "intel_iommu=on iommu=pt"
      iommu dmar0 { model vtd }
      device nvme { pci 0000:02:00.0 driver nvme }
    `,
    nearMiss: example`
      cmdline "intel_iommu=on iommu.strict=0"
      iommu dmar0 { model vtd }
      device nvme { pci 0000:02:00.0 driver nvme }
    `,
  },
  run(ctx) {
    const { config, tx } = ctx;
    const c = config.commandLine;
    const dd = c?.effects.defaultDomain;
    if (!c || !dd || dd.type !== 'identity') return;
    const exposed = [];
    for (const g of config.groups) {
      // a group written `: identity` (as import-sysfs writes what sysfs shows) is identity because of the line too
      if (g.broken || (g.declaredType && g.declaredType !== 'identity')) continue;
      const io = g.members.find((m) => m.iommu)?.iommu;
      if (io?.disabledBy || io?.defaultDomainDeclared) continue;
      const rid = tx.groupRidDomain(g);
      if (rid !== g.defaultDomain || rid.type !== 'identity') continue;
      for (const m of g.members) if (!m.neutralDriver) exposed.push(m);
    }
    if (exposed.length === 0) return;
    const by = dd.by[0]!;
    const names = exposed.slice(0, MAX_NAMED).map((m) => `'${m.name}' (${m.driver})`).join(', ') + (exposed.length > MAX_NAMED ? ` and ${exposed.length - MAX_NAMED} more` : '');
    ctx.report(
      'cmdline-passthrough',
      settingLoc(c, by),
      `${shown(by)} makes default domains identity: ${names} do DMA untranslated, with no IOMMU protection; passthrough is not needed to assign devices (VFIO and iommufd attach their own domains)`,
      exposed.slice(0, MAX_NAMED).map((m) => ({ loc: m.nameLoc, message: `'${m.name}' stays with its kernel driver ${m.driver} in an identity domain` })),
    );
  },
};

export default check;
