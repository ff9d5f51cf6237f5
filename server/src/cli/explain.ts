// `iommu-check explain [CODE]`: the registry's explanation of a check, or the list of checks.

import { CHECK_BY_CODE, CHECKS, type Family } from '../checks/registry';
import { UsageError } from './io';
import { editDistance } from '../spelling';

const FAMILY_TITLE: Record<Family, string> = {
  'syntax-and-names': 'Syntax and names',
  isolation: 'Group isolation',
  reserved: 'Reserved regions and address space',
  doorbells: 'MSI doorbells',
  nesting: 'Nesting',
  hygiene: 'Assertions and hygiene',
};

/** Wrap prose at `width` columns (words are never split). */
export function wrap(text: string, width = 96, indent = ''): string {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line && indent.length + line.length + 1 + word.length > width) {
      lines.push(indent + line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(indent + line);
  return lines.join('\n');
}

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
    const near = CHECKS.map((k) => k.code).filter((k) => editDistance(k, code) <= 3 || k.includes(code));
    const hint = near.length ? `; did you mean ${near.slice(0, 3).join(', ')}?` : '';
    throw new UsageError(`unknown check code '${code}'${hint} (run 'iommu-check explain' for the list)`);
  }
  const out = [
    `${c.code} — ${c.title}`,
    '',
    `Default severity: ${c.severity}    Family: ${FAMILY_TITLE[c.family]}${c.rules ? `    Kernel rules: ${c.rules}` : ''}`,
    '',
    wrap(c.explain),
    '',
    wrap(
      `To change its severity: --rule ${c.code}=off|information|warning|error, or { "rules": { "${c.code}": "warning" } } in .iommu-check.json. ` +
        `To silence one occurrence: \`// iommu-check: ignore ${c.code} -- reason\` on the line before the statement (or at the end of its line).`,
    ),
  ];
  return out.join('\n') + '\n';
}
