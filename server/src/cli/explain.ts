// `iommu-check explain [CODE]`: the registry's explanation of a check (checks/explanation.ts),
// or the list of checks.

import { explainText, FAMILY_TITLE } from '../checks/explanation';
import { CHECK_BY_CODE, CHECKS, type Family } from '../checks/registry';
import { UsageError } from './io';
import { didYouMean } from '../../../grammar/src/spelling';

export function explainList(): string {
  const width = Math.max(...CHECKS.map((c) => c.code.length));
  const out: string[] = [];
  let family: Family | null = null;
  for (const c of CHECKS) {
    if (c.family !== family) {
      if (family) out.push('');
      family = c.family;
      out.push(`${FAMILY_TITLE[c.family]}:`);
    }
    out.push(`  ${c.code.padEnd(width)}  ${c.severity.padEnd(11)}  ${c.title}`);
  }
  out.push('', "Run 'iommu-check explain CODE' for what a check means, why the kernel cares and how to fix it.");
  return out.join('\n') + '\n';
}

export function explainCode(code: string): string {
  const c = CHECK_BY_CODE.get(code);
  if (!c) {
    throw new UsageError(`unknown check code '${code}'${didYouMean(code, CHECKS.map((k) => k.code))} (run 'iommu-check explain' for the list)`);
  }
  return explainText(c);
}
