// The firmware checks' severities, from the check registry (checks/firmware/<code>.ts): the
// importers report findings with them.

import { CHECK_BY_CODE } from '../checks/registry';
import type { Severity } from '../model/types';

export function firmwareSeverity(code: string): Severity {
  const c = CHECK_BY_CODE.get(code);
  if (!c || c.family !== 'firmware') throw new Error(`firmware finding with an unregistered code ${code}`);
  return c.severity;
}
