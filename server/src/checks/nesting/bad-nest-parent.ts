// bad-nest-parent: the parent of a nested domain is not a nest-parent paging domain on the
// same IOMMU.

import type { Loc } from '../../model/types';
import { example, type AnalysisCheck } from '../check';

const check: AnalysisCheck = {
  code: 'bad-nest-parent',
  severity: 'error',
  family: 'nesting',
  title: 'The parent of a nested domain is not a nest-parent paging domain on the same IOMMU.',
  explanation: {
    anchor: 'the `parent`',
    what: 'The parent is not a `paging` domain with `nest-parent`, is itself nested, or sits on another IOMMU instance.',
    why: 'IOMMU_HWPT_ALLOC of a nested HWPT needs a HWPT_PAGING parent allocated with NEST_PARENT, not itself nested, from the same driver and instance (-EINVAL, R43).',
    fix: "Make the parent a `paging` domain with `nest-parent`, on the same IOMMU as the nested domain's devices.",
    fires: example`
      iommu smmu0 { model smmuv3 }
      irqchip its0 { model gicv3-its base 0x0808_0000 }
      device nic { pci 0000:01:00.0 msi its0 driver vfio-pci }
      domain s2 : paging { map 0x4000_0000 -> 0x8_0000_0000 size 1G }
      domain guest : nested {
        parent s2
        attach nic
        rmr 0x0800_0000 size 1M
      }
    `,
    nearMiss: example`
      iommu smmu0 { model smmuv3 }
      irqchip its0 { model gicv3-its base 0x0808_0000 }
      device nic { pci 0000:01:00.0 msi its0 driver vfio-pci }
      domain s2 : paging {
        nest-parent
        map 0x4000_0000 -> 0x8_0000_0000 size 1G
      }
      domain guest : nested {
        parent s2
        attach nic
        rmr 0x0800_0000 size 1M
      }
    `,
  },
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
