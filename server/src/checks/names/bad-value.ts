// `bad-value`: raised while parsing and building the model.

import type { EmittedCheck } from '../check';

const check: EmittedCheck = {
  code: 'bad-value',
  severity: 'error',
  family: 'syntax-and-names',
  title: 'A value outside its domain, a statement not allowed here, or a property given twice.',
  explain:
    '`ias`/`oas` are 1–64, `pasid` widths 1–20, models, domain types and region types come from fixed lists, and each domain type allows only some statements (no `map` in identity or blocked domains, `rmr`/`msi-bind`/`pasid-table`/`parent`/`stage1` only in nested domains, `nest-parent` only in paging domains).',
  emittedBy: 'model',
};

export default check;
