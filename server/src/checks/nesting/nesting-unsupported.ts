// nesting-unsupported: a nest-parent or nested domain on an IOMMU without nesting support.

import { cmdlineLoc } from '../../model/types';
import { settingText } from '../../model/cmdline';
import { example, type AnalysisCheck } from '../check';

const check: AnalysisCheck = {
  code: 'nesting-unsupported',
  severity: 'error',
  family: 'nesting',
  title: 'A nest-parent or nested domain on an IOMMU without nesting.',
  explanation: {
    anchor: "the domain's name",
    what: 'A `nest-parent` or `nested` domain on an IOMMU without `nesting`.',
    why: 'Only IOMMUs with nesting support (SMMUv3 with FEAT_NESTING, VT-d scalable mode) can host nested translation (R43).',
    fix: 'Use an IOMMU with nesting (SMMUv3 with FEAT_NESTING, VT-d scalable mode), or a single-stage `paging` domain.',
    fires: example`
      iommu smmu0 { model smmuv3  no-nesting }
      domain s2 : paging { nest-parent }
    `,
    nearMiss: example`
      iommu smmu0 { model smmuv3 }
      domain s2 : paging { nest-parent }
    `,
  },
  rules: 'R43',
  run(ctx) {
    for (const dom of ctx.config.domains) {
      if (dom.type === null) continue;
      if ((dom.nestParent || dom.type === 'nested') && dom.iommu && !dom.iommu.broken && dom.iommu.model && !dom.iommu.nesting) {
        const io = dom.iommu;
        ctx.report(
          'nesting-unsupported',
          dom.nameLoc,
          `${dom.type === 'nested' ? 'nested domain' : 'nest-parent domain'} '${dom.name}' is on iommu '${io.name}' (${io.model}), which has no nesting support${io.nestingOffBy ? ` (scalable mode is off: ${settingText(io.nestingOffBy)})` : ''}: IOMMU_HWPT_ALLOC fails (-EOPNOTSUPP)`,
          [
            io.nestingOffBy && ctx.config.commandLine
              ? { loc: cmdlineLoc(ctx.config.commandLine, io.nestingOffBy.option ? io.nestingOffBy.option.range : io.nestingOffBy.param.range), message: `'${settingText(io.nestingOffBy)}' turns VT-d scalable mode off: no first-stage or nested translation` }
              : { loc: io.nameLoc, message: `iommu '${io.name}' (${io.model})${io.decl.props.some((p) => p.kind === 'no-nesting') ? ' is declared no-nesting' : ': nesting is off for this model unless declared'}` },
          ],
        );
      }
    }
  },
};

export default check;
