// Hover: the translation made visible. Devices show their group, domains, reserved regions as
// sysfs prints them, the MSI address and its resolution chain; maps show their ranges (and the
// final PA of nested maps); address literals show where they resolve; suppression codes show
// the check's explanation.

import { provenanceAt } from '../model/provenance';
import type * as ast from '../../../grammar/src/ast';
import { hoverMarkdown } from '../checks/explanation';
import { CHECK_BY_CODE } from '../checks/registry';
import { parseSuppressions } from '../checks/suppressions';
import { formatSize, hex, hex16, hexGrouped, mergeTouching, type Interval } from '../model/intervals';
import { describeIommuDefaults, describeIrqchipDefaults } from '../model/defaults';
import { sameDerivedGroup } from '../model/build';
import { domainLabel } from '../model/labels';
import { groupingReasons } from '../model/topology';
import { formatResolution, type Translation } from '../model/translation';
import { IOMMU_MODELS, IRQCHIP_MODELS, type Configuration, type Device, type Domain, type Group, type Iommu, type IommuModel, type Irqchip, type IrqchipModel, type Mapping, type Region, type SourceFile, type Symbol } from '../model/types';
import { numbersOf, referenceAt, statementAt, within, type AnalysisOf } from './common';
import { allowUnsafeText, cmdlineHover } from './cmdline';

export interface HoverResult {
  /** Markdown. */
  contents: string;
  span: ast.Span;
}

const MAX_DEVICES = 8;

export function hover(a: AnalysisOf, file: SourceFile, offset: number): HoverResult | null {
  const { config, tx } = a;
  // a code in a suppression comment
  for (const s of parseSuppressions(file)) {
    if (!within(s.comment.span, offset)) continue;
    const c = s.codes.find((c) => within(c.span, offset));
    if (!c) return null;
    const info = CHECK_BY_CODE.get(c.code);
    if (!info) return { contents: `\`${c.code}\` is not a check code`, span: c.span };
    return {
      contents: hoverMarkdown(info),
      span: c.span,
    };
  }
  const ref = referenceAt(config, file, offset);
  if (ref) {
    if (!ref.target) return { contents: `\`${ref.name}\`: no declaration with this name`, span: ref.loc.span };
    return { contents: describeSymbol(config, tx, ref.target), span: ref.loc.span };
  }
  const { top, inner } = statementAt(file, offset);
  if (!top) return null;
  if (top.kind === 'cmdline') return cmdlineHover(config, file, top, offset);
  if (top.kind === 'allow-unsafe-interrupts' && within(top.keyword, offset)) return { contents: allowUnsafeText(config), span: top.keyword };
  const st = inner ?? top;
  for (const { num, role } of numbersOf(st)) {
    if (!within(num.span, offset)) continue;
    return { contents: describeNumber(config, tx, file, top, num, role), span: num.span };
  }
  if (st.kind === 'model' && st.value && within(st.value.span, offset)) {
    const text = modelDefaults(top.kind, st.value.text);
    return text ? { contents: text, span: st.value.span } : null;
  }
  if (st.kind === 'map' && within(st.keyword, offset) && top.kind === 'domain') {
    const dom = config.domains.find((d) => d.decl === top);
    const m = dom?.maps.find((m) => m.stmt === st);
    if (dom && m) return { contents: describeMap(tx, dom, m), span: st.keyword };
  }
  return null;
}

/** What a `model` value implies (model/defaults.ts). */
function modelDefaults(kind: string, model: string): string | null {
  if (kind === 'iommu' && (IOMMU_MODELS as readonly string[]).includes(model))
    return `**iommu model** \`${model}\`\n\nDefaults: ${describeIommuDefaults(model as IommuModel)}`;
  if (kind === 'irqchip' && (IRQCHIP_MODELS as readonly string[]).includes(model))
    return `**irqchip model** \`${model}\`\n\nDefaults: ${describeIrqchipDefaults(model as IrqchipModel)}`;
  return null;
}

// ---- symbols ------------------------------------------------------------------------------

export function describeSymbol(config: Configuration, tx: Translation, sym: Symbol): string {
  switch (sym.kind) {
    case 'device':
      return describeDevice(config, tx, sym);
    case 'group':
      return describeGroup(tx, sym);
    case 'domain':
      return describeDomain(tx, sym);
    case 'iommu':
      return describeIommu(config, tx, sym);
    case 'irqchip':
      return describeIrqchip(config, tx, sym);
  }
}

function domainSummary(d: Domain): string {
  const name = domainLabel(d, '`');
  const extra: string[] = [];
  if (d.type === 'nested' && d.parent) extra.push(`parent \`${d.parent.name}\``);
  if (d.nestParent) extra.push('nest-parent');
  if (d.implicit) extra.push('default domain');
  return `${name} (${d.type ?? '?'}${extra.length ? ', ' + extra.join(', ') : ''})`;
}

/** Reserved regions as `/sys/kernel/iommu_groups/N/reserved_regions` prints them (R20). */
export function sysfsRegions(regions: readonly Region[]): string[] {
  const byType = new Map<string, Region[]>();
  for (const r of regions) {
    const list = byType.get(r.type);
    if (list) list.push(r);
    else byType.set(r.type, [r]);
  }
  const merged: Region[] = [];
  for (const list of byType.values()) merged.push(...mergeTouching(list, (first, start, last) => ({ ...first, start, last })));
  merged.sort((x, y) => (x.start < y.start ? -1 : x.start > y.start ? 1 : x.last < y.last ? -1 : x.last > y.last ? 1 : 0));
  return merged.map((r) => `${hex16(r.start)} ${hex16(r.last)} ${r.type === 'sw-msi' ? 'msi' : r.type}`);
}

export function describeDevice(config: Configuration, tx: Translation, d: Device): string {
  const out: string[] = [];
  const facts: string[] = [];
  if (d.pci) facts.push(`pci ${d.pci.text}`);
  if (d.iommu) facts.push(`behind \`${d.iommu.name}\`${d.iommu.model ? ` (${d.iommu.model})` : ''}`);
  facts.push(`driver ${d.driver}`);
  out.push(`**device** \`${d.name}\` — ${facts.join(', ')}`);
  out.push('');
  const g = d.group;
  const members = g.members.map((m) => (m === d ? `**${m.name}**` : m.name)).join(', ');
  out.push(`- group: ${g.implicit ? (g.members.length > 1 ? `derived from the PCI topology (${members})` : `singleton (no declared group)`) : `\`${g.name}\` (${members})`}`);
  for (const line of groupingExplained(config, d)) out.push(line);
  out.push(`- RID domain: ${domainSummary(tx.ridDomain(d))}`);
  for (const [pasid, at] of g.pasidAttaches) out.push(`- PASID ${pasid} domain: ${domainSummary(at.domain)}`);
  const regions = sysfsRegions(tx.regionsOf(d));
  out.push('');
  if (regions.length === 0) out.push('reserved regions: none');
  else {
    out.push('reserved regions (as sysfs prints them):');
    out.push('```', ...regions, '```');
  }
  const chip = d.msi?.irqchip;
  if (d.msi && chip) {
    out.push('');
    const p = tx.programmedAddress(d);
    const db = chip.doorbell === null ? 'unknown doorbell' : `doorbell ${hex(chip.doorbell)}`;
    out.push(`MSI to \`${chip.name}\` (${chip.model ?? '?'}, ${db})`);
    switch (p.kind) {
      case 'address': {
        out.push(`- programmed address: ${hex(p.address)} — ${p.how}`);
        const r = tx.resolve(d, null, p.address, 'write');
        const ok = tx.reachesDoorbell(r, chip);
        out.push(`- ${ok ? 'reaches the doorbell' : '**does not reach the doorbell**'}:`);
        out.push('```', ...formatResolution(r), '```');
        break;
      }
      case 'kernel':
        out.push(`- programmed address: IOVA allocated by the kernel — ${p.how}`);
        break;
      case 'exhausted':
        out.push(`- programmed address: none — ${p.how}`);
        break;
      case 'unsupported':
        out.push(`- programmed address: none — ${p.how}`);
        break;
      case 'none':
        out.push(`- ${p.how}`);
        break;
    }
    if (tx.msiDependsOnKernel(d)) out.push(`- computed for ${tx.kernelText()}${config.kernelLoc ? '' : ' (the baseline; no `kernel` given)'}`);
  } else if (d.msi) out.push('', 'MSI: irqchip unknown');
  return out.join('\n');
}

/** Why the PCI topology groups the device as it does (pci_device_group), when the topology is written. */
function groupingExplained(config: Configuration, d: Device): string[] {
  const t = config.topology;
  const i = t?.index.get(d);
  if (!t || i === undefined) return [];
  const reasons = groupingReasons(t.derivation, i);
  if (reasons.length === 0) {
    const alone = sameDerivedGroup(t, d).length === 1;
    return [`- topology: ${alone ? 'a group of its own' : 'the bridge others are grouped with'}: ACS holds on its path to the root and it shares no function alias (pci_device_group)`];
  }
  return reasons.map((r) => `- topology: ${r}`);
}

function describeGroup(tx: Translation, g: Group): string {
  const out = [`**group** \`${g.name}\`${g.implicit ? ' (implicit singleton)' : ''}`, ''];
  out.push(`- members: ${g.members.map((m) => `\`${m.name}\``).join(', ') || 'none'}`);
  out.push(`- RID domain: ${domainSummary(tx.groupRidDomain(g))}${g.ridAttach ? '' : ' (not attached)'}`);
  for (const [pasid, at] of g.pasidAttaches) out.push(`- PASID ${pasid} domain: ${domainSummary(at.domain)}`);
  const kernel = g.members.filter((m) => !m.neutralDriver);
  if (kernel.length) out.push(`- bound to kernel drivers: ${kernel.map((m) => `\`${m.name}\` (${m.driver})`).join(', ')}`);
  return out.join('\n');
}

function describeDomain(tx: Translation, dom: Domain): string {
  const out = [`**domain** ${domainSummary(dom)}`, ''];
  if (dom.iommu) out.push(`- iommu: \`${dom.iommu.name}\``);
  if (dom.type === 'nested') out.push(`- stage 1: ${dom.stage1}`);
  if (dom.viommu) out.push(`- vIOMMU: ${dom.viommu.model ?? '?'}, ${dom.viommu.ias}-bit guest address width${dom.viommu.iasGiven ? '' : ' (the model default)'}`);
  for (const p of dom.decl ? provenanceAt(dom.declLoc) : []) out.push(`- from: \`${p.where}\`${p.what ? ` ${p.what}` : ''}`);
  const groups = new Set<Group>();
  for (const a of dom.attaches) if (a.group && a.pasid === null) groups.add(a.group);
  const pasids = dom.attaches.filter((a) => a.pasid !== null);
  out.push(`- attached groups: ${[...groups].map((g) => `\`${g.name}\``).join(', ') || 'none'}`);
  if (pasids.length) out.push(`- PASID attachments: ${pasids.map((a) => `\`${a.target?.name ?? '?'}\` pasid ${a.pasid}`).join(', ')}`);
  const devs = tx.devicesIn(dom);
  out.push(`- devices translating through it: ${devs.map((d) => `\`${d.name}\``).join(', ') || 'none'}`);
  // a nest parent is the stage 2 of its nested domains' devices
  const children = tx.config.domains.filter((d) => d.parent === dom);
  for (const c of children) {
    const cdevs = tx.devicesIn(c);
    out.push(`- stage 2 of \`${c.name}\`: ${cdevs.map((d) => `\`${d.name}\``).join(', ') || 'no devices'}`);
  }
  const implicit = tx.implicitMaps.get(dom) ?? [];
  out.push(`- maps: ${dom.maps.length}${implicit.length ? ` (+ ${implicit.length} implicit)` : ''}`);
  for (const m of implicit.slice(0, MAX_DEVICES)) out.push(`  - ${m.describe}: ${hex(m.input.start)}..${hex(m.input.last)} → ${hex(m.output)}`);
  if (dom.rmrs.length) out.push(`- rmr: ${dom.rmrs.map((r) => `${hex(r.range.start)}..${hex(r.range.last)}`).join(', ')}`);
  for (const b of dom.msiBinds) out.push(`- msi-bind: gIOVA ${hex(b.giova.start)} → GPA ${hex(b.gpa)}`);
  return out.join('\n');
}

function describeIommu(config: Configuration, tx: Translation, io: Iommu): string {
  const out = [`**iommu** \`${io.name}\` (${io.model ?? '?'})`, ''];
  out.push(`- ias ${io.ias}, oas ${io.oas}, page sizes ${io.pgsizes.map(formatSize).join(' ')} (minimum ${formatSize(io.minPage)})`);
  out.push(`- nesting: ${io.nesting ? 'yes' : 'no'}; default domain: ${io.defaultDomain}`);
  out.push(`- sw-msi: ${io.swMsi ? `${hex(io.swMsi.start)}..${hex(io.swMsi.last)}` : 'none'}; msi-window: ${io.msiWindow ? `${hex(io.msiWindow.start)}..${hex(io.msiWindow.last)}` : 'none'}`);
  for (const r of io.reserved) out.push(`- reserved ${hex(r.start)}..${hex(r.last)} ${r.type}`);
  const devs = config.devices.filter((d) => d.iommu === io);
  out.push(`- devices: ${devs.map((d) => `\`${d.name}\``).join(', ') || 'none'}`);
  void tx;
  return out.join('\n');
}

function describeIrqchip(config: Configuration, tx: Translation, c: Irqchip): string {
  const out = [`**irqchip** \`${c.name}\` (${c.model ?? '?'})`, ''];
  if (c.base !== null) out.push(`- base ${hex(c.base)}`);
  const page = tx.doorbellPageOf(c);
  out.push(`- doorbell: ${c.doorbell === null ? 'unknown' : `${hex(c.doorbell)} (page ${hex(page!)})`}`);
  out.push(`- MSIs ${c.isolated ? 'isolated' : '**not isolated**'}${c.untranslated ? '; in the hardware MSI window, never translated' : ''}`);
  const users = config.devices.filter((d) => d.msi?.irqchip === c);
  out.push(`- used by: ${users.map((d) => `\`${d.name}\``).join(', ') || 'no device'}`);
  return out.join('\n');
}

// ---- maps ---------------------------------------------------------------------------------

export function rangeForms(i: Interval): string {
  return `${hexGrouped(i.start)} size ${formatSize(i.last - i.start + 1n)}  =  ${hexGrouped(i.start)}..${hexGrouped(i.last)}`;
}

/** How an IPA range goes through a parent (stage 2): pieces mapped and holes. */
export interface Stage2Piece {
  ipa: Interval;
  pa: bigint | null;
  map: Mapping | null;
}

export function throughStage2(tx: Translation, parent: Domain, ipa: Interval): Stage2Piece[] {
  const maps = tx
    .mapsOf(parent)
    .filter((m) => m.input.start <= ipa.last && ipa.start <= m.input.last)
    .sort((x, y) => (x.input.start < y.input.start ? -1 : 1));
  const out: Stage2Piece[] = [];
  let at = ipa.start;
  for (const m of maps) {
    if (m.input.last < at) continue;
    const s = m.input.start > at ? m.input.start : at;
    if (s > at) out.push({ ipa: { start: at, last: s - 1n }, pa: null, map: null });
    const l = m.input.last < ipa.last ? m.input.last : ipa.last;
    out.push({ ipa: { start: s, last: l }, pa: m.output + (s - m.input.start), map: m });
    if (l >= ipa.last) return out;
    at = l + 1n;
  }
  if (at <= ipa.last) out.push({ ipa: { start: at, last: ipa.last }, pa: null, map: null });
  return out;
}

export function describeMap(tx: Translation, dom: Domain, m: Mapping): string {
  const size = m.input.last - m.input.start + 1n;
  const outRange = { start: m.output, last: m.output + size - 1n };
  const [inName, outName] = dom.type === 'nested' ? ['gIOVA', 'IPA'] : dom.nestParent ? ['IPA', 'PA'] : ['IOVA', 'PA'];
  const out = [`**map** in ${domainSummary(dom)}`, '', '```'];
  out.push(`${inName.padEnd(5)} ${rangeForms(m.input)}`);
  out.push(`${outName.padEnd(5)} ${rangeForms(outRange)}${m.irqchip ? `  (doorbell page of ${m.irqchip.name})` : ''}`);
  if (dom.type === 'nested' && dom.parent) {
    for (const p of throughStage2(tx, dom.parent, outRange)) {
      const gi = m.input.start + (p.ipa.start - outRange.start);
      const gl = m.input.start + (p.ipa.last - outRange.start);
      if (p.pa === null) out.push(`PA    ${hexGrouped(gi)}..${hexGrouped(gl)}: stage-2 fault (${dom.parent.name} maps nothing at IPA ${hexGrouped(p.ipa.start)})`);
      else out.push(`PA    ${rangeForms({ start: p.pa, last: p.pa + (p.ipa.last - p.ipa.start) })}  via ${dom.parent.name}`);
    }
  }
  out.push('```');
  return out.join('\n');
}

// ---- numbers ------------------------------------------------------------------------------

function describeNumber(
  config: Configuration,
  tx: Translation,
  file: SourceFile,
  top: ast.TopStatement,
  num: ast.Num,
  role: string,
): string {
  if (num.value === null) return '`' + num.text + '`: does not fit 64 bits';
  const v = num.value;
  // the value's other spellings (hex, decimal, size), leaving out the one written
  const norm = (t: string) => t.replace(/_/g, '').toLowerCase();
  const forms = [...new Set([hexGrouped(v), v.toString(), ...(v >= 1024n ? [formatSize(v)] : [])])].filter((f) => norm(f) !== norm(num.text));
  const head = '`' + num.text + '`' + (forms.length ? ` = ${forms.join(' = ')}` : '');
  if (role !== 'address') return head;
  let devices: Device[];
  let pasid: bigint | null = null;
  let access: 'read' | 'write' | null = null;
  if (top.kind === 'expect') {
    const e = config.expectations.find((x) => x.stmt === top);
    devices = e ? [e.device] : [];
    pasid = e?.pasid ?? null;
    access = e?.access ?? null;
  } else if (top.kind === 'domain') {
    const dom = config.domains.find((d) => d.decl === top);
    if (!dom) return head;
    if (dom.type === 'nested' || !dom.nestParent) devices = tx.devicesIn(dom);
    else return `${head}\n\nan IPA of the nest parent \`${dom.name}\`: devices reach it through the stage 1 of its nested domains`;
  } else devices = config.devices;
  void file;
  if (devices.length === 0) return `${head}\n\nno device translates through here`;
  const out = [head, ''];
  for (const d of devices.slice(0, MAX_DEVICES)) out.push('```', ...formatResolution(tx.resolve(d, pasid, v, access)), '```');
  if (devices.length > MAX_DEVICES) out.push(`… and ${devices.length - MAX_DEVICES} more devices`);
  return out.join('\n');
}
