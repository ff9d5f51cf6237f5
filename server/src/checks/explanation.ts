// One source, four readers: a check's explanation rendered for `iommu-check explain CODE`
// (plain text), SARIF rule help and hover on a suppression (Markdown), and docs/checks.md
// (the whole page is rendered from the registry; a test keeps the file equal to it).

import { isFirmwareExample, type CheckInfo, type Example, type Family } from './check';

export const FAMILY_TITLE: Record<Family, string> = {
  'syntax-and-names': 'Syntax and names',
  isolation: 'Group isolation',
  reserved: 'Reserved regions and address space',
  doorbells: 'MSI doorbells',
  nesting: 'Nesting',
  cmdline: 'Kernel command line',
  hygiene: 'Assertions and hygiene',
  firmware: 'Firmware tables (import-acpi, import-dt)',
};

/** The files of an example: the root file's text and the other files by relative path. */
export function exampleFiles(e: Example): { root: string; files: Readonly<Record<string, string>> } {
  if (typeof e === 'string') return { root: e, files: {} };
  if (isFirmwareExample(e)) return { root: e.source, files: Object.fromEntries((e.with ?? []).map((w, i) => [`table ${i + 2} (${w.format})`, w.source])) };
  return e;
}

/** The language of an example's code fence. */
function fence(e: Example): string {
  return isFirmwareExample(e) ? (e.format === 'dts' ? 'dts' : 'text') : 'iommu';
}

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

function howToConfigure(c: CheckInfo): string {
  const severity = `To change its severity: --rule ${c.code}=off|information|warning|error, or { "rules": { "${c.code}": "warning" } } in .iommu-check.json.`;
  // A finding in a binary table or a devicetree has no line to put a suppression comment on.
  if (c.family === 'firmware') return `${severity} (import-acpi and import-dt read the .iommu-check.json nearest to each table or devicetree.)`;
  return `${severity} To silence one occurrence: \`// iommu-check: ignore ${c.code} -- reason\` on the line before the statement (or at the end of its line).`;
}

function indented(text: string): string {
  return text.replace(/\n$/, '').split('\n').map((l) => (l ? `    ${l}` : l)).join('\n');
}

function plainExample(label: string, e: Example): string[] {
  const { root, files } = exampleFiles(e);
  const out = [`${label}:`, '', indented(root)];
  for (const [name, text] of Object.entries(files)) out.push('', `  with ${name}:`, '', indented(text));
  return out;
}

/** `iommu-check explain CODE`: what, why, how to fix, the examples. */
export function explainText(c: CheckInfo): string {
  const x = c.explanation;
  const out = [
    `${c.code} — ${c.title}`,
    '',
    `Default severity: ${c.severity}    Family: ${FAMILY_TITLE[c.family]}${c.rules ? `    Kernel rules: ${c.rules}` : ''}`,
    '',
    wrap(`When: ${x.what}`),
    wrap(`Reported on: ${x.anchor}.`),
    '',
    wrap(`Why: ${x.why}`),
    '',
    wrap(`How to fix: ${x.fix}`),
    '',
    ...plainExample('Fires', x.fires),
    '',
    ...plainExample('Does not fire', x.nearMiss),
    '',
    wrap(howToConfigure(c)),
  ];
  return out.join('\n') + '\n';
}

function markdownExample(label: string, e: Example): string[] {
  const { root, files } = exampleFiles(e);
  const lang = fence(e);
  const out = [`${label}:`, '', '```' + lang, root.replace(/\n$/, ''), '```'];
  for (const [name, text] of Object.entries(files)) out.push('', `with \`${name}\`:`, '', '```' + lang, text.replace(/\n$/, ''), '```');
  return out;
}

/** The body of a check's explanation in Markdown (docs/checks.md, SARIF help, hover). */
export function explanationMarkdown(c: CheckInfo): string {
  const x = c.explanation;
  return [
    `**Severity:** ${c.severity} · **Anchor:** ${x.anchor}${c.rules ? ` · **Kernel rules:** ${c.rules}` : ''}`,
    '',
    `**When:** ${x.what}`,
    '',
    `**Why it matters:** ${x.why}`,
    '',
    ...markdownExample('Fires', x.fires),
    '',
    ...markdownExample('Does not fire', x.nearMiss),
    '',
    `**How to fix:** ${x.fix}`,
  ].join('\n');
}

/** SARIF reportingDescriptor texts. */
export function sarifHelp(c: CheckInfo): { fullDescription: string; text: string; markdown: string } {
  const x = c.explanation;
  const rules = c.rules ? `\n\nKernel rules: ${c.rules}.` : '';
  return {
    fullDescription: `${c.title} ${x.what}`,
    text: `${x.why}\n\nHow to fix: ${x.fix}${rules}\n\n${c.family === 'firmware' ? `Change its severity or turn it off with --rule ${c.code}=SEVERITY or in .iommu-check.json.` : `Silence one occurrence with \`// iommu-check: ignore ${c.code}\`; change its severity with --rule ${c.code}=SEVERITY.`}`,
    markdown: `**${c.title}**\n\n${explanationMarkdown(c)}\n\n${c.family === 'firmware' ? `Change its severity or turn it off with \`--rule ${c.code}=SEVERITY\` or in \`.iommu-check.json\`.` : `Silence one occurrence with \`// iommu-check: ignore ${c.code}\`; change its severity with \`--rule ${c.code}=SEVERITY\` or in \`.iommu-check.json\`.`}`,
  };
}

/** Hover on a code in a suppression comment. */
export function hoverMarkdown(c: CheckInfo): string {
  const x = c.explanation;
  return `**${c.code}** (${c.severity}, ${c.family})\n\n${c.title}\n\n${x.why}\n\n**How to fix:** ${x.fix}${c.rules ? `\n\nKernel rules: ${c.rules}` : ''}`;
}

const DOC_HEAD = `# Checks

Every diagnostic of \`iommu-check\` has a stable code: the rule id in the command line's output
(text, JSON, SARIF, GitHub annotations), in \`--rule\` and \`.iommu-check.json\`, in suppressions
(\`// iommu-check: ignore CODE -- reason\`), in \`iommu-check explain CODE\` and in the editor. This page
describes each one: its default severity, the range it is reported on (the *anchor*), when it
fires, why the kernel cares, an example that fires and a near miss that does not, and how to fix
it.

This page is generated from the check registry: each check is one file,
\`server/src/checks/<family>/<code>.ts\`, whose explanation also feeds \`iommu-check explain\`, the
SARIF rule help and the editor's hover on a suppression. Regenerate it with
\`npm run docs:checks\`; a test fails when it is out of date, and another checks that every
example fires (or stays silent) as it says.

Rule numbers (R…), misconfigurations (M…) and traps (T…) refer to the project's domain notes on
the kernel's IOMMU and VFIO/iommufd code. A check whose prerequisite failed (an unresolved name, a
syntax error inside the object) stays silent about that object rather than piling on.

Each example is a complete configuration; near misses may still get an \`unused-object\`
information note about an object the short example leaves unused.

The firmware checks are raised by \`iommu-check import-acpi\` and \`iommu-check import-dt\` about the
tables they read (see [firmware.md](firmware.md)); their examples are devicetree sources (for
\`dtc\`), ACPI table sources (for \`iasl\`) or \`acpidump\` text, and a test imports each of them.
`;

/** docs/checks.md. */
export function renderChecksDoc(checks: readonly CheckInfo[]): string {
  const families = [...new Set(checks.map((c) => c.family))];
  const out = [DOC_HEAD];
  for (const f of families)
    out.push(`**${FAMILY_TITLE[f]}:** ${checks.filter((c) => c.family === f).map((c) => `[\`${c.code}\`](#${c.code})`).join(' ')}`, '');
  for (const f of families) {
    out.push(`## ${FAMILY_TITLE[f]}`, '');
    for (const c of checks.filter((x) => x.family === f)) out.push(`### \`${c.code}\``, '', c.title, '', explanationMarkdown(c), '');
  }
  return out.join('\n');
}
