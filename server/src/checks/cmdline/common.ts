// Shared by the kernel command line checks: where a parameter or option is in the file, the edit
// that removes or rewrites it (their quick fixes), and which settings lose to which.

import { paramInfo, settingText, type BootOption, type BootParam, type CmdlineNote, type Setting, type TextRange, type Variable } from '../../model/cmdline';
import { cmdlineLoc, type CommandLine, type Configuration, type Diagnostic, type DiagnosticData, type Loc } from '../../model/types';
import type { Fix } from '../check';

export function paramLoc(c: CommandLine, p: BootParam): Loc {
  return cmdlineLoc(c, p.range);
}

/** The option when there is one (`sm_on` of `intel_iommu=on,sm_on`), else the whole parameter. */
export function settingLoc(c: CommandLine, s: { param: BootParam; option: BootOption | null }): Loc {
  // a single option stands for its whole parameter (`iommu=pt`)
  return cmdlineLoc(c, s.option && s.param.value !== s.option.text ? s.option.range : s.param.range);
}

/**
 * The value range that removes a parameter (with the white space after it, or before it when it
 * is last), or one option of its comma list (with one comma), as a file span.
 */
export function removalSpan(c: CommandLine, p: BootParam, option: BootOption | null): { start: number; end: number } {
  const text = c.parsed.text;
  let r: TextRange;
  const options = p.valueRange ? commaParts(p) : [];
  if (option && options.length > 1) {
    const i = options.findIndex((o) => o.start === option.range.start);
    r = i < options.length - 1 ? { start: option.range.start, end: options[i + 1]!.start } : { start: options[i - 1]!.end, end: option.range.end };
  } else {
    let end = p.range.end;
    while (end < text.length && /\s/.test(text[end]!)) end++;
    let start = p.range.start;
    if (end === text.length) while (start > 0 && /\s/.test(text[start - 1]!)) start--;
    r = { start, end };
  }
  const span = cmdlineLoc(c, r).span;
  return { start: span.start, end: span.end };
}

/** The non-empty options of a parameter's value, as value ranges. */
function commaParts(p: BootParam): TextRange[] {
  const out: TextRange[] = [];
  const v = p.value ?? '';
  let start = 0;
  for (let i = 0; i <= v.length; i++) {
    if (i === v.length || v[i] === ',') {
      if (i > start) out.push({ start: p.valueRange!.start + start, end: p.valueRange!.start + i });
      start = i + 1;
    }
  }
  return out;
}

/** The text that stands for `s` inside the string literal (a replacement keeps the literal's escapes). */
export function escapeInString(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/"/g, '\\"');
}

export interface SpanEdit {
  start: number;
  end: number;
  text: string;
}

/** Diagnostic data for text edits of the command line (the fix reads them back). */
export function editData(title: string, edits: readonly SpanEdit[], safe: boolean): DiagnosticData {
  return { fixTitle: title, fixEdits: edits.map((e) => [e.start, e.end, e.text]), fixSafe: safe };
}

/** The quick fix stored by `editData`. */
export function editFix(d: Diagnostic): Fix[] {
  const x = d.data;
  if (!x || typeof x.fixTitle !== 'string' || !Array.isArray(x.fixEdits)) return [];
  const edits = [];
  for (const e of x.fixEdits as readonly unknown[]) {
    if (!Array.isArray(e) || typeof e[0] !== 'number' || typeof e[1] !== 'number' || typeof e[2] !== 'string') return [];
    edits.push({ path: d.loc.file.path, span: { start: e[0], end: e[1] }, newText: e[2] });
  }
  return [{ title: x.fixTitle, edits, safe: x.fixSafe === true, preferred: true }];
}

/** The edit that replaces a value range of the command line with `text`. */
export function replaceEdit(c: CommandLine, r: TextRange, text: string): SpanEdit {
  const span = cmdlineLoc(c, r).span;
  return { start: span.start, end: span.end, text: escapeInString(text) };
}

/** The edit that appends a parameter at the end of the command line. */
export function appendEdit(c: CommandLine, text: string): SpanEdit {
  const end = c.offsets[c.offsets.length - 1]!;
  return { start: end, end, text: escapeInString(c.parsed.text.length > 0 && !/\s$/.test(c.parsed.text) ? ` ${text}` : text) };
}

/** The edit that removes a parameter or one option of it. */
export function removeEdit(c: CommandLine, p: BootParam, option: BootOption | null): SpanEdit {
  return { ...removalSpan(c, p, option), text: '' };
}

/** What a variable's value means, for messages. */
export function meaning(variable: Variable, value: string | boolean): string {
  switch (variable) {
    case 'default-domain':
      return value === 'identity' ? 'identity (untranslated) default domains' : 'translated (DMA) default domains';
    case 'strict':
      return value ? 'strict IOTLB invalidation (DMA domains)' : 'lazy IOTLB invalidation (DMA-FQ domains)';
    case 'intel-iommu':
      return value ? 'VT-d DMA remapping on' : 'VT-d DMA remapping off';
    case 'intremap':
      return value ? 'interrupt remapping on' : 'interrupt remapping off';
    case 'no-iommu':
      return 'no DMA translation by the VT-d and AMD IOMMUs (no_iommu)';
    case 'amd-iommu':
      return value ? 'the AMD IOMMU on' : 'the AMD IOMMU off, and its interrupt remapping with it';
    case 'acs-override':
      return `pcie_acs_override=${String(value)}`;
    case 'vtd-superpage':
      return value ? 'VT-d superpages' : 'no VT-d superpages (4 KiB pages only)';
    case 'irq-post':
      return value ? 'posted interrupts on' : 'posted interrupts off';
    case 'scalable-mode':
      return value ? 'VT-d scalable mode on' : 'VT-d scalable mode off (no PASID, no nesting)';
    case 'vfio-unsafe':
    case 'iommufd-unsafe':
      return value ? 'unsafe interrupts allowed' : 'unsafe interrupts refused';
    case 'amd-pgtable':
      return `the AMD ${value} page table`;
    case 'amd-pgsizes':
      return value === '4k' ? 'AMD 4 KiB pages only' : 'AMD 4K/2M/1G pages';
    default:
      return `${variable} = ${String(value)}`;
  }
}

/** Why `winner` wins over `loser`, in the kernel's terms. */
export function whyWins(loser: Setting, winner: Setting): string {
  if (loser.param === winner.param) return `options of one parameter are applied left to right (${winner.handler})`;
  if (loser.kind === 'early' && winner.kind !== 'early')
    return `'${winner.param.name}=' is a ${winner.kind === 'module' ? 'module parameter' : '__setup parameter'}, handled after every early parameter wherever it stands on the line${winner.variable === 'strict' ? ', and iommu_set_dma_strict() forces strict invalidation' : ''}`;
  if (loser.kind === 'early') return 'early parameters are handled in line order, so the last write wins';
  return 'the kernel handles them in line order, so the last write wins';
}

/** The x86-only parameters on a configuration that is not x86 (no vtd/amd-vi IOMMU, no x86 irqchip). */
export function x86OnlyElsewhere(c: CommandLine, p: BootParam): boolean {
  return c.platform !== 'x86' && paramInfo(p.key)?.x86 === true;
}

/** A setting's text for messages: `iommu=pt`. */
export const shown = (s: Setting): string => `'${settingText(s)}'`;

export function notesOf(config: Configuration, kinds: readonly CmdlineNote['kind'][]): CmdlineNote[] {
  return config.commandLine ? config.commandLine.parsed.notes.filter((n) => kinds.includes(n.kind)) : [];
}
