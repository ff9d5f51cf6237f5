// Completion: keywords valid at the cursor, names of the right kind, property values, and
// check codes in suppression comments. Works on the text before the cursor, so it copes with
// the half-written statements of a file being edited.

import { BLOCK_KEYWORDS, TOP_LEVEL_KEYWORDS, tokenize, tokenizeTail, type BlockKind, type TokenInfo } from '../../../grammar/src/index';
import { CHECKS } from '../checks/registry';
import { cmdlineCompletion } from './cmdline';
import { describeIommuDefaults, describeIrqchipDefaults } from '../model/defaults';
import { ACS_FLAGS, PORT_KINDS, type PortKind } from '../model/topology';
import {
  BACKENDS,
  DEFAULT_DOMAIN_TYPES,
  DOMAIN_TYPES,
  IOMMU_MODELS,
  IRQCHIP_MODELS,
  NEUTRAL_DRIVERS,
  PASID_TABLE_FORMATS,
  PERMISSIONS,
  REGION_TYPES,
  STAGE1_MODES,
  type Configuration,
  type SymbolKind,
} from '../model/types';

export type CompletionKind = 'keyword' | 'value' | 'code' | SymbolKind;

export interface CompletionItem {
  label: string;
  kind: CompletionKind;
  detail?: string;
  /** The text replaced: the partial word before the cursor. */
  replace: { start: number; end: number };
}

type Context = BlockKind | 'group' | 'top';

const WORD = /[A-Za-z0-9_.-]*$/;

/** Whether completion reads the whole file's tokens (only to test that both ways agree). */
export const completionTokens = { wholeFile: false };

export function completion(text: string, offset: number, config: Configuration | null): CompletionItem[] {
  const before = text.slice(0, offset);
  const partial = WORD.exec(before)![0];
  const replace = { start: offset - partial.length, end: offset };
  const item = (label: string, kind: CompletionKind, detail?: string): CompletionItem => ({ label, kind, replace, ...(detail ? { detail } : {}) });

  // the tokens of the block the cursor is in (and what names it), not the whole file's
  const tokens = completionTokens.wholeFile ? tokenize(text, offset) : tokenizeTail(text, offset);
  const last = tokens[tokens.length - 1];
  // inside a comment: codes after `iommu-check: ignore`
  if (last && last.kind === 'comment' && (offset < last.span.end || (offset === last.span.end && !last.image.startsWith('/*')))) {
    const inComment = before.slice(last.span.start);
    if (/iommu-check:\s*ignore(-file)?\s+(?:[A-Za-z0-9_-]+\s*,\s*)*[A-Za-z0-9_-]*$/.test(inComment)) return CHECKS.map((c) => item(c.code, 'code', c.title));
    return [];
  }
  if (last && last.kind === 'string' && offset <= last.span.end && (offset < last.span.end || !/"$/.test(last.image.slice(1)))) {
    // inside `cmdline "…"`: kernel parameters and their options
    const kw = tokens[tokens.length - 2];
    if (kw?.image !== 'cmdline') return [];
    return cmdlineCompletion(text.slice(last.span.start + 1, offset)).map((c) => item(c.label, 'value', c.detail));
  }

  const code = tokens.filter((t) => t.kind !== 'comment' && t.span.end <= replace.start);
  const ctx = blockContext(code);
  const prev = code[code.length - 1];
  const prev2 = code[code.length - 2];
  const names = (kinds: SymbolKind[]) =>
    config ? [...config.symbols.values()].filter((s) => kinds.includes(s.kind)).map((s) => item(s.name, s.kind, s.kind)) : [];
  const values = (vs: readonly string[], detail?: string) => vs.map((v) => item(v, 'value', detail));

  const p = prev?.image;
  if (p !== undefined) {
    if (ctx === 'top' && p === 'backend') return values(BACKENDS, 'backend');
    if (ctx === 'top' && p === 'page-size') return values(['4K', '16K', '64K'], 'CPU page size');
    if (ctx === 'top' && p === 'kernel') return values(['6.17', '6.12', '6.6', '6.1', '5.15', '5.10'], 'kernel version (the baseline and LTS releases)');
    if (ctx === 'top' && p === 'expect') return names(['device']);
    if (ctx === 'top' && prev2?.image === 'domain' && prev.kind !== 'punctuation') return [item(':', 'keyword')];
    if (p === ':' && ctx === 'top' && code[code.length - 3]?.image === 'group') return values(['dma', 'dma-fq', 'identity', 'blocked'], "the group's default domain type");
    if (p === ':' && ctx === 'top') return values(DOMAIN_TYPES, 'domain type');
    if (ctx === 'group') return names(['device']);
    if (p === 'model' && ctx === 'iommu') return IOMMU_MODELS.map((m) => item(m, 'value', `iommu model: ${describeIommuDefaults(m)}`));
    if (p === 'model' && ctx === 'irqchip') return IRQCHIP_MODELS.map((m) => item(m, 'value', `irqchip model: ${describeIrqchipDefaults(m)}`));
    if (p === 'attach' && ctx === 'domain') return names(['device', 'group']);
    if (p === 'msi' && ctx === 'device') return names(['irqchip']);
    if (p === 'parent' && ctx === 'domain') {
      // a stage 2 is a paging domain: nest parents first, then other paging domains
      const doms = config ? config.domains.filter((d) => d.type === 'paging') : [];
      return [...doms.filter((d) => d.nestParent), ...doms.filter((d) => !d.nestParent)].map((d) => item(d.name, 'domain', d.nestParent ? 'nest-parent' : 'paging'));
    }
    if (p === 'iommu' && (ctx === 'device' || ctx === 'domain')) return names(['iommu']);
    if (p === 'port' && ctx === 'device') return PORT_KINDS.map((k) => item(k, 'value', PORT_DETAIL[k]));
    if (p === 'behind' && ctx === 'device') {
      // a device sits behind a bridge: devices with a `port`
      const bridges = config ? config.devices.filter((d) => d.topology.port !== null) : [];
      return bridges.map((d) => item(d.name, 'device', `${d.topology.port} ${d.topology.port === 'root' ? 'port' : d.topology.port === 'upstream' || d.topology.port === 'downstream' ? 'switch port' : 'bridge'}`));
    }
    if (p === 'physfn' && ctx === 'device') {
      const pfs = config ? config.devices.filter((d) => d.pci !== null && d.topology.physfn === null && d.topology.port === null) : [];
      return pfs.map((d) => item(d.name, 'device', 'physical function'));
    }
    const acsAt = ctx === 'device' ? acsStatement(code) : -1;
    if (acsAt >= 0) {
      const written = new Set(code.slice(acsAt + 1).map((t) => t.image.toLowerCase()));
      if (written.has('none')) return keywords(ctx).map((k) => item(k, 'keyword'));
      const flags = values(ACS_FLAGS.filter((f) => !written.has(f)), 'ACS flag');
      return p === 'acs' ? [...flags, ...values(['none'], 'no ACS capability')] : [...flags, ...keywords(ctx).map((k) => item(k, 'keyword'))];
    }
    if (p === 'driver' && ctx === 'device') return values([...NEUTRAL_DRIVERS, 'nvme', 'snd_hda_intel'], 'driver');
    if (p === 'stage1' && ctx === 'domain') return values(STAGE1_MODES, 'stage 1');
    if (p === 'default-domain' && ctx === 'iommu') return values(DEFAULT_DOMAIN_TYPES, 'default domain type');
    if (p === 'format' && ctx === 'domain') return values(PASID_TABLE_FORMATS, 'PASID table format');
    if ((p === 'sw-msi' || p === 'msi-window') && (ctx === 'iommu' || ctx === 'device')) return values(['none'], 'no window');
    if (p === '->' && ctx === 'domain' && stmtKeyword(code) === 'map') return names(['irqchip']);
    if (p === '->' && ctx === 'top' && stmtKeyword(code) === 'expect') return [...names(['irqchip']), ...values(['fault'])];
    // expect DEVICE [pasid N] [read|write] ADDR (-> TARGET | fault)
    if (ctx === 'top' && stmtKeyword(code) === 'expect') {
      const rest = code.slice(lastIndexOf(code, 'expect') + 1);
      const words = rest.map((t) => t.image);
      const access = values(['read', 'write'], 'access (optional)');
      if (words.length === 1) return [...access, item('pasid', 'keyword')];
      if (words.length === 2 && words[1] === 'pasid') return [];
      if (words.length === 3 && words[1] === 'pasid') return access;
      if (p === 'read' || p === 'write') return [];
      if (prev!.kind === 'number' && !words.includes('->') && !words.includes('fault')) return [item('->', 'keyword'), ...values(['fault'], 'does not translate')];
    }
    // `reserved RANGE` complete: region types
    const k = lastIndexOf(code, 'reserved');
    if ((ctx === 'iommu' || ctx === 'device') && k >= 0 && code.length - k === 4 && (code[k + 2]!.image === 'size' || code[k + 2]!.image === '..'))
      return values(REGION_TYPES, 'region type');
    // after a complete map: permissions
    if (ctx === 'domain' && stmtKeyword(code) === 'map') {
      const m = lastIndexOf(code, 'map');
      const rest = code.slice(m + 1).map((t) => t.image);
      if (rest.includes('->') && (rest.includes('size') ? rest.indexOf('size') === rest.length - 2 : rest.includes('..') && rest[rest.length - 2] === '->'))
        return [...values(PERMISSIONS, 'permission'), ...keywords(ctx).map((k) => item(k, 'keyword'))];
    }
    // inside a statement that still needs an argument: nothing sensible to offer
    if (needsArgument(p, ctx)) return [];
  }
  return keywords(ctx).map((k) => item(k, 'keyword'));
}

function keywords(ctx: Context): readonly string[] {
  if (ctx === 'top') return TOP_LEVEL_KEYWORDS;
  if (ctx === 'group') return [];
  return BLOCK_KEYWORDS[ctx];
}

const PORT_DETAIL: Record<PortKind, string> = {
  root: 'PCIe root port (needs ACS SV RR CR UF to isolate what is below it)',
  upstream: 'switch upstream port',
  downstream: 'switch downstream port (needs ACS SV RR CR UF to isolate what is below it)',
  'pcie-to-pci': 'PCIe-to-PCI bridge: what is below it shares its requester ID and group',
  'pci-to-pcie': 'PCI-to-PCIe bridge: what is below it shares its requester ID and group',
};

const ARG_KEYWORDS = new Set(['ias', 'oas', 'pgsizes', 'base', 'doorbell', 'pci', 'dma-alias', 'pasid', 'rmr', 'map', 'msi-bind', 'pasid-table', 'include', 'size', 'at', 'vectors', '..']);

function needsArgument(p: string, ctx: Context): boolean {
  if (ctx === 'top') return p === 'include' || p === 'iommu' || p === 'irqchip' || p === 'device' || p === 'group' || p === 'domain';
  return ARG_KEYWORDS.has(p) || p === 'reserved' || p === 'sw-msi' || p === 'msi-window';
}

function lastIndexOf(tokens: TokenInfo[], image: string): number {
  for (let i = tokens.length - 1; i >= 0; i--) {
    if (tokens[i]!.image === '{' || tokens[i]!.image === '}') return -1;
    if (tokens[i]!.image === image) return i;
  }
  return -1;
}

/** The keyword of the statement the cursor is in (the last statement keyword of the block). */
function stmtKeyword(tokens: TokenInfo[]): string | undefined {
  for (let i = tokens.length - 1; i >= 0; i--) {
    const t = tokens[i]!;
    if (t.image === '{' || t.image === '}') return undefined;
    if (t.image === 'map' || t.image === 'expect' || t.image === 'msi-bind') return t.image;
  }
  return undefined;
}

/** Index of the `acs` keyword when the cursor follows `acs FLAG…`; -1 otherwise. */
function acsStatement(tokens: TokenInfo[]): number {
  let i = tokens.length - 1;
  while (i >= 0 && tokens[i]!.kind === 'name' && (ACS_WORDS as readonly string[]).includes(tokens[i]!.image.toLowerCase())) i--;
  return i >= 0 && tokens[i]!.image === 'acs' && tokens[i]!.kind === 'keyword' ? i : -1;
}
const ACS_WORDS = [...ACS_FLAGS, 'none'];

/** Which block the cursor is in, from the braces before it. */
function blockContext(tokens: TokenInfo[]): Context {
  const stack: Context[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t.image === '{') {
      let kind: Context = 'top';
      for (let j = i - 1; j >= 0 && j >= i - 6; j--) {
        const w = tokens[j]!.image;
        if (w === 'iommu' || w === 'irqchip' || w === 'device' || w === 'group' || w === 'domain') {
          kind = w;
          break;
        }
        if (w === '{' || w === '}') break;
      }
      stack.push(kind);
    } else if (t.image === '}') stack.pop();
  }
  return stack[stack.length - 1] ?? 'top';
}
