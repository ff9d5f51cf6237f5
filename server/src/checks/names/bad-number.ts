// `bad-number`: raised while parsing and building the model.

import type { EmittedCheck } from '../check';

const check: EmittedCheck = {
  code: 'bad-number',
  severity: 'error',
  family: 'syntax-and-names',
  title: 'A number or range that is not valid.',
  explain:
    'Numbers are unsigned 64-bit: values of 2^64 or more are refused. A range needs a size greater than 0, `A..L` needs L ≥ A, and no range may wrap past 0xffff_ffff_ffff_ffff (the kernel returns -EOVERFLOW for such a range). Page sizes must be powers of two.',
  emittedBy: 'model',
};

export default check;
