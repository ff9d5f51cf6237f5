// cmdline-overridden: a parameter (or option) whose setting another one undoes: the kernel
// handles early parameters first, then __setup and module parameters, each in line order, and
// the last write of a kernel variable wins (init/main.c parse_early_param, parse_args).

import { finalSetting, type Setting, type Variable } from '../../model/cmdline';
import { example, type AnalysisCheck } from '../check';
import { editData, editFix, meaning, removeEdit, settingLoc, shown, whyWins, x86OnlyElsewhere } from './common';

/**
 * The variables whose last write decides something the model reads (pcie_acs_override is not
 * one: the patch ORs the flags of every occurrence together).
 */
const VARIABLES: readonly Variable[] = ['default-domain', 'strict', 'intel-iommu', 'intremap', 'scalable-mode', 'vtd-superpage', 'vfio-unsafe', 'iommufd-unsafe', 'amd-pgtable', 'amd-pgsizes'];

const check: AnalysisCheck = {
  code: 'cmdline-overridden',
  severity: 'warning',
  family: 'cmdline',
  title: 'A kernel parameter is overridden by another one: the kernel ignores what it asks for.',
  explanation: {
    anchor: 'the losing parameter (or option) inside the `cmdline` string',
    what: 'Two parameters set the same kernel variable to different values (`iommu=pt … iommu.passthrough=0`, `intremap=off … intremap=on`, `intel_iommu=on,off`), or one parameter makes another pointless (`iommu=off` with `intel_iommu=on`, `intel_iommu=strict` with `iommu.strict=0`). The message says which one wins and why.',
    why: 'The kernel runs every early parameter first, in line order, then the __setup handlers (`intel_iommu=`, `amd_iommu=`) and module parameters, in line order; each handler just writes its variable, so the last write wins silently. `intel_iommu=strict` and `amd_iommu=fullflush` call iommu_set_dma_strict(), which forces strict mode after every early parameter; `iommu=off` sets no_iommu, which intel_iommu_init and amd_iommu_detect check before anything else.',
    fix: 'Remove the losing parameter (the quick fix does), or move the one you mean to the end.',
    fires: example`
      cmdline "quiet iommu=pt intel_iommu=on iommu.passthrough=0"
      iommu dmar0 { model vtd }
      device nvme { pci 0000:02:00.0 driver nvme }
    `,
    nearMiss: example`
      cmdline "quiet intel_iommu=on iommu.passthrough=0"
      iommu dmar0 { model vtd }
      device nvme { pci 0000:02:00.0 driver nvme }
    `,
  },
  run(ctx) {
    const c = ctx.config.commandLine;
    if (!c) return;
    const settings = c.parsed.settings.filter((s) => !x86OnlyElsewhere(c, s.param));
    const reported = new Set<object>();
    const report = (loser: Setting, winner: Setting, why: string) => {
      const key = loser.option ?? loser.param;
      if (reported.has(key)) return;
      reported.add(key);
      ctx.report(
        'cmdline-overridden',
        settingLoc(c, loser),
        `${shown(loser)} is overridden by ${shown(winner)}: ${why}; the kernel ends up with ${meaning(winner.variable, winner.value)}`,
        [{ loc: settingLoc(c, winner), message: `${shown(winner)} wins` }],
        editData(`Remove ${shown(loser)}`, [removeEdit(c, loser.param, loser.option)], true),
      );
    };
    for (const v of VARIABLES) {
      const list = settings.filter((s) => s.variable === v);
      const winner = list[list.length - 1];
      if (!winner) continue;
      for (const s of list) if (s !== winner && s.value !== winner.value) report(s, winner, whyWins(s, winner));
    }
    if (c.platform !== 'x86') return;
    // iommu=off wins over intel_iommu=on: intel_iommu_init gives up on `no_iommu || dmar_disabled`
    const noIommu = finalSetting(c.parsed, 'no-iommu');
    const intel = finalSetting(c.parsed, 'intel-iommu');
    if (noIommu && intel?.value === true && ctx.config.iommus.some((i) => i.model === 'vtd'))
      report(intel, noIommu, "iommu=off sets no_iommu, and intel_iommu_init gives up when no_iommu is set whatever dmar_disabled says");
    // amd_iommu=off takes AMD interrupt remapping with it: amd_iommu_prepare never reaches IOMMU_ACPI_FINISHED
    const ir = finalSetting(c.parsed, 'intremap');
    const amd = c.effects.amdIrOff;
    if (ir?.value === true && amd && ctx.config.iommus.some((i) => i.model === 'amd-vi') && !ctx.config.iommus.some((i) => i.model === 'vtd'))
      report(ir, amd, 'amd_iommu=off stops the AMD IOMMU before its interrupt remapping is prepared (amd_iommu_prepare fails), so there is no remapping to switch on');
  },
  fixes: editFix,
};

export default check;
