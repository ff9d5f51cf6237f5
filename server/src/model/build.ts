// AST → semantic model: one namespace across the files, references resolved, defaults applied,
// and the diagnostics of the "Syntax and names" family.

import type * as ast from '../../../grammar/src/ast';
import { PlainMap, type PlainPerm } from '../../../grammar/src/plainMap';
import { U64_MAX, formatSize, hex, isPowerOfTwo, type Interval } from './intervals';
import {
  BACKENDS,
  DEFAULT_DOMAIN_TYPES,
  DOMAIN_TYPES,
  IOMMU_MODELS,
  IRQCHIP_MODELS,
  NEUTRAL_DRIVERS,
  PAGE_SIZES,
  PASID_TABLE_FORMATS,
  PERMISSIONS,
  REGION_TYPES,
  STAGE1_MODES,
  type AttachEntry,
  type Backend,
  type Configuration,
  type DefaultDomainType,
  type Device,
  type Diagnostic,
  type DiagnosticData,
  type Domain,
  type DomainType,
  type Expectation,
  type Group,
  type Iommu,
  type Irqchip,
  type IrqchipModel,
  type Loc,
  type Mapping,
  type Perm,
  type Reference,
  type Region,
  type RegionType,
  type Related,
  type SourceFile,
  type Stage1Mode,
  type IommuModel,
  type Symbol,
  type SymbolKind,
  type TopologyModel,
} from './types';
import { includeOrder, type LoadedSources } from './workspace';
import { ACS_FLAGS, deriveGroups, PORT_KINDS, type AcsFlagName, type TopologyNode } from './topology';
import { doorbellPage, iommuDefaults, irqchipDefaults } from './defaults';
import { BASELINE_KERNEL, GATES, kernelText, since, type KernelVersion } from './kernel';
import { closest, didYouMean, suggestionText } from '../../../grammar/src/spelling';
import { applyCommandLine, defaultDomainType, unsafeInterruptsParam } from './bootParams';


interface Ctx {
  diags: Diagnostic[];
  symbols: Map<string, Symbol>;
  references: Reference[];
  /** Declarations that contain a syntax error or an unresolved reference. */
  broken: Set<Symbol>;
  current: Symbol | null;
  /** Unknown names given a suggestion so far. */
  suggested: number;
}

function syntaxDiagnostics(files: SourceFile[]): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const file of files)
    for (const e of file.syntaxErrors)
      out.push({ code: 'syntax', severity: 'error', loc: { file, span: e.span }, message: e.message, related: [] });
  return out;
}

function report(ctx: Ctx, code: string, loc: Loc, message: string, related: Related[] = [], data?: DiagnosticData): void {
  ctx.diags.push({ code, severity: 'error', loc, message, related, ...(data ? { data } : {}) });
}

function spanHasSyntaxError(file: SourceFile, span: ast.Span): boolean {
  return file.syntaxErrors.some((e) => e.span.start < span.end && e.span.end > span.start || (e.span.start === e.span.end && e.span.start >= span.start && e.span.start <= span.end));
}

// ---- values -------------------------------------------------------------------------------

function num(ctx: Ctx, file: SourceFile, n: ast.Num | undefined): bigint | null {
  if (!n) return null;
  if (n.value === null) {
    report(ctx, 'bad-number', { file, span: n.span }, `${n.text} does not fit in 64 bits (the largest value is 0xffff_ffff_ffff_ffff)`);
    markBroken(ctx);
    return null;
  }
  return n.value;
}

/** Evaluate a range, reporting `bad-number` for size 0, L < A and wrap-around. */
function range(ctx: Ctx, file: SourceFile, r: ast.AddrRange | undefined): Interval | null {
  if (!r) return null;
  const start = num(ctx, file, r.start);
  if (r.size) {
    const size = num(ctx, file, r.size);
    if (start === null || size === null) return null;
    if (size === 0n) {
      report(ctx, 'bad-number', { file, span: r.size.span }, 'a range size must be greater than 0');
      markBroken(ctx);
      return null;
    }
    const last = start + size - 1n;
    if (last > U64_MAX) {
      // from the start to the size (which may be written after a map's target)
      const span = { start: r.span.start, end: Math.max(r.span.end, r.size.span.end) };
      report(ctx, 'bad-number', { file, span }, `range ${hex(start)} size ${formatSize(size)} wraps past 0xffff_ffff_ffff_ffff`);
      markBroken(ctx);
      return null;
    }
    return { start, last };
  }
  if (r.last) {
    const last = num(ctx, file, r.last);
    if (start === null || last === null) return null;
    if (last < start) {
      report(ctx, 'bad-number', { file, span: r.span }, `range ${hex(start)}..${hex(last)} ends before it starts (the last address is inclusive)`);
      markBroken(ctx);
      return null;
    }
    return { start, last };
  }
  return null;
}

function markBroken(ctx: Ctx): void {
  if (ctx.current) ctx.broken.add(ctx.current);
}

function oneOf<T extends string>(ctx: Ctx, file: SourceFile, name: ast.Name | undefined, allowed: readonly T[], what: string): T | null {
  if (!name) return null;
  if ((allowed as readonly string[]).includes(name.text)) return name.text as T;
  const hint = didYouMean(name.text, allowed);
  report(ctx, 'bad-value', { file, span: name.span }, `'${name.text}' is not a valid ${what}${hint}${hint ? ' Expected' : '; expected'} ${allowed.map((a) => `'${a}'`).join(', ')}`);
  markBroken(ctx);
  return null;
}

function smallInt(ctx: Ctx, file: SourceFile, n: ast.Num | undefined, lo: number, hi: number, what: string): number | null {
  const v = num(ctx, file, n);
  if (v === null || !n) return null;
  if (v < BigInt(lo) || v > BigInt(hi)) {
    report(ctx, 'bad-value', { file, span: n.span }, `${what} must be between ${lo} and ${hi}, not ${n.text}`);
    markBroken(ctx);
    return null;
  }
  return Number(v);
}

/** Report `bad-value` for a property that appears a second time in one block. */
function onceEach(ctx: Ctx, file: SourceFile, props: readonly { kind: string; keyword: ast.Span }[], what: string, repeatable: readonly string[]): void {
  const seen = new Map<string, ast.Span>();
  for (const p of props) {
    if (repeatable.includes(p.kind)) continue;
    const first = seen.get(p.kind);
    if (first) {
      report(ctx, 'bad-value', { file, span: p.keyword }, `'${p.kind}' is given twice in ${what}`, [
        { loc: { file, span: first }, message: `first '${p.kind}' here` },
      ]);
    } else seen.set(p.kind, p.keyword);
  }
}

// ---- names --------------------------------------------------------------------------------

const KIND_WORD: Record<SymbolKind, string> = {
  iommu: 'an iommu',
  irqchip: 'an irqchip',
  device: 'a device',
  group: 'a group',
  domain: 'a domain',
};

/** Unknown names that get a "did you mean" in their message. */
const MAX_SUGGESTED = 200;

function lookup<K extends SymbolKind>(ctx: Ctx, file: SourceFile, name: ast.Name | undefined, kinds: readonly K[], role: string): Extract<Symbol, { kind: K }> | null {
  if (!name) return null;
  const loc = { file, span: name.span };
  const sym = ctx.symbols.get(name.text) ?? null;
  ctx.references.push({ loc, name: name.text, target: sym });
  if (!sym) {
    // the names of the right kind closest to it, for the message and the quick fix (for the first
    // names only: a file of thousands of typos stays fast)
    const candidates = ctx.suggested++ < MAX_SUGGESTED ? closest(name.text, [...ctx.symbols.values()].filter((s) => (kinds as readonly string[]).includes(s.kind)).map((s) => s.name)) : [];
    report(ctx, 'unknown-name', loc, `no ${kinds.join(' or ')} named '${name.text}'${suggestionText(candidates)}`, [], { candidates });
    markBroken(ctx);
    return null;
  }
  if (!(kinds as readonly string[]).includes(sym.kind)) {
    report(ctx, 'wrong-kind', loc, `'${name.text}' is ${KIND_WORD[sym.kind]}, but ${role} must name ${kinds.map((k) => KIND_WORD[k]).join(' or ')}`, [
      { loc: sym.nameLoc, message: `'${name.text}' is declared here as ${KIND_WORD[sym.kind]}` },
    ]);
    markBroken(ctx);
    return null;
  }
  return sym as Extract<Symbol, { kind: K }>;
}

// ---- build --------------------------------------------------------------------------------

function declKind(st: ast.TopStatement): SymbolKind | null {
  switch (st.kind) {
    case 'iommu':
    case 'irqchip':
    case 'device':
    case 'group':
    case 'domain':
      return st.kind;
    default:
      return null;
  }
}

export function buildConfiguration(sources: LoadedSources): Configuration {
  const files = sources.files;
  const root = files[0]!;
  const ctx: Ctx = { diags: [...syntaxDiagnostics(files), ...sources.diagnostics], symbols: new Map(), references: [], broken: new Set(), current: null, suggested: 0 };

  const iommus: Iommu[] = [];
  const irqchips: Irqchip[] = [];
  const devices: Device[] = [];
  const groups: Group[] = [];
  const domains: Domain[] = [];
  const pending: { file: SourceFile; st: ast.TopStatement }[] = [];

  let backend: Backend = 'iommufd';
  let backendLoc: Loc | null = null;
  let cmdline: string | null = null;
  let cmdlineLoc: Loc | null = null;
  let cmdlineStr: { file: SourceFile; str: ast.Str } | null = null;
  let allowUnsafeLoc: Loc | null = null;
  let pageSize = 4096n;
  let pageSizeLoc: Loc | null = null;
  let allowUnsafe = false;
  let kernel: KernelVersion = BASELINE_KERNEL;
  let kernelLoc: Loc | null = null;
  let kernelStmtLoc: Loc | null = null;

  // Pass 1: global settings and the namespace.
  for (const file of files) {
    for (const st of file.ast.statements) {
      const kind = declKind(st);
      if (kind) {
        const decl = st as ast.Decl;
        if (!decl.name) continue;
        const nameLoc = { file, span: decl.name.span };
        const declLoc = { file, span: decl.span };
        const prior = ctx.symbols.get(decl.name.text);
        if (prior) {
          report(ctx, 'duplicate-name', nameLoc, `'${decl.name.text}' is already declared as ${KIND_WORD[prior.kind]}; names share one namespace`, [
            { loc: prior.nameLoc, message: `first declaration of '${decl.name.text}'` },
          ]);
          continue;
        }
        const base = { name: decl.name.text, nameLoc, declLoc, broken: spanHasSyntaxError(file, decl.span) };
        const sym = makeSymbol(kind, decl, base);
        ctx.symbols.set(decl.name.text, sym);
        ctx.references.push({ loc: nameLoc, name: decl.name.text, target: sym });
        if (base.broken) ctx.broken.add(sym);
        pending.push({ file, st });
        switch (sym.kind) {
          case 'iommu':
            iommus.push(sym);
            break;
          case 'irqchip':
            irqchips.push(sym);
            break;
          case 'device':
            sym.index = devices.length;
            devices.push(sym);
            break;
          case 'group':
            groups.push(sym);
            break;
          case 'domain':
            domains.push(sym);
            break;
        }
        continue;
      }
      switch (st.kind) {
        case 'cmdline': {
          if (cmdlineLoc) {
            report(ctx, 'bad-value', { file, span: st.keyword }, "'cmdline' is given twice in the configuration", [{ loc: cmdlineLoc, message: 'first cmdline here' }]);
            break;
          }
          cmdlineLoc = { file, span: st.span };
          if (st.value) {
            cmdline = st.value.value;
            cmdlineStr = { file, str: st.value };
          }
          break;
        }
        case 'backend': {
          const loc = { file, span: st.span };
          if (backendLoc) {
            report(ctx, 'bad-value', { file, span: st.keyword }, "'backend' is given twice in the configuration", [{ loc: backendLoc, message: 'first backend here' }]);
            break;
          }
          backendLoc = loc;
          const v = oneOf(ctx, file, st.value, BACKENDS, 'backend');
          if (v) backend = v;
          break;
        }
        case 'page-size': {
          const loc = { file, span: st.span };
          if (pageSizeLoc) {
            report(ctx, 'bad-value', { file, span: st.keyword }, "'page-size' is given twice in the configuration", [{ loc: pageSizeLoc, message: 'first page-size here' }]);
            break;
          }
          pageSizeLoc = loc;
          const v = num(ctx, file, st.value);
          if (v !== null && st.value) {
            if (!isPowerOfTwo(v)) report(ctx, 'bad-number', { file, span: st.value.span }, `page size ${st.value.text} is not a power of two`);
            else if (!(PAGE_SIZES as readonly bigint[]).includes(v)) report(ctx, 'bad-value', { file, span: st.value.span }, `page-size must be 4K, 16K or 64K, not ${st.value.text}`);
            else pageSize = v;
          }
          break;
        }
        case 'allow-unsafe-interrupts':
          allowUnsafe = true;
          allowUnsafeLoc ??= { file, span: st.span };
          break;
        case 'kernel': {
          if (kernelStmtLoc) {
            report(ctx, 'bad-value', { file, span: st.keyword }, "'kernel' is given twice in the configuration", [{ loc: kernelStmtLoc, message: 'first kernel here' }]);
            break;
          }
          kernelStmtLoc = { file, span: st.span };
          if (!st.value) break;
          const m = /^([0-9]+)\.([0-9]+)(?:\.[0-9]+)?$/.exec(st.value.text);
          const major = m ? Number(m[1]) : NaN;
          const minor = m ? Number(m[2]) : NaN;
          if (!m || major < 2 || major > 99 || minor > 99) {
            report(ctx, 'bad-value', { file, span: st.value.span }, `'${st.value.text}' is not a kernel version; write MAJOR.MINOR, e.g. 'kernel 6.8'`);
            break;
          }
          kernel = { major, minor };
          kernelLoc = { file, span: st.value.span };
          break;
        }
        case 'expect':
          pending.push({ file, st });
          break;
        default:
          break;
      }
    }
  }

  const soleIommu = iommus.length === 1 ? iommus[0]! : null;

  // Pass 2: iommus and irqchips (no references to other objects).
  for (const { file, st } of pending) {
    if (st.kind === 'iommu' && st.name) {
      const sym = ctx.symbols.get(st.name.text);
      if (sym?.kind === 'iommu' && sym.decl === st) fillIommu(ctx, file, sym);
    } else if (st.kind === 'irqchip' && st.name) {
      const sym = ctx.symbols.get(st.name.text);
      if (sym?.kind === 'irqchip' && sym.decl === st) fillIrqchip(ctx, file, sym);
    }
  }

  // The kernel command line sets what the kernel would on them (model/bootParams.ts).
  const commandLine = cmdlineStr ? applyCommandLine(cmdlineStr.file, cmdlineStr.str, iommus, irqchips) : null;

  // Pass 3: devices.
  const pciSeen = new Map<string, Loc>();
  for (const d of devices) fillDevice(ctx, d.nameLoc.file, d, iommus, soleIommu, pciSeen);
  // A device's reserved regions, windows and pages all come from its IOMMU: when that IOMMU
  // could not be read (no or a misspelled `model`, a syntax error), the device's semantic checks
  // stay silent rather than judge regions that do not exist.
  for (const d of devices) if (d.iommu && (d.iommu.broken || ctx.broken.has(d.iommu))) ctx.broken.add(d);

  const topology = checkTopology(ctx, devices);

  // Pass 4: groups (declared), then the groups the PCI topology derives, then singleton groups.
  for (const g of groups) {
    ctx.current = g;
    const file = g.nameLoc.file;
    const decl = g.decl!;
    if (decl.type) g.declaredType = oneOf(ctx, file, decl.type, GROUP_DEFAULT_TYPES, 'group default domain type');
    for (const m of decl.members) {
      const dev = lookup(ctx, file, m, ['device'], 'a group member');
      if (!dev) continue;
      if (dev.group) {
        const first = dev.group;
        report(ctx, 'group-membership', { file, span: m.span }, `device '${dev.name}' is already in group '${first.name}'; a device belongs to at most one IOMMU group`, [
          { loc: first.nameLoc, message: `'${dev.name}' is listed in group '${first.name}'` },
        ]);
        continue;
      }
      dev.group = g;
      g.members.push(dev);
    }
    ctx.current = null;
  }
  if (topology) placeByTopology(topology, groups);
  for (const d of devices) {
    if (d.group) continue;
    const g = makeSymbol('group', null, { name: d.name, nameLoc: d.nameLoc, declLoc: d.declLoc, broken: false }) as Group;
    g.implicit = true;
    g.members.push(d);
    d.group = g;
    groups.push(g);
    // Devices of the same derived group that are in no declared group join it.
    for (const other of topology ? sameDerivedGroup(topology, d) : []) {
      if (other.group) continue;
      other.group = g;
      g.members.push(other);
    }
  }
  for (const g of groups) {
    const dd = g.defaultDomain;
    const iommu = g.members.find((m) => m.iommu)?.iommu ?? soleIommu;
    dd.iommu = iommu;
    dd.type = defaultDomainType(g.declaredType, iommu, commandLine);
    dd.name = `default domain of ${g.implicit ? `device '${g.name}'` : `group '${g.name}'`}`;
    const bd = g.blockedDomain;
    bd.iommu = iommu;
    bd.name = `blocking domain of ${g.implicit ? `device '${g.name}'` : `group '${g.name}'`}`;
  }

  // Pass 5: domains.
  for (const dom of domains) fillDomain(ctx, dom.nameLoc.file, dom, pageSize);
  // Parents may be declared after their children: derive iommus once every domain is read.
  for (const dom of domains) deriveDomainIommu(dom, domains, soleIommu);

  kernelGates(ctx, { backend, backendLoc, kernel, kernelLoc, domains, devices });
  // Nothing attaches to a device whose IOMMU the command line disabled (iommu-off reports it).
  for (const dom of domains) for (const a of dom.attaches) if (a.group?.members.some((m) => m.iommu?.disabledBy)) a.unsupported = true;
  const unsafeParam = unsafeInterruptsParam(commandLine, backend);

  // Group attachments in source order (includes written out in place).
  const allAttaches = domains.flatMap((d) => d.attaches);
  const order = includeOrder(files, sources.includes);
  allAttaches.sort((a, b) => order(a.loc, b.loc));
  for (const a of allAttaches) {
    if (!a.group || a.unsupported) continue;
    if (a.pasid === null) {
      if (!a.group.ridAttach) a.group.ridAttach = a;
    } else {
      const key = a.pasid.toString();
      if (!a.group.pasidAttaches.has(key)) a.group.pasidAttaches.set(key, a);
    }
  }

  // Pass 6: expectations.
  const expectations: Expectation[] = [];
  for (const { file, st } of pending) {
    if (st.kind !== 'expect') continue;
    ctx.current = null;
    const loc = { file, span: st.span };
    const device = lookup(ctx, file, st.device, ['device'], "an expect's subject");
    let pasid: bigint | null = null;
    if (st.pasid) pasid = num(ctx, file, st.pasid);
    const address = num(ctx, file, st.address);
    let result: Expectation['result'] | null = null;
    if (st.result?.kind === 'address') {
      const v = num(ctx, file, st.result.value);
      if (v !== null) result = { kind: 'address', value: v };
    } else if (st.result?.kind === 'irqchip') {
      const chip = lookup(ctx, file, st.result.ref, ['irqchip'], "an expect's target");
      if (chip) result = { kind: 'irqchip', irqchip: chip };
    } else if (st.result?.kind === 'fault') result = { kind: 'fault' };
    let access: 'read' | 'write' | null = null;
    if (st.access) access = st.access.text === 'read' ? 'read' : st.access.text === 'write' ? 'write' : null;
    if (device && address !== null && result && !(st.pasid && pasid === null)) {
      expectations.push({ stmt: st, loc, device, pasid, access, address, result });
    }
  }

  for (const s of ctx.broken) s.broken = true;

  return {
    files,
    root,
    backend,
    pageSize,
    kernel,
    kernelLoc,
    allowUnsafeInterrupts: allowUnsafe || unsafeParam !== null,
    allowUnsafeBy: { statement: allowUnsafeLoc, param: unsafeParam },
    iommus,
    irqchips,
    devices,
    cmdline,
    commandLine,
    topology,
    groups,
    domains,
    expectations,
    symbols: ctx.symbols,
    references: ctx.references,
    diagnostics: ctx.diags,
    includes: sources.includes,
  };
}

function makeSymbol(kind: SymbolKind, decl: ast.Decl | null, base: { name: string; nameLoc: Loc; declLoc: Loc; broken: boolean }): Symbol {
  // the base's fields written out rather than spread: a spread into a literal this large gives
  // slow (dictionary-mode) objects, and every later property read of a symbol pays for it
  const { name, nameLoc, declLoc, broken } = base;
  switch (kind) {
    case 'iommu':
      return {
        name, nameLoc, declLoc, broken, kind, decl: decl as ast.IommuDecl, model: null, ias: 48, oas: 48, pgsizes: [4096n], minPage: 4096n,
        nesting: false, swMsi: null, msiWindow: null, reserved: [], defaultDomain: 'dma', defaultDomainDeclared: false,
        disabledBy: null, nestingOffBy: null, scalableModeOffBy: null,
      };
    case 'irqchip':
      return { name, nameLoc, declLoc, broken, kind, decl: decl as ast.IrqchipDecl, model: null, base: null, doorbell: null, isolated: true, untranslated: false, remappingOffBy: null };
    case 'device':
      return {
        name, nameLoc, declLoc, broken, kind, decl: decl as ast.DeviceDecl, index: 0, pci: null, iommu: null, msi: null, driver: 'none',
        neutralDriver: true, ownRegions: [], swMsiProp: null, swMsiPropAst: null, pasidBits: null,
        topology: { port: null, behind: null, behindProp: null, acs: null, conventional: false, physfn: null, physfnProp: null, dmaAliases: [], declared: false },
        group: null as unknown as Group,
      };
    case 'group': {
      const g: Group = {
        name, nameLoc, declLoc, broken, kind, decl: decl as ast.GroupDecl | null, members: [], implicit: false, declaredType: null, derivedMembers: [],
        defaultDomain: null as unknown as Domain, blockedDomain: null as unknown as Domain, ridAttach: null, pasidAttaches: new Map(),
      };
      const implicitDomain = (type: DomainType): Domain => ({
        name, nameLoc, declLoc, broken, kind: 'domain', decl: null, type, iommu: null, iommuRef: null, nestParent: false, parent: null,
        parentStmt: null, stage1: 'translate', attaches: [], maps: [], rmrs: [], msiBinds: [], pasidTable: null, viommu: null,
        implicit: true, defaultOf: g,
      });
      g.defaultDomain = implicitDomain('dma');
      g.blockedDomain = implicitDomain('blocked');
      return g;
    }
    case 'domain':
      return {
        name, nameLoc, declLoc, broken, kind, decl: decl as ast.DomainDecl, type: null, iommu: null, iommuRef: null, nestParent: false, parent: null,
        parentStmt: null, stage1: 'translate', attaches: [], maps: [], rmrs: [], msiBinds: [], pasidTable: null, viommu: null, implicit: false,
      };
  }
}

function region(start: bigint, last: bigint, type: RegionType, loc: Loc, byDefault: boolean, fromIommu?: Iommu): Region {
  return { start, last, type, loc, byDefault, ...(fromIommu ? { fromIommu } : {}) };
}

function fillIommu(ctx: Ctx, file: SourceFile, io: Iommu): void {
  ctx.current = io;
  const decl = io.decl;
  const props = decl.props;
  onceEach(ctx, file, props, `iommu '${io.name}'`, ['reserved']);
  const modelProp = props.find((p): p is ast.ModelProp => p.kind === 'model');
  if (!modelProp) {
    report(ctx, 'missing-property', io.nameLoc, `iommu '${io.name}' has no 'model' (one of ${IOMMU_MODELS.join(', ')})`);
    markBroken(ctx);
  }
  const model = modelProp ? oneOf(ctx, file, modelProp.value, IOMMU_MODELS, 'IOMMU model') : null;
  io.model = model;
  const defaults = iommuDefaults(model);
  io.ias = defaults.ias;
  io.oas = defaults.oas;
  io.pgsizes = [...defaults.pgsizes];
  io.nesting = defaults.nesting;
  io.defaultDomain = 'dma';
  const sw = defaults.swMsi;
  io.swMsi = sw ? region(sw.start, sw.last, 'sw-msi', io.nameLoc, true, io) : null;
  const hw = defaults.msiWindow;
  io.msiWindow = hw ? region(hw.start, hw.last, 'msi', io.nameLoc, true, io) : null;
  io.reserved = defaults.reserved.map((r) => region(r.start, r.last, r.type, io.nameLoc, true, io));
  for (const p of props) {
    const loc = { file, span: p.span };
    switch (p.kind) {
      case 'ias':
      case 'oas': {
        const v = smallInt(ctx, file, p.value, 1, 64, p.kind);
        if (v !== null) io[p.kind] = v;
        break;
      }
      case 'pgsizes': {
        const sizes: bigint[] = [];
        for (const n of p.values) {
          const v = num(ctx, file, n);
          if (v === null) continue;
          if (!isPowerOfTwo(v)) {
            report(ctx, 'bad-number', { file, span: n.span }, `page size ${n.text} is not a power of two`);
            markBroken(ctx);
          } else sizes.push(v);
        }
        if (sizes.length > 0) io.pgsizes = sizes;
        break;
      }
      case 'nesting':
        io.nesting = true;
        break;
      case 'no-nesting':
        io.nesting = false;
        break;
      case 'sw-msi':
      case 'msi-window': {
        if (p.none) {
          if (p.kind === 'sw-msi') io.swMsi = null;
          else io.msiWindow = null;
          break;
        }
        const r = range(ctx, file, p.range);
        if (!r) break;
        const reg = region(r.start, r.last, p.kind === 'sw-msi' ? 'sw-msi' : 'msi', loc, false, io);
        if (p.kind === 'sw-msi') io.swMsi = reg;
        else io.msiWindow = reg;
        break;
      }
      case 'reserved': {
        const r = range(ctx, file, p.range);
        const t = oneOf(ctx, file, p.type, REGION_TYPES, 'reserved region type');
        // declared regions add to the model's defaults (the AMD HT hole stays)
        if (r && t) io.reserved.push(region(r.start, r.last, t, loc, false, io));
        break;
      }
      case 'default-domain': {
        const v = oneOf<DefaultDomainType>(ctx, file, p.value, DEFAULT_DOMAIN_TYPES, 'default domain type');
        if (v) {
          io.defaultDomain = v;
          io.defaultDomainDeclared = true;
        }
        break;
      }
      default:
        break;
    }
  }
  io.pgsizes = [...new Set(io.pgsizes)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  io.minPage = io.pgsizes[0] ?? 4096n;
  ctx.current = null;
}

function fillIrqchip(ctx: Ctx, file: SourceFile, chip: Irqchip): void {
  ctx.current = chip;
  const props = chip.decl.props;
  onceEach(ctx, file, props, `irqchip '${chip.name}'`, []);
  const modelProp = props.find((p): p is ast.ModelProp => p.kind === 'model');
  if (!modelProp) {
    report(ctx, 'missing-property', chip.nameLoc, `irqchip '${chip.name}' has no 'model' (one of ${IRQCHIP_MODELS.join(', ')})`);
    markBroken(ctx);
  }
  const model = modelProp ? oneOf<IrqchipModel>(ctx, file, modelProp.value, IRQCHIP_MODELS, 'irqchip model') : null;
  chip.model = model;
  const defaults = irqchipDefaults(model);
  chip.isolated = defaults.isolated;
  chip.untranslated = defaults.untranslated;
  let doorbell: bigint | null = null;
  let base: bigint | null = null;
  for (const p of props) {
    switch (p.kind) {
      case 'base':
        base = num(ctx, file, p.value);
        break;
      case 'doorbell':
        doorbell = num(ctx, file, p.value);
        break;
      case 'isolated':
        chip.isolated = true;
        break;
      case 'not-isolated':
        chip.isolated = false;
        break;
      default:
        break;
    }
  }
  chip.base = base;
  if (doorbell === null && base !== null) {
    doorbell = base + defaults.doorbellOffset;
    if (doorbell > U64_MAX) doorbell = null;
  }
  if (doorbell === null) doorbell = defaults.fixedDoorbell;
  const hasDoorbell = props.some((p) => p.kind === 'doorbell');
  const hasBase = props.some((p) => p.kind === 'base');
  if (modelProp && model && !hasDoorbell && !hasBase && !chip.untranslated) {
    report(ctx, 'missing-property', chip.nameLoc, `irqchip '${chip.name}' has neither 'base' nor 'doorbell': its doorbell address is unknown`);
    markBroken(ctx);
  }
  chip.doorbell = doorbell;
  ctx.current = null;
}

function fillDevice(ctx: Ctx, file: SourceFile, dev: Device, iommus: Iommu[], sole: Iommu | null, pciSeen: Map<string, Loc>): void {
  ctx.current = dev;
  const props = dev.decl.props;
  onceEach(ctx, file, props, `device '${dev.name}'`, ['reserved']);
  let iommuGiven = false;
  for (const p of props) {
    const loc = { file, span: p.span };
    switch (p.kind) {
      case 'pci': {
        if (!p.value) break;
        const v = p.value;
        const key = `${v.segment}:${v.bus}:${v.device}.${v.fn}`;
        if (v.bus > 0xff || v.device > 0x1f || v.fn > 7 || v.segment > 0xffff) {
          report(ctx, 'bad-value', { file, span: v.span }, `${v.text} is not a valid PCI address (bus ≤ ff, device ≤ 1f, function ≤ 7)`);
          break;
        }
        const prior = pciSeen.get(key);
        if (prior) {
          report(ctx, 'bad-value', { file, span: v.span }, `PCI address ${v.text} is already used by another device`, [{ loc: prior, message: 'first use of this address' }]);
          break;
        }
        pciSeen.set(key, { file, span: v.span });
        dev.pci = v;
        break;
      }
      case 'iommu':
        iommuGiven = true;
        dev.iommu = lookup(ctx, file, p.ref, ['iommu'], "a device's 'iommu'");
        break;
      case 'msi': {
        const chip = lookup(ctx, file, p.ref, ['irqchip'], "'msi'");
        const at = p.at ? num(ctx, file, p.at) : null;
        const vectors = p.vectors ? num(ctx, file, p.vectors) : null;
        if (p.vectors && vectors === 0n) report(ctx, 'bad-value', { file, span: p.vectors.span }, 'a device needs at least 1 MSI vector');
        dev.msi = { irqchip: chip, at, vectors, prop: p, loc: { file, span: p.ref ? p.ref.span : p.keyword } };
        break;
      }
      case 'driver':
        if (p.value) {
          dev.driver = p.value.text;
          dev.neutralDriver = (NEUTRAL_DRIVERS as readonly string[]).includes(p.value.text);
        }
        break;
      case 'reserved': {
        const r = range(ctx, file, p.range);
        const t = oneOf(ctx, file, p.type, REGION_TYPES, 'reserved region type');
        if (r && t) dev.ownRegions.push(region(r.start, r.last, t, loc, false));
        break;
      }
      case 'sw-msi': {
        if (p.none) {
          report(ctx, 'bad-value', { file, span: p.none }, "a device's 'sw-msi' takes a range; 'none' is only for an iommu");
          break;
        }
        const r = range(ctx, file, p.range);
        if (r) {
          dev.swMsiProp = region(r.start, r.last, 'sw-msi', loc, false);
          dev.swMsiPropAst = p;
        }
        break;
      }
      case 'msi-window':
        report(ctx, 'bad-value', { file, span: p.keyword }, "'msi-window' is a property of an iommu; give a device's hardware MSI region as 'reserved RANGE msi'");
        break;
      case 'pasid':
        dev.pasidBits = smallInt(ctx, file, p.value, 1, 20, 'PASID width (bits)');
        break;
      case 'port':
        dev.topology.declared = true;
        dev.topology.port = oneOf(ctx, file, p.value, PORT_KINDS, 'port kind');
        break;
      case 'behind':
        dev.topology.declared = true;
        dev.topology.behindProp = p;
        dev.topology.behind = lookup(ctx, file, p.ref, ['device'], "'behind'");
        break;
      case 'acs': {
        dev.topology.declared = true;
        const flags = new Set<AcsFlagName>();
        for (const f of p.flags) {
          const v = f.text.toLowerCase();
          if (v === 'none') {
            if (p.flags.length > 1) report(ctx, 'bad-value', { file, span: f.span }, "'acs none' takes no other flag");
          } else if ((ACS_FLAGS as readonly string[]).includes(v)) flags.add(v as AcsFlagName);
        }
        dev.topology.acs = flags;
        break;
      }
      case 'conventional':
        dev.topology.declared = true;
        dev.topology.conventional = true;
        break;
      case 'physfn':
        dev.topology.declared = true;
        dev.topology.physfnProp = p;
        dev.topology.physfn = lookup(ctx, file, p.ref, ['device'], "'physfn'");
        break;
      case 'dma-alias':
        dev.topology.declared = true;
        dev.topology.dmaAliases.push(...p.values);
        break;
      default:
        break;
    }
  }
  if (!iommuGiven) {
    if (sole) dev.iommu = sole;
    else if (iommus.length === 0) {
      report(ctx, 'missing-property', dev.nameLoc, `device '${dev.name}' sits behind no IOMMU: no 'iommu' is declared`);
      markBroken(ctx);
    } else {
      report(ctx, 'missing-property', dev.nameLoc, `device '${dev.name}' needs 'iommu NAME': ${iommus.length} IOMMU instances are declared (${iommus.map((i) => i.name).join(', ')})`);
      markBroken(ctx);
    }
  }
  ctx.current = null;
}

/** Models a VMM offers as a guest's vIOMMU, and the input width each has when `ias` is left out. */
const VIOMMU_MODELS: readonly IommuModel[] = ['vtd', 'amd-vi', 'smmuv3', 'virtio-iommu'];
const VIOMMU_DEFAULT_IAS: Partial<Record<IommuModel, number>> = { vtd: 48, 'amd-vi': 48, smmuv3: 44, 'virtio-iommu': 64 };

/** Which statements each domain type allows (language.md §8). */
const ALLOWED: Record<string, readonly DomainType[]> = {
  iommu: DOMAIN_TYPES,
  attach: DOMAIN_TYPES,
  'nest-parent': ['paging'],
  parent: ['nested'],
  stage1: ['nested'],
  map: ['paging', 'dma', 'dma-fq', 'nested'],
  rmr: ['nested'],
  'msi-bind': ['nested'],
  'pasid-table': ['nested'],
  viommu: ['paging', 'nested'],
};

// One object per permission, shared by every map that has it (a configuration of a million maps
// would otherwise hold a million of them); nothing changes a map's permission after the build.
const READ_ONLY: Perm = { read: true, write: false };
const WRITE_ONLY: Perm = { read: false, write: true };
const READ_WRITE: Perm = { read: true, write: true };

function parsePerm(ctx: Ctx, file: SourceFile, p: ast.Name | undefined): Perm {
  const v = oneOf(ctx, file, p, PERMISSIONS, 'permission');
  if (v === 'r') return READ_ONLY;
  if (v === 'w') return WRITE_ONLY;
  return READ_WRITE;
}

/**
 * A plain map whose numbers and permission are sound becomes its mapping here without its syntax
 * nodes being made (a large domain has hundreds of thousands); false when the general way must
 * read it (it reports what is wrong).
 */
function addPlainMap(file: SourceFile, dom: Domain, st: PlainMap): boolean {
  const start = st.startValue;
  const size = st.sizeValue;
  const output = st.outputValue;
  if (start === null || size === null || output === null || size === 0n) return false;
  const last = start + size - 1n;
  if (last > U64_MAX || output + size - 1n > U64_MAX) return false;
  const perm = PLAIN_PERMS[st.permKind];
  if (!perm) return false;
  dom.maps.push(new PlainMapping(start, last, output, perm, file, st));
  return true;
}

const PLAIN_PERMS: Record<PlainPerm, Perm | undefined> = { none: READ_WRITE, r: READ_ONLY, w: WRITE_ONLY, rw: READ_WRITE, other: undefined };

/**
 * The mapping of a plain map: its own input interval, and its place made when first asked for (a
 * large domain holds hundreds of thousands: each object and field less counts).
 */
class PlainMapping implements Mapping, Interval {
  private where: Loc | undefined = undefined;
  constructor(
    readonly start: bigint,
    readonly last: bigint,
    readonly output: bigint,
    readonly perm: Perm,
    private readonly file: SourceFile,
    readonly stmt: PlainMap,
  ) {}
  get input(): Interval {
    return this;
  }
  get origin(): 'map' {
    return 'map';
  }
  get describe(): string {
    return 'map';
  }
  get loc(): Loc {
    return (this.where ??= { file: this.file, span: this.stmt.span });
  }
}

function fillDomain(ctx: Ctx, file: SourceFile, dom: Domain, pageSize: bigint): void {
  ctx.current = dom;
  const decl = dom.decl!;
  dom.type = oneOf<DomainType>(ctx, file, decl.type, DOMAIN_TYPES, 'domain type');
  onceEach(ctx, file, decl.stmts, `domain '${dom.name}'`, ['attach', 'map', 'rmr', 'msi-bind']);
  const mapsAllowed = !dom.type || ALLOWED.map!.includes(dom.type);
  for (const st of decl.stmts) {
    if (mapsAllowed && st instanceof PlainMap && addPlainMap(file, dom, st)) continue;
    const loc = { file, span: st.span };
    const allowed = ALLOWED[st.kind];
    if (dom.type && allowed && !allowed.includes(dom.type)) {
      report(ctx, 'bad-value', { file, span: st.keyword }, `'${st.kind}' is not allowed in ${dom.type} domain '${dom.name}' (only in ${allowed.join(', ')} domains)`);
      continue;
    }
    switch (st.kind) {
      case 'iommu':
        dom.iommuRef = st;
        dom.iommu = lookup(ctx, file, st.ref, ['iommu'], "a domain's 'iommu'");
        break;
      case 'nest-parent':
        dom.nestParent = true;
        break;
      case 'parent':
        dom.parentStmt = st;
        dom.parent = lookup(ctx, file, st.ref, ['domain'], "'parent'");
        break;
      case 'stage1': {
        const v = oneOf<Stage1Mode>(ctx, file, st.value, STAGE1_MODES, 'stage1 mode');
        if (v) dom.stage1 = v;
        break;
      }
      case 'viommu': {
        const model = oneOf<IommuModel>(ctx, file, st.model, VIOMMU_MODELS, 'vIOMMU model');
        let ias: number | null = null;
        if (st.ias) {
          const v = num(ctx, file, st.ias);
          if (v !== null && (v < 1n || v > 64n)) report(ctx, 'bad-value', { file, span: st.ias.span }, `vIOMMU ias ${v} is outside 1–64`);
          else if (v !== null) ias = Number(v);
        }
        dom.viommu = { model, ias: ias ?? (model ? VIOMMU_DEFAULT_IAS[model] ?? 48 : 48), iasGiven: ias !== null, stmt: st, loc };
        break;
      }
      case 'attach': {
        const target = lookup(ctx, file, st.ref, ['device', 'group'], "'attach'");
        let pasid: bigint | null = null;
        if (st.pasid) {
          pasid = num(ctx, file, st.pasid);
          if (target?.kind === 'group') {
            report(ctx, 'bad-value', { file, span: st.pasid.span }, "a PASID attachment names a device, not a group");
            break;
          }
          if (pasid === null) break;
        }
        const group = target ? (target.kind === 'group' ? target : target.group) : null;
        const entry: AttachEntry = { domain: dom, stmt: st, loc, target, group, pasid };
        dom.attaches.push(entry);
        break;
      }
      case 'map': {
        const r = range(ctx, file, st.input);
        const perm = parsePerm(ctx, file, st.perm);
        if (!st.target || !r) break;
        let output: bigint | null = null;
        let irqchip: Irqchip | undefined;
        if (st.target.kind === 'address') output = num(ctx, file, st.target.value);
        else {
          const chip = lookup(ctx, file, st.target.ref, ['irqchip'], "a map's target");
          if (chip && chip.doorbell !== null) {
            irqchip = chip;
            output = doorbellPage(chip.doorbell, pageSize);
          }
        }
        if (output === null) break;
        const size = r.last - r.start;
        if (output + size > U64_MAX) {
          report(ctx, 'bad-number', { file, span: st.target.kind === 'address' ? st.target.value.span : st.target.ref.span }, `output range ${hex(output)} + ${formatSize(size + 1n)} wraps past 0xffff_ffff_ffff_ffff`);
          markBroken(ctx);
          break;
        }
        const m: Mapping = { input: r, output, perm, origin: 'map', loc, stmt: st, describe: 'map' };
        if (irqchip) m.irqchip = irqchip;
        dom.maps.push(m);
        break;
      }
      case 'rmr': {
        const r = range(ctx, file, st.range);
        if (r) dom.rmrs.push({ range: r, stmt: st, loc });
        break;
      }
      case 'msi-bind': {
        const r = range(ctx, file, st.giova);
        const gpa = num(ctx, file, st.gpa);
        if (r && gpa !== null) {
          if (gpa + (r.last - r.start) > U64_MAX) {
            report(ctx, 'bad-number', { file, span: st.gpa!.span }, 'the bound guest-physical range wraps past 0xffff_ffff_ffff_ffff');
            break;
          }
          dom.msiBinds.push({ giova: r, gpa, stmt: st, loc });
        }
        break;
      }
      case 'pasid-table': {
        const r = range(ctx, file, st.range);
        const format = st.format ? oneOf(ctx, file, st.format, PASID_TABLE_FORMATS, 'PASID table format') : null;
        if (r) dom.pasidTable = { range: r, format, stmt: st, loc };
        break;
      }
      default:
        break;
    }
  }
  if (dom.type === 'nested' && !dom.parentStmt && !decl.stmts.some((s) => s.kind === 'parent')) {
    report(ctx, 'missing-property', dom.nameLoc, `nested domain '${dom.name}' needs 'parent NAME' (its stage-2 domain)`);
    markBroken(ctx);
  }
  ctx.current = null;
}

// ---- kernel and backend gates (language.md §3 "Kernel versions") ------------------------------

function unsupported(ctx: Ctx, loc: Loc, message: string, related: Related[] = []): void {
  ctx.diags.push({ code: 'unsupported-feature', severity: 'error', loc, message, related });
}

/**
 * Constructs the backend or the targeted kernel does not offer: `unsupported-feature`. A nested
 * domain so reported is marked broken (the checks stay silent about it) and a PASID attachment
 * so reported takes no part in the model: the kernel refuses them before anything else happens.
 */
function kernelGates(
  ctx: Ctx,
  g: { backend: Backend; backendLoc: Loc | null; kernel: KernelVersion; kernelLoc: Loc | null; domains: Domain[]; devices: Device[] },
): void {
  const k = kernelText(g.kernel);
  const kernelRel: Related[] = g.kernelLoc ? [{ loc: g.kernelLoc, message: `the targeted kernel: ${k}` }] : [];
  if (g.backend === 'iommufd' && !since(g.kernel, GATES.iommufd)) {
    const stmt = g.backendLoc;
    const loc = stmt ? { file: stmt.file, span: backendValueSpan(stmt) } : g.kernelLoc!;
    unsupported(ctx, loc, `kernel ${k} has no iommufd (it arrived in v6.2)${stmt ? '' : ', the default backend'}: use 'backend vfio-type1' (the VFIO type1 container) for this kernel`, stmt ? kernelRel : []);
  }
  const parents = new Set(g.domains.filter((d) => d.type === 'nested' && d.parent).map((d) => d.parent!));
  for (const dom of g.domains) {
    let domainRefused = false;
    if (dom.type === 'nested' && dom.decl?.type) {
      const loc = { file: dom.nameLoc.file, span: dom.decl.type.span };
      let why: string | null = null;
      if (g.backend === 'vfio-type1') why = `nested domain '${dom.name}' needs iommufd (IOMMU_HWPT_ALLOC of a nested HWPT over a nest parent): the VFIO type1 container has no nested domains`;
      else if (g.backend === 'dma-api') why = `nested domain '${dom.name}' is a user-space (iommufd) object: kernel drivers using the DMA API never allocate nested domains`;
      else if (!since(g.kernel, GATES.nesting)) why = `kernel ${k} has no nested HWPTs (IOMMU_HWPT_ALLOC with a parent and IOMMU_HWPT_ALLOC_NEST_PARENT arrived in v6.7)`;
      else if (dom.iommu?.model === 'vtd' && !since(g.kernel, GATES.vtdNesting)) why = `kernel ${k}: the VT-d driver allocates nested domains from v6.8 (-EOPNOTSUPP before)`;
      else if (dom.iommu?.model === 'smmuv3' && !since(g.kernel, GATES.smmuv3Nesting)) why = `kernel ${k}: the SMMUv3 driver allocates nested domains from v6.13 (-EOPNOTSUPP before)`;
      if (why) {
        unsupported(ctx, loc, why, g.backend === 'iommufd' ? kernelRel : []);
        ctx.broken.add(dom);
        domainRefused = true;
      }
    }
    // a nest parent with nested children: the children's diagnostic is the one failure
    const nestParent = dom.nestParent && !parents.has(dom) ? dom.decl?.stmts.find((st) => st.kind === 'nest-parent') : undefined;
    if (nestParent) {
      let why: string | null = null;
      if (g.backend === 'vfio-type1') why = `'nest-parent' is an iommufd allocation flag (IOMMU_HWPT_ALLOC_NEST_PARENT): the VFIO type1 container cannot allocate a nest parent`;
      else if (g.backend === 'dma-api') why = `'nest-parent' is an iommufd allocation flag (IOMMU_HWPT_ALLOC_NEST_PARENT): kernel drivers using the DMA API never allocate a nest parent`;
      else if (!since(g.kernel, GATES.nesting)) why = `kernel ${k} has no IOMMU_HWPT_ALLOC_NEST_PARENT (it arrived with nested HWPTs in v6.7)`;
      if (why) {
        unsupported(ctx, { file: dom.nameLoc.file, span: nestParent.span }, why, g.backend === 'iommufd' ? kernelRel : []);
        dom.nestParent = false;
      }
    }
    for (const a of dom.attaches) {
      if (a.pasid === null) continue;
      let why: string | null = null;
      if (g.backend === 'vfio-type1') why = `a PASID attachment needs iommufd (IOMMU_HWPT_ATTACH with a pasid): the VFIO type1 container attaches whole groups by RID only`;
      else if (g.backend === 'iommufd' && !since(g.kernel, GATES.iommufdPasid)) why = `kernel ${k} cannot attach a PASID through iommufd (VFIO_DEVICE_PASID_ATTACH_IOMMUFD_PT arrived in v6.15)`;
      if (why) {
        // inside a refused nested domain the domain's diagnostic is the one failure
        if (!domainRefused) unsupported(ctx, a.loc, why, g.backend === 'iommufd' ? kernelRel : []);
        a.unsupported = true;
      }
    }
  }
  deviceSwMsiGate(ctx, g.backend, g.devices);
}

/** A device's own `sw-msi` (IOMMU_OPTION_SW_MSI_START/SIZE, R41) is an iommufd option. */
function deviceSwMsiGate(ctx: Ctx, backend: Backend, devices: Device[]): void {
  if (backend === 'iommufd') return;
  for (const d of devices) {
    if (!d.swMsiProp || !d.swMsiPropAst) continue;
    const via = backend === 'vfio-type1' ? 'the VFIO type1 container takes the IOMMU driver\'s SW_MSI window as it is' : 'kernel drivers using the DMA API take the IOMMU driver\'s SW_MSI window as it is';
    unsupported(ctx, { file: d.nameLoc.file, span: d.swMsiPropAst.span }, `a device's own 'sw-msi' window is an iommufd option (IOMMU_OPTION_SW_MSI_START/SIZE on the bound device): ${via}`);
    d.swMsiProp = null;
    d.swMsiPropAst = null;
  }
}

/** The span of a `backend` statement's value (the whole statement when the value is absent). */
function backendValueSpan(loc: Loc): ast.Span {
  const st = loc.file.ast.statements.find((s) => s.kind === 'backend' && s.span.start === loc.span.start) as ast.BackendStmt | undefined;
  return st?.value?.span ?? loc.span;
}

function deriveDomainIommu(dom: Domain, domains: Domain[], sole: Iommu | null): void {
  if (dom.iommuRef) return;
  const fromAttaches = (d: Domain): Iommu | null => {
    for (const a of d.attaches) for (const m of a.group?.members ?? []) if (m.iommu) return m.iommu;
    return null;
  };
  let io = fromAttaches(dom);
  if (!io && dom.nestParent) {
    for (const child of domains) {
      if (child.parent !== dom) continue;
      io = child.iommuRef ? child.iommu : fromAttaches(child);
      if (io) break;
    }
  }
  dom.iommu = io ?? sole;
}

// ---- PCI topology ---------------------------------------------------------------------------

const GROUP_DEFAULT_TYPES: readonly DomainType[] = ['dma', 'dma-fq', 'identity', 'blocked'];

/**
 * Validate `behind` (a bridge, no cycle) and derive the groups, when any device declares its
 * place in the topology. Devices without a `pci` address take no part.
 */
function checkTopology(ctx: Ctx, devices: Device[]): TopologyModel | null {
  if (!devices.some((d) => d.topology.declared)) return null;
  for (const d of devices) {
    const b = d.topology.behind;
    const prop = d.topology.behindProp;
    if (!b || !prop?.ref) continue;
    const loc = { file: d.nameLoc.file, span: prop.ref.span };
    if (b === d) {
      report(ctx, 'bad-value', loc, `device '${d.name}' cannot sit behind itself`);
      d.topology.behind = null;
    } else if (b.topology.port === null && !b.broken) {
      report(ctx, 'bad-value', loc, `'${b.name}' is not a bridge: a device sits behind a root port, a switch port or a PCI bridge (give '${b.name}' a 'port')`, [{ loc: b.nameLoc, message: `'${b.name}' is declared here` }]);
      d.topology.behind = null;
    }
  }
  // Cycles: walk each chain once, colouring (0 new, 1 on the current walk, 2 done).
  const colour = new Map<Device, number>();
  for (const start of devices) {
    const walk: Device[] = [];
    let cur: Device | null = start;
    while (cur && !colour.has(cur)) {
      colour.set(cur, 1);
      walk.push(cur);
      cur = cur.topology.behind;
    }
    if (cur && colour.get(cur) === 1) {
      const prop = cur.topology.behindProp!;
      report(ctx, 'bad-value', { file: cur.nameLoc.file, span: prop.ref!.span }, `'behind' makes a cycle: ${[...walk.slice(walk.indexOf(cur)), cur].map((x) => x.name).join(' → ')}`);
      cur.topology.behind = null;
    }
    for (const w of walk) colour.set(w, 2);
  }
  // physfn: a VF of a PF that is itself no VF; the VF sits where its PF sits unless told otherwise.
  for (const d of devices) {
    const pf = d.topology.physfn;
    const prop = d.topology.physfnProp;
    if (!pf || !prop?.ref) continue;
    const loc = { file: d.nameLoc.file, span: prop.ref.span };
    if (pf === d || pf.topology.physfn) {
      report(ctx, 'bad-value', loc, pf === d ? `device '${d.name}' cannot be its own physical function` : `'${pf.name}' is itself a virtual function (of '${pf.topology.physfn!.name}'): a VF's 'physfn' names the physical function`);
      d.topology.physfn = null;
    } else if (!d.topology.behindProp) d.topology.behind = pf.topology.behind;
  }
  // dma-alias: requester IDs on the device's own bus (the kernel's alias mask holds devfns).
  for (const d of devices) {
    if (d.topology.dmaAliases.length === 0) continue;
    const own = d.pci;
    d.topology.dmaAliases = d.topology.dmaAliases.filter((a) => {
      const loc = { file: d.nameLoc.file, span: a.span };
      if (!own) report(ctx, 'bad-value', loc, `'dma-alias' needs the device's own 'pci' address (an alias is another function on its bus)`);
      else if (a.segment !== own.segment || a.bus !== own.bus) report(ctx, 'bad-value', loc, `DMA alias ${a.text} is not on ${d.name}'s bus ${own.segment.toString(16).padStart(4, '0')}:${own.bus.toString(16).padStart(2, '0')}: the kernel's DMA aliases are functions of the device's own bus (dma_alias_mask)`);
      else return true;
      return false;
    });
  }
  const pciDevices = devices.filter((d) => d.pci !== null);
  const index = new Map(pciDevices.map((d, i) => [d, i]));
  const nodes: TopologyNode[] = pciDevices.map((d) => ({
    name: d.name,
    bdf: { segment: d.pci!.segment, bus: d.pci!.bus, device: d.pci!.device, fn: d.pci!.fn },
    port: d.topology.port,
    conventional: d.topology.conventional,
    acs: d.topology.acs,
    behind: d.topology.behind ? index.get(d.topology.behind) ?? null : null,
    virtfn: d.topology.physfn !== null,
    dmaAliases: d.topology.dmaAliases.map((a) => ({ bus: a.bus, devfn: a.device * 8 + a.fn })),
  }));
  return { devices: pciDevices, index, derivation: deriveGroups(nodes) };
}

const classCache = new WeakMap<TopologyModel, Map<number, Device[]>>();

/** The devices the topology puts in one group with `d` (itself included); [] without a `pci` address. */
export function sameDerivedGroup(t: TopologyModel, d: Device): Device[] {
  let classes = classCache.get(t);
  if (!classes) {
    classes = new Map();
    t.devices.forEach((x, i) => {
      const r = t.derivation.root[i]!;
      const list = classes!.get(r);
      if (list) list.push(x);
      else classes!.set(r, [x]);
    });
    classCache.set(t, classes);
  }
  const i = t.index.get(d);
  return i === undefined ? [] : classes.get(t.derivation.root[i]!)!;
}

/** Devices in no declared group join the first declared group of their derived group. */
function placeByTopology(t: TopologyModel, groups: Group[]): void {
  const order = new Map(groups.map((g, i) => [g, i]));
  for (const d of t.devices) {
    if (d.group) continue;
    let first: Group | null = null;
    for (const x of sameDerivedGroup(t, d)) if (x.group && !x.group.implicit && (!first || order.get(x.group)! < order.get(first)!)) first = x.group;
    if (first) {
      d.group = first;
      first.members.push(d);
      first.derivedMembers.push(d);
    }
  }
}
