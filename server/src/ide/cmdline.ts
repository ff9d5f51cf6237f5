// The editor inside `cmdline "…"`: hover on a parameter says what the kernel does with it (and
// what it ends up doing on this configuration); completion offers parameter names and options.

import type * as ast from '../../../grammar/src/ast';
import { commaOptions, paramInfo, PARAMS, readCommandLine, settingText, splitCommandLine, valueOffsets, type BootParam, type Setting } from '../model/cmdline';
import type { CommandLine, Configuration, SourceFile } from '../model/types';
import { meaning, whyWins, x86OnlyElsewhere } from '../checks/cmdline/common';

const KIND_TEXT = {
  early: 'early parameter (handled first, in line order)',
  setup: '__setup parameter (handled after every early parameter, in line order)',
  module: 'module parameter (handed to the module when it loads)',
} as const;

/** Hover on a parameter of a `cmdline` string: null when the offset is not on one. */
export function cmdlineHover(config: Configuration, file: SourceFile, st: ast.CmdlineStmt, offset: number): { contents: string; span: ast.Span } | null {
  const str = st.value;
  if (!str || offset < str.span.start || offset >= str.span.end) return null;
  const c: CommandLine | null = config.commandLine && config.commandLine.loc.file === file && config.commandLine.loc.span.start === str.span.start ? config.commandLine : null;
  const parsed = c?.parsed ?? readCommandLine(str.value);
  const offsets = c?.offsets ?? valueOffsets(str.text, str.span.start);
  const at = (i: number) => offsets[Math.max(0, Math.min(i, offsets.length - 1))]!;
  const p = parsed.params.find((x) => at(x.range.start) <= offset && offset < at(x.range.end));
  if (!p) return null;
  const span = { start: at(p.range.start), end: at(p.range.end) };
  const text = p.value === null ? p.name : `${p.name}=${p.value}`;
  const info = paramInfo(p.key);
  const lines = [`**\`${text}\`**`];
  if (p.afterDashes) {
    lines.push('', 'After `--`: the kernel hands it to init and does not read it.');
    return { contents: lines.join('\n'), span };
  }
  if (!info) {
    lines.push('', 'Not an IOMMU parameter the checker knows: it does not change the model.');
    return { contents: lines.join('\n'), span };
  }
  lines.push('', `${info.x86 ? 'x86 ' : ''}${KIND_TEXT[info.kind]}.`, '', info.doc);
  if (c) {
    const own = parsed.settings.filter((s) => s.param === p);
    const here = own.map((s) => `- ${describeSetting(c, s)}`);
    if (x86OnlyElsewhere(c, p)) here.push('- This configuration is not x86: the kernel does not read it.');
    if (here.length > 0) lines.push('', 'On this configuration:', ...here);
  }
  return { contents: lines.join('\n'), span };
}

function describeSetting(c: CommandLine, s: Setting): string {
  const last = [...c.parsed.settings].reverse().find((x) => x.variable === s.variable)!;
  if (last === s) return `\`${settingText(s)}\`: ${meaning(s.variable, s.value)} — in force.`;
  if (last.value === s.value) return `\`${settingText(s)}\`: ${meaning(s.variable, s.value)} (repeated by \`${settingText(last)}\`).`;
  return `\`${settingText(s)}\`: overridden by \`${settingText(last)}\` (${whyWins(s, last)}).`;
}

export interface CmdlineCompletion {
  label: string;
  detail: string;
}

/** Completions for the text of a `cmdline` string before the cursor (escapes as written). */
export function cmdlineCompletion(fragment: string): CmdlineCompletion[] {
  const params = splitCommandLine(fragment);
  const lastArg = params[params.length - 1];
  const atNewArg = fragment.length === 0 || /\s$/.test(fragment);
  if (!atNewArg && lastArg && lastArg.value !== null) return optionCompletions(lastArg);
  return [...PARAMS.values()].map((p) => ({ label: p.options || p.kind !== 'module' ? `${p.name}=` : p.name, detail: p.doc.split(': ')[0]! }));
}

function optionCompletions(p: BootParam): CmdlineCompletion[] {
  const info = paramInfo(p.key);
  if (!info?.options) return [];
  const typed = new Set(commaOptions(p).map((o) => o.text));
  return info.options.filter((o) => !typed.has(o)).map((o) => ({ label: o, detail: `${info.name}= option` }));
}

/** Hover on the `allow-unsafe-interrupts` statement: the module parameter it stands for under this backend. */
export function allowUnsafeText(config: Configuration): string {
  const param = config.backend === 'vfio-type1' ? 'vfio_iommu_type1.allow_unsafe_interrupts=1' : config.backend === 'iommufd' ? 'iommufd.allow_unsafe_interrupts=1' : null;
  return [
    '**`allow-unsafe-interrupts`**',
    '',
    param
      ? `Under backend ${config.backend} this is \`${param}\` on the kernel command line: ${config.backend === 'iommufd' ? 'iommufd binds' : 'the VFIO type1 container attaches'} devices whose MSIs are not isolated (no interrupt remapping, GICv2m) instead of refusing them with -EPERM. Such a device can write any interrupt message.`
      : 'Under backend dma-api nothing is handed to user space: it changes nothing.',
  ].join('\n');
}
