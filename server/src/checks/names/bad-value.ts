// `bad-value`: raised while parsing and building the model.

import { example, type EmittedCheck } from '../check';

const check: EmittedCheck = {
  code: 'bad-value',
  severity: 'error',
  family: 'syntax-and-names',
  title: 'A value outside its domain, a statement not allowed here, or a property given twice.',
  explanation: {
    anchor: 'the value',
    what: 'Out-of-domain values: `ias`/`oas` outside 1–64, `pasid` bits outside 1–20, a statement not allowed in this domain type (`map` in `identity`/`blocked`, `rmr` outside `nested`…), a property given twice.',
    why: '`ias`/`oas` are 1–64, `pasid` widths 1–20, models, domain types and region types come from fixed lists, and each domain type allows only some statements (no `map` in identity or blocked domains, `rmr`/`msi-bind`/`pasid-table`/`parent`/`stage1` only in nested domains, `nest-parent` only in paging domains).',
    fix: 'Use a value from the allowed set, or move the statement to a domain type that allows it.',
    fires: example`
      iommu smmu0 { model smmuv3  ias 65 }
    `,
    nearMiss: example`
      iommu smmu0 { model smmuv3  ias 48 }
    `,
  },
  emittedBy: 'model',
};

export default check;
