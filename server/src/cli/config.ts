// `--rule CODE=SEVERITY` options. Config files are read by the project's one parser
// (server/src/project/settings.ts).

import { didYouMean } from '../../../grammar/src/spelling';
import { CHECK_BY_CODE } from '../checks/registry';
import type { RuleSetting } from '../engine';
import { isRuleSetting, RULE_SETTINGS } from '../project/index';
import { UsageError } from './io';

/** `CODE=SEVERITY` from `--rule`. */
export function parseRuleOption(text: string): [string, RuleSetting] {
  const eq = text.indexOf('=');
  if (eq <= 0) throw new UsageError(`--rule expects CODE=${RULE_SETTINGS.join('|')}, got '${text}'`);
  const code = text.slice(0, eq).trim();
  const value = text.slice(eq + 1).trim();
  if (!CHECK_BY_CODE.has(code)) throw new UsageError(`--rule: unknown check code '${code}'${didYouMean(code, CHECK_BY_CODE.keys())} (run 'iommu-check explain' for the list)`);
  if (!isRuleSetting(value)) throw new UsageError(`--rule ${code}: '${value}' is not one of ${RULE_SETTINGS.join(', ')}${didYouMean(value, RULE_SETTINGS)}`);
  return [code, value];
}
