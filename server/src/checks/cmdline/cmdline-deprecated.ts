// cmdline-deprecated: a spelling the kernel still honours but has deprecated (it logs a warning
// at boot): intel_iommu=strict and amd_iommu=fullflush (iommu.strict=1), intel_iommu=forcedac
// (iommu.forcedac=1), nointremap (intremap=off).

import { example, type AnalysisCheck } from '../check';
import { appendEdit, editData, editFix, notesOf, removeEdit, settingLoc } from './common';

const check: AnalysisCheck = {
  code: 'cmdline-deprecated',
  severity: 'information',
  family: 'cmdline',
  title: 'A deprecated kernel parameter: it still works, under another name.',
  explanation: {
    anchor: 'the parameter (or option) inside the `cmdline` string',
    what: '`intel_iommu=strict` and `amd_iommu=fullflush` (write `iommu.strict=1`), `intel_iommu=forcedac` (`iommu.forcedac=1`), `nointremap` (`intremap=off`).',
    why: 'The kernel still does what they say (intel_iommu_setup and parse_amd_iommu_options call iommu_set_dma_strict(), which forces strict invalidation after every early parameter, so `iommu.strict=0` cannot undo them) and logs "… deprecated; use iommu.strict=1 instead". The generic spelling works with every IOMMU driver and shows in the boot log as "(set via kernel command line)".',
    fix: 'Write the generic parameter instead (the quick fix does).',
    fires: example`
      cmdline "intel_iommu=on,strict"
      iommu dmar0 { model vtd }
      device nvme { pci 0000:02:00.0 driver nvme }
    `,
    nearMiss: example`
      cmdline "intel_iommu=on iommu.strict=1"
      iommu dmar0 { model vtd }
      device nvme { pci 0000:02:00.0 driver nvme }
    `,
  },
  run(ctx) {
    const c = ctx.config.commandLine;
    if (!c) return;
    for (const n of notesOf(ctx.config, ['deprecated'])) {
      const fix = n.replacement ? editData(`Write '${n.replacement}' instead`, [removeEdit(c, n.param, n.option), appendEdit(c, n.replacement)], true) : undefined;
      ctx.report('cmdline-deprecated', settingLoc(c, { param: n.param, option: n.option }), n.message, [], fix);
    }
  },
  fixes: editFix,
};

export default check;
