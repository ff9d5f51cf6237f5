// `unused-suppression`: raised when suppression comments are applied (checks/suppressions.ts).

import type { EmittedCheck } from '../check';

const check: EmittedCheck = {
  code: 'unused-suppression',
  severity: 'warning',
  family: 'hygiene',
  title: 'A suppression comment that silenced nothing.',
  explain:
    'The code it names did not fire on its statement (or in its file, for ignore-file). Remove it so that it does not hide a future problem.',
  emittedBy: 'suppressions',
};

export default check;
