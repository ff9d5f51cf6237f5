// `syntax`: raised while parsing and building the model.

import type { EmittedCheck } from '../check';

const check: EmittedCheck = {
  code: 'syntax',
  severity: 'error',
  family: 'syntax-and-names',
  title: 'The text does not parse.',
  explain:
    'The parser recovers after each error and keeps going, so one typo gives one diagnostic and the rest of the file is still checked. Fix the statement at the marked token.',
  emittedBy: 'model',
};

export default check;
