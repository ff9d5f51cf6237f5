// bad-nest-parent: the parent of a nested domain is not a nest-parent paging domain on the
// same IOMMU.

import type { Loc } from '../../model/types';
import type { AnalysisCheck } from '../check';

const check: AnalysisCheck = {
  code: 'bad-nest-parent',
  severity: 'error',
  family: 'nesting',
  title: 'The parent of a nested domain is not a nest-parent paging domain on the same IOMMU.',
  explain:
    'IOMMU_HWPT_ALLOC of a nested HWPT needs a HWPT_PAGING parent allocated with NEST_PARENT, not itself nested, from the same driver and instance (-EINVAL, R43).',
  rules: 'R43, M38',
  run(ctx) {
    for (const dom of ctx.config.domains) {
      if (dom.type !== 'nested' || !dom.parentStmt || !dom.parent) continue;
      const p = dom.parent;
      if (p.broken || p.type === null) continue;
      const loc: Loc = { file: dom.nameLoc.file, span: dom.parentStmt.span };
      const rel = [{ loc: p.nameLoc, message: `'${p.name}' is declared here as a ${p.type} domain${p.nestParent ? ' with nest-parent' : ''}` }];
      if (p === dom) {
        ctx.report('bad-nest-parent', loc, `nested domain '${dom.name}' names itself as parent: a nested domain cannot be its own stage 2 (-EINVAL)`, rel);
      } else if (p.type === 'nested') {
        ctx.report('bad-nest-parent', loc, `parent '${p.name}' is itself a nested domain: nesting on a nested HWPT is refused (-EINVAL); name its nest-parent paging domain instead`, rel);
      } else if (p.type !== 'paging') {
        ctx.report('bad-nest-parent', loc, `parent '${p.name}' is a ${p.type} domain: a nested domain's parent must be a paging domain allocated with nest-parent (-EINVAL)`, rel);
      } else if (!p.nestParent) {
        ctx.report('bad-nest-parent', loc, `parent '${p.name}' is a paging domain without nest-parent (IOMMU_HWPT_ALLOC_NEST_PARENT): it cannot serve as stage 2 (-EINVAL)`, rel);
      } else if (dom.iommu && p.iommu && dom.iommu !== p.iommu) {
        ctx.report('bad-nest-parent', loc, `parent '${p.name}' is on iommu '${p.iommu.name}', but '${dom.name}' is on '${dom.iommu.name}': a stage 2 belongs to one IOMMU instance (-EINVAL)`, [
          ...rel,
          { loc: dom.iommuRef ? { file: dom.nameLoc.file, span: dom.iommuRef.span } : dom.nameLoc, message: `'${dom.name}' is on iommu '${dom.iommu.name}'` },
        ]);
      }
    }
  },
};

export default check;
