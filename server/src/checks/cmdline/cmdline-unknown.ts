// cmdline-unknown: an IOMMU-looking parameter the kernel has no handler for (a typo such as
// `iommu.passthru=1`, `intel-iommu.on`, `vfio_iommu_type1.allow_unsafe_interrupt=1`): the kernel
// hands unknown parameters to init, so nothing happens.

import { example, type AnalysisCheck } from '../check';
import { editData, editFix, notesOf, paramLoc, replaceEdit } from './common';

const check: AnalysisCheck = {
  code: 'cmdline-unknown',
  severity: 'warning',
  family: 'cmdline',
  title: 'An IOMMU kernel parameter that does not exist (a typo?).',
  explanation: {
    anchor: 'the parameter inside the `cmdline` string',
    what: 'A parameter whose name looks like an IOMMU, interrupt-remapping or VFIO parameter but matches none the kernel has (names compare with `-` and `_` alike, as the kernel does).',
    why: 'parse_args passes parameters nobody claims to init (as arguments or environment variables) and, for module parameters, the module ignores unknown names with a warning at load: the setting silently does not exist.',
    fix: 'Correct the spelling (the quick fix offers the nearest parameter).',
    fires: example`
      cmdline "iommu.passthru=1"
      iommu smmu0 { model smmuv3 }
      device nic { pci 0000:02:00.0 }
    `,
    nearMiss: example`
      cmdline "iommu.passthrough=1"
      iommu smmu0 { model smmuv3 }
      device nic { pci 0000:02:00.0 }
    `,
  },
  run(ctx) {
    const c = ctx.config.commandLine;
    if (!c) return;
    for (const n of notesOf(ctx.config, ['unknown-param'])) {
      const s = n.suggestions;
      const hint = s.length === 0 ? '' : `; did you mean ${s.map((x) => `'${x}'`).join(' or ')}?`;
      let fix;
      if (s.length >= 1) {
        const whole = s[0]!.includes('=');
        fix = editData(`Replace with '${s[0]}'`, [replaceEdit(c, whole ? n.param.range : n.param.nameRange, s[0]!)], false);
      }
      ctx.report('cmdline-unknown', paramLoc(c, n.param), `${n.message}: the kernel passes it to init and nothing happens${hint}`, [], fix);
    }
  },
  fixes: editFix,
};

export default check;
