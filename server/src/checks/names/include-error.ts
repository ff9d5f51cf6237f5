// `include-error`: raised while parsing and building the model (loading the included files).

import type { EmittedCheck } from '../check';

const check: EmittedCheck = {
  code: 'include-error',
  severity: 'error',
  family: 'syntax-and-names',
  title: 'An include that cannot be followed.',
  explain:
    'The included file is missing, the includes form a cycle, or the path leaves the workspace folder. Paths are relative to the including file.',
  emittedBy: 'model',
};

export default check;
