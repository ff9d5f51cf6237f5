// Registers every family of checks with the registry.
import './isolation';
import './reserved';
import './doorbells';
import './nesting';
import './expect';
import './hygiene';

export { CHECKS, CHECK_BY_CODE, IMPLEMENTATIONS, makeDiagnostic, registerCheck } from './registry';
export type { Check, CheckContext, CheckInfo } from './registry';
