// fast-check generators of `.iommu` text:
//  - `tokenSoup`: random sequences of the language's tokens and of stray characters;
//  - `configuration`: well-formed configurations over every statement kind of language.md (as a
//    structure, so that a reference model can read it), printed by `print` with random layout:
//    separators, line endings (\n, \r\n, \r), comments between tokens, number spellings;
//  - `byteMutation`: byte-level edits of a corpus text, decoded as UTF-8 or Latin-1.

import fc from 'fast-check';
import type { CorpusEntry } from './corpus';

// ---- numbers ----------------------------------------------------------------------------

/** A number literal: its value and how it is spelled. */
export interface N {
  v: bigint;
  t: string;
}

const groups = (digits: string, n: number): string => {
  const out: string[] = [];
  for (let i = digits.length; i > 0; i -= n) out.unshift(digits.slice(Math.max(0, i - n), i));
  return out.join('_');
};

/** The spellings of a value: decimal, hex (with or without `_`, either case), binary, size suffix. */
export function spellings(v: bigint): string[] {
  const hex = v.toString(16);
  const out = [v.toString(), `0x${hex}`, `0x${groups(hex, 4)}`, `0x${hex.toUpperCase()}`];
  if (v < 1024n) out.push(`0b${v.toString(2)}`);
  const suffixes: [string, bigint][] = [['K', 10n], ['M', 20n], ['G', 30n], ['T', 40n], ['P', 50n]];
  for (const [s, shift] of suffixes) {
    const unit = 1n << shift;
    if (v !== 0n && v % unit === 0n) {
      out.push(`${v / unit}${s}`);
      out.push(`0x${(v / unit).toString(16)}${s}`);
    }
  }
  return out;
}

export const num = (value: fc.Arbitrary<bigint>): fc.Arbitrary<N> => value.chain((v) => fc.constantFrom(...spellings(v)).map((t) => ({ v, t })));
const PAGE = 0x1000n;

/** Addresses where things meet: low pages, the default SW_MSI window, doorbells, the tops of apertures. */
export const address: fc.Arbitrary<bigint> = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: 0, max: 31 }).map((i) => BigInt(i) * PAGE) },
  { weight: 2, arbitrary: fc.integer({ min: 0, max: 3 }).map((i) => 0x800_0000n + BigInt(i) * PAGE) },
  { weight: 1, arbitrary: fc.constantFrom(0x0809_0000n, 0x0802_0000n, 0xfee0_0000n, 0xffff_f000n, 0x4000_0000n) },
  { weight: 1, arbitrary: fc.constantFrom((1n << 36n) - PAGE, (1n << 44n) - PAGE, (1n << 48n) - PAGE, (1n << 48n), (1n << 64n) - PAGE) },
);
export const size: fc.Arbitrary<bigint> = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: 1, max: 8 }).map((i) => BigInt(i) * PAGE) },
  { weight: 1, arbitrary: fc.constantFrom(0x10_0000n, 0x200_000n, 0x4000_0000n, 0x800n) },
);

// ---- configurations ---------------------------------------------------------------------

export interface Range {
  start: N;
  size?: N;
  last?: N;
}
export interface Region {
  range: Range;
  type: string;
}
export interface GIommu {
  name: string;
  model: string;
  ias?: N;
  oas?: N;
  pgsizes?: N[];
  nesting?: 'nesting' | 'no-nesting';
  swMsi?: Range | 'none';
  msiWindow?: Range | 'none';
  reserved: Region[];
  defaultDomain?: string;
}
export interface GIrqchip {
  name: string;
  model: string;
  base?: N;
  doorbell?: N;
  isolated?: 'isolated' | 'not-isolated';
}
export interface GDevice {
  name: string;
  /** PCI topology: the bridge kind this device is, the bridge it sits behind, its ACS flags… */
  port?: string;
  behind?: string;
  acs?: string[];
  conventional?: boolean;
  /** …the physical function it is a virtual function of, the requester IDs its DMA also carries. */
  physfn?: string;
  dmaAlias?: string[];
  pci?: string;
  iommu?: string;
  msi?: { chip: string; at?: N; vectors?: N; atFirst: boolean };
  driver?: string;
  reserved: Region[];
  swMsi?: Range;
  pasid?: N;
}
export interface GGroup {
  name: string;
  /** The default domain type after `:`. */
  type?: string;
  members: string[];
}
export interface GMap {
  range: Range;
  target: { addr: N } | { chip: string };
  perm?: 'r' | 'w' | 'rw';
  /** `map A size S -> T` instead of `map A -> T size S`. */
  sizeFirst: boolean;
}
export type GDomainStmt =
  | { kind: 'iommu'; ref: string }
  | { kind: 'nest-parent' }
  | { kind: 'parent'; ref: string }
  | { kind: 'stage1'; mode: string }
  | { kind: 'attach'; ref: string; pasid?: N }
  | ({ kind: 'map' } & GMap)
  | { kind: 'rmr'; range: Range }
  | { kind: 'msi-bind'; giova: N; gpa: N; size: N; sizeFirst: boolean }
  | { kind: 'pasid-table'; range: Range; format: string }
  | { kind: 'viommu'; model: string; ias?: N };
export interface GDomain {
  name: string;
  type: string;
  stmts: GDomainStmt[];
}
export interface GExpect {
  device: string;
  pasid?: N;
  access?: 'read' | 'write';
  addr: N;
  result: { addr: N } | { chip: string } | 'fault';
}
export interface GConfig {
  backend?: string;
  pageSize?: string;
  kernel?: string;
  cmdline?: string;
  allowUnsafe: boolean;
  includes: string[];
  iommus: GIommu[];
  irqchips: GIrqchip[];
  devices: GDevice[];
  groups: GGroup[];
  domains: GDomain[];
  expects: GExpect[];
}

export const IOMMU_MODELS = ['smmuv3', 'smmuv2', 'vtd', 'amd-vi', 'virtio-iommu', 'dart', 'generic'];
export const IRQCHIP_MODELS = ['gicv3-its', 'gicv2m', 'x86-remap', 'x86-compat', 'generic'];
export const DOMAIN_TYPES = ['paging', 'dma', 'dma-fq', 'identity', 'blocked', 'nested'];
export const REGION_TYPES = ['direct', 'direct-relaxable', 'reserved', 'msi', 'sw-msi'];
export const DRIVERS = ['vfio-pci', 'vfio-platform', 'pci-stub', 'pcieport', 'none', 'nvme', 'snd_hda_intel'];
export const PORT_KINDS = ['root', 'upstream', 'downstream', 'pcie-to-pci', 'pci-to-pcie'];
export const ACS_FLAGS = ['sv', 'tb', 'rr', 'cr', 'uf', 'ec', 'dt'];
export const GROUP_TYPES = ['identity', 'dma', 'dma-fq', 'blocked'];
export const KERNELS = ['5.15', '6.1', '6.2', '6.6', '6.7', '6.8', '6.12', '6.15', '6.17', '6.17.3'];
/** Kernel command-line parameters the model reads, and some it does not. */
export const CMDLINE_PARAMS = [
  'quiet', 'iommu=pt', 'iommu=nopt', 'iommu.passthrough=1', 'iommu.passthrough=0', 'iommu.strict=0', 'iommu.strict=1', 'intremap=off',
  'intremap=on', 'intel_iommu=on', 'intel_iommu=off', 'intel_iommu=on,sm_on', 'intel_iommu=sm_off', 'amd_iommu=off', 'amd_iommu=force_isolation',
  'vfio_iommu_type1.allow_unsafe_interrupts=1', 'iommufd.allow_unsafe_interrupts=1', 'pcie_acs_override=downstream,multifunction', 'iommu=off',
  'console=ttyS0,115200', 'root=/dev/nvme0n1p2', 'iommu.forcedac=1',
];

const NAMES = {
  iommu: ['smmu0', 'vtd1'],
  irqchip: ['its0', 'v2m', 'ir0'],
  device: ['nic', 'gpu', 'map', 'ssd'],
  group: ['g0', 'g1'],
  domain: ['vm', 's2', 'guest', 'blk'],
};

export interface ConfigOptions {
  /** Only values inside their domains and references to declared objects of the right kind. */
  valid: boolean;
  /** Leave out statements whose meaning the reference resolver does not model. */
  forResolver?: boolean;
}

/** A kernel command line: parameters the model reads and others, now and then quoted or odd. */
const cmdline = (valid: boolean): fc.Arbitrary<string> =>
  fc
    .array(valid ? fc.constantFrom(...CMDLINE_PARAMS) : fc.oneof({ weight: 6, arbitrary: fc.constantFrom(...CMDLINE_PARAMS) }, { weight: 1, arbitrary: fc.constantFrom('iommu=', '=', 'intel_iommu=bogus', 'a\\"b', 'x=\u00e9', '\t') }), { maxLength: 5 })
    .map((ps) => ps.join(' '));

const range = (a: fc.Arbitrary<bigint> = address, s: fc.Arbitrary<bigint> = size): fc.Arbitrary<Range> =>
  fc.tuple(a, s, fc.boolean()).chain(([start, sz, bySize]): fc.Arbitrary<Range> => {
    const last = start + sz - 1n;
    if (bySize || last >= 1n << 64n) return fc.tuple(num(fc.constant(start)), num(fc.constant(sz))).map(([st, si]) => ({ start: st, size: si }));
    return fc.tuple(num(fc.constant(start)), num(fc.constant(last))).map(([st, l]) => ({ start: st, last: l }));
  });

/** A value outside its domain, now and then, when the configuration need not be valid. */
const sometimesWrong = <T>(good: fc.Arbitrary<T>, bad: fc.Arbitrary<T>, valid: boolean): fc.Arbitrary<T> =>
  valid ? good : fc.oneof({ weight: 5, arbitrary: good }, { weight: 1, arbitrary: bad });

export function configuration(opts: ConfigOptions): fc.Arbitrary<GConfig> {
  const { valid } = opts;
  const forResolver = opts.forResolver ?? false;
  const counts = fc.record({
    iommus: fc.integer({ min: 1, max: 2 }),
    irqchips: fc.integer({ min: valid ? 1 : 0, max: 3 }),
    devices: fc.integer({ min: 1, max: 4 }),
    groups: fc.integer({ min: 0, max: 2 }),
    domains: fc.integer({ min: 0, max: 4 }),
  });
  return counts.chain((n) => {
    const names = {
      iommu: NAMES.iommu.slice(0, n.iommus),
      irqchip: NAMES.irqchip.slice(0, n.irqchips),
      device: NAMES.device.slice(0, n.devices),
      group: NAMES.group.slice(0, n.groups),
      domain: NAMES.domain.slice(0, n.domains),
    };
    const all = Object.values(NAMES).flat();
    const ref = (kind: keyof typeof names): fc.Arbitrary<string> =>
      names[kind].length === 0 ? fc.constantFrom(...all) : sometimesWrong(fc.constantFrom(...names[kind]), fc.constantFrom(...all, 'nowhere'), valid);
    const regionType = forResolver ? fc.constantFrom('direct', 'direct-relaxable', 'reserved') : fc.constantFrom(...REGION_TYPES);
    const region = fc.record({ range: range(), type: regionType });

    const iommu = (name: string): fc.Arbitrary<GIommu> =>
      fc.record(
        {
          name: fc.constant(name),
          model: sometimesWrong(fc.constantFrom(...IOMMU_MODELS), fc.constant('mmu500'), valid),
          ias: num(sometimesWrong(fc.constantFrom(32n, 36n, 40n, 44n, 48n, 64n), fc.constantFrom(0n, 65n), valid)),
          oas: num(sometimesWrong(fc.constantFrom(32n, 44n, 48n, 64n), fc.constant(99n), valid)),
          pgsizes: fc.array(num(sometimesWrong(fc.constantFrom(0x1000n, 0x4000n, 0x10000n, 0x20_0000n, 0x4000_0000n), fc.constant(0x3000n), valid)), { minLength: 1, maxLength: 3 }),
          nesting: fc.constantFrom('nesting' as const, 'no-nesting' as const),
          swMsi: fc.oneof(fc.constant('none' as const), range(fc.constantFrom(0x800_0000n, 0x1000n, 0x4000n), fc.constantFrom(PAGE, 2n * PAGE, 0x10_0000n))),
          msiWindow: fc.oneof(fc.constant('none' as const), range(fc.constantFrom(0xfee0_0000n, 0x2000n), fc.constantFrom(PAGE, 0x10_0000n))),
          reserved: fc.array(region, { maxLength: 2 }),
          defaultDomain: fc.constantFrom('dma', 'dma-fq', 'identity'),
        },
        { requiredKeys: ['name', 'model', 'reserved'] },
      );
    const irqchip = (name: string): fc.Arbitrary<GIrqchip> =>
      fc.record(
        {
          name: fc.constant(name),
          model: sometimesWrong(fc.constantFrom(...IRQCHIP_MODELS), fc.constant('apic'), valid),
          base: num(fc.constantFrom(0x0808_0000n, 0x0802_0000n, 0x3000n, 0xfee0_0000n, 0x800_0000n)),
          doorbell: num(fc.constantFrom(0x0809_0040n, 0x0802_0040n, 0x3040n, 0xfee0_0000n, 0x2040n)),
          isolated: fc.constantFrom('isolated' as const, 'not-isolated' as const),
        },
        { requiredKeys: ['name', 'model'] },
      );
    /** A device declared before device `i` (a bridge or physical function it can name without a cycle). */
    const earlier = (i: number): fc.Arbitrary<string> =>
      i === 0 ? (valid ? fc.constant('') : fc.constantFrom(...names.device, 'nowhere')) : sometimesWrong(fc.constantFrom(...names.device.slice(0, i)), fc.constantFrom(...names.device, 'nowhere'), valid);
    const device = (name: string, i: number): fc.Arbitrary<GDevice> =>
      fc.record(
        {
          name: fc.constant(name),
          port: sometimesWrong(fc.constantFrom(...PORT_KINDS), fc.constant('switch'), valid),
          behind: earlier(i),
          acs: fc.uniqueArray(fc.constantFrom(...ACS_FLAGS), { maxLength: 5 }),
          conventional: fc.boolean(),
          physfn: earlier(i),
          dmaAlias: fc.array(fc.constantFrom(`0${i + 1}:00.7`, '00:1e.0', '0000:0a:1f.3'), { minLength: 1, maxLength: 2 }),
          pci: fc.constantFrom(`0000:0${i + 1}:00.0`, `0${i + 1}:00.1`, `1:${i}:1f.7`),
          iommu: ref('iommu'),
          msi: fc.record(
            {
              chip: ref('irqchip'),
              at: num(fc.constantFrom(0x800_0040n, 0x0809_0040n, 0x3040n)),
              vectors: num(fc.constantFrom(1n, 4n, 32n)),
              atFirst: fc.boolean(),
            },
            { requiredKeys: ['chip', 'atFirst'] },
          ),
          driver: fc.constantFrom(...DRIVERS),
          reserved: fc.array(region, { maxLength: 2 }),
          swMsi: range(fc.constantFrom(0x800_0000n, 0x1000_0000n, 0x1000n), fc.constantFrom(0x10_0000n, PAGE)),
          pasid: num(sometimesWrong(fc.constantFrom(1n, 5n, 20n), fc.constant(21n), valid)),
        },
        { requiredKeys: ['name', 'reserved'] },
      ).map((d) => {
        const out = n.iommus > 1 && valid && !d.iommu ? { ...d, iommu: names.iommu[0]! } : { ...d };
        // group formation from the PCI topology is not the reference resolver's business
        if (forResolver) for (const k of ['port', 'behind', 'acs', 'conventional', 'physfn', 'dmaAlias'] as const) delete out[k];
        if (out.behind === '') delete out.behind;
        if (out.physfn === '') delete out.physfn;
        return out;
      });
    const group = (name: string): fc.Arbitrary<GGroup> =>
      fc.record(
        {
          name: fc.constant(name),
          type: sometimesWrong(fc.constantFrom(...GROUP_TYPES), fc.constantFrom('paging', 'nested'), valid),
          members: fc.uniqueArray(ref('device'), { minLength: valid ? 1 : 0, maxLength: 3 }),
        },
        { requiredKeys: ['name', 'members'] },
        // a group's own default domain type changes what its devices resolve through: not for the resolver
      ).map((g) => (forResolver ? { name: g.name, members: g.members } : g));
    const stmt = (type: string): fc.Arbitrary<GDomainStmt> => {
      const anyType = !valid;
      const options: fc.Arbitrary<GDomainStmt>[] = [
        fc.record({ kind: fc.constant('attach' as const), ref: valid && names.group.length === 0 ? ref('device') : fc.oneof(ref('device'), ref('group')) }),
        fc.record({ kind: fc.constant('attach' as const), ref: ref('device'), pasid: num(fc.constantFrom(1n, 2n, 7n)) }),
      ];
      if (anyType || type !== 'identity' && type !== 'blocked') {
        options.push(
          fc.record({
            kind: fc.constant('map' as const),
            range: range(),
            target: fc.oneof({ weight: 4, arbitrary: fc.record({ addr: num(address) }) }, { weight: 1, arbitrary: fc.record({ chip: ref('irqchip') }) }),
            perm: fc.constantFrom('r' as const, 'w' as const, 'rw' as const, undefined),
            sizeFirst: fc.boolean(),
          }).map((m) => {
            if (m.perm === undefined) delete (m as { perm?: string }).perm;
            return m;
          }),
        );
      }
      if (anyType || type === 'paging') options.push(fc.constant({ kind: 'nest-parent' as const }));
      if (anyType || type === 'nested') {
        options.push(
          fc.record({ kind: fc.constant('stage1' as const), mode: fc.constantFrom('translate', 'bypass', 'abort') }),
          fc.record({ kind: fc.constant('rmr' as const), range: range() }),
          fc.record({ kind: fc.constant('msi-bind' as const), giova: num(address), gpa: num(address), size: num(fc.constantFrom(PAGE, 2n * PAGE)), sizeFirst: fc.boolean() }),
        );
        if (!forResolver) options.push(fc.record({ kind: fc.constant('pasid-table' as const), range: range(), format: fc.constantFrom('smmuv3', 'vtd') }));
      }
      if (!forResolver || valid) options.push(fc.record({ kind: fc.constant('iommu' as const), ref: ref('iommu') }));
      // the vIOMMU a guest sees (its width is a check's business, not resolution's)
      if (!forResolver)
        options.push(
          fc.record(
            { kind: fc.constant('viommu' as const), model: sometimesWrong(fc.constantFrom('vtd', 'amd-vi', 'smmuv3', 'virtio-iommu'), fc.constant('dart'), valid), ias: num(fc.constantFrom(39n, 48n, 57n, 64n)) },
            { requiredKeys: ['kind', 'model'] },
          ),
        );
      return fc.oneof(...options);
    };
    const domain = (name: string): fc.Arbitrary<GDomain> =>
      sometimesWrong(fc.constantFrom(...DOMAIN_TYPES), fc.constant('unmanaged'), valid).chain((type) =>
        fc
          .tuple(fc.array(stmt(type), { maxLength: 6 }), type === 'nested' ? ref('domain') : fc.constant(null))
          .map(([stmts, parent]) => {
            // at most one of each single-valued statement when valid
            let s = stmts;
            if (valid) {
              const seen = new Set<string>();
              s = stmts.filter((x) => {
                if (x.kind === 'attach' || x.kind === 'map' || x.kind === 'rmr') return true;
                if (seen.has(x.kind)) return false;
                seen.add(x.kind);
                return true;
              });
            }
            return { name, type, stmts: parent !== null ? [{ kind: 'parent' as const, ref: parent }, ...s] : s };
          }),
      );
    const expectation: fc.Arbitrary<GExpect> = fc.record(
      {
        device: ref('device'),
        pasid: num(fc.constantFrom(1n, 2n)),
        access: fc.constantFrom('read' as const, 'write' as const),
        addr: num(address),
        result: fc.oneof(fc.record({ addr: num(address) }), fc.record({ chip: ref('irqchip') }), fc.constant('fault' as const)),
      },
      { requiredKeys: ['device', 'addr', 'result'] },
    );
    return fc.record({
      backend: fc.constantFrom('iommufd', 'vfio-type1', 'dma-api', undefined),
      pageSize: fc.constantFrom('4K', '16K', '64K', undefined),
      // the kernel version and command line change defaults and gates: not for the resolver
      kernel: forResolver ? fc.constant(undefined) : fc.option(sometimesWrong(fc.constantFrom(...KERNELS), fc.constantFrom('2.6', '6.99', '7'), valid), { nil: undefined }),
      cmdline: forResolver ? fc.constant(undefined) : fc.option(cmdline(valid), { nil: undefined }),
      allowUnsafe: fc.boolean(),
      includes: forResolver
        ? fc.constant([])
        : valid
          ? fc.array(fc.constant('lib.iommu'), { maxLength: 1 })
          : fc.array(fc.constantFrom('lib.iommu', 'missing.iommu', '../outside.iommu', 'main.iommu', 'sub dir/"q".iommu'), { maxLength: 2 }),
      iommus: fc.tuple(...names.iommu.map(iommu)),
      irqchips: names.irqchip.length ? fc.tuple(...names.irqchip.map(irqchip)) : fc.constant([]),
      devices: fc.tuple(...names.device.map(device)),
      groups: names.group.length ? fc.tuple(...names.group.map(group)) : fc.constant([]),
      domains: names.domain.length ? fc.tuple(...names.domain.map(domain)) : fc.constant([]),
      expects: fc.array(expectation, { maxLength: 3 }),
    }).map((c) => {
      const out = { ...c } as GConfig;
      if (c.backend === undefined) delete out.backend;
      if (c.pageSize === undefined) delete out.pageSize;
      if (c.kernel === undefined) delete out.kernel;
      if (c.cmdline === undefined) delete out.cmdline;
      if (valid) {
        // a device is listed in at most one group
        const listed = new Set<string>();
        out.groups = (c.groups as GGroup[]).map((g: GGroup) => ({ ...g, members: g.members.filter((m) => !listed.has(m) && (listed.add(m), true)) }));
      }
      return out;
    });
  });
}

// ---- printing ---------------------------------------------------------------------------

/**
 * Separators between the tokens of one statement (`H`), and before a statement (`L`): whitespace
 * of every kind and comments. (The parser reads a keyword at the start of a later line as a new
 * statement when recovering from errors, so line breaks go between statements.)
 */
export const SEPARATORS_H = [' ', ' ', ' ', '  ', '\t', ' /* c */ ', '/**/', '\u00a0', '\f'];
export const SEPARATORS_L = [' ', '\n', '\n', '\r\n', '\r', '\n\n', '\n\t', ' /* c */ ', '/*\r\n*/', ' // note\n', '\n# hash\r\n', '\r\n\r\n  '];

export interface Layout {
  /** Indices into the separators, used in turn. */
  seps: number[];
}

export const layout: fc.Arbitrary<Layout> = fc.record({ seps: fc.array(fc.nat({ max: 999 }), { minLength: 1, maxLength: 40 }) });

/** Marks a token that starts a statement inside a block. */
const STMT = '\u0001';

const rangeTokens = (r: Range): string[] => (r.size ? [r.start.t, 'size', r.size.t] : [r.start.t, '..', r.last!.t]);

/** The tokens of each top-level statement of a configuration. */
export function statements(c: GConfig): string[][] {
  const out: string[][] = [];
  if (c.backend) out.push(['backend', c.backend]);
  if (c.pageSize) out.push(['page-size', c.pageSize]);
  if (c.kernel) out.push(['kernel', c.kernel]);
  if (c.cmdline !== undefined) out.push(['cmdline', `"${c.cmdline.replace(/[\\"]/g, '\\$&')}"`]);
  if (c.allowUnsafe) out.push(['allow-unsafe-interrupts']);
  for (const p of c.includes) out.push(['include', `"${p.replace(/[\\"]/g, '\\$&')}"`]);
  for (const i of c.iommus) {
    const b = ['iommu', i.name, '{', STMT + 'model', i.model];
    if (i.ias) b.push(STMT + 'ias', i.ias.t);
    if (i.oas) b.push(STMT + 'oas', i.oas.t);
    if (i.pgsizes) b.push(STMT + 'pgsizes', ...i.pgsizes.map((p) => p.t));
    if (i.nesting) b.push(STMT + i.nesting);
    if (i.swMsi) b.push(STMT + 'sw-msi', ...(i.swMsi === 'none' ? ['none'] : rangeTokens(i.swMsi)));
    if (i.msiWindow) b.push(STMT + 'msi-window', ...(i.msiWindow === 'none' ? ['none'] : rangeTokens(i.msiWindow)));
    for (const r of i.reserved) b.push(STMT + 'reserved', ...rangeTokens(r.range), r.type);
    if (i.defaultDomain) b.push(STMT + 'default-domain', i.defaultDomain);
    out.push([...b, STMT + '}']);
  }
  for (const q of c.irqchips) {
    const b = ['irqchip', q.name, '{', STMT + 'model', q.model];
    if (q.base) b.push(STMT + 'base', q.base.t);
    if (q.doorbell) b.push(STMT + 'doorbell', q.doorbell.t);
    if (q.isolated) b.push(STMT + q.isolated);
    out.push([...b, STMT + '}']);
  }
  for (const d of c.devices) {
    const b = ['device', d.name, '{'];
    if (d.pci) b.push(STMT + 'pci', d.pci);
    if (d.port) b.push(STMT + 'port', d.port);
    if (d.behind) b.push(STMT + 'behind', d.behind);
    if (d.acs && d.acs.length > 0) b.push(STMT + 'acs', ...d.acs);
    if (d.conventional) b.push(STMT + 'conventional');
    if (d.physfn) b.push(STMT + 'physfn', d.physfn);
    if (d.dmaAlias) b.push(STMT + 'dma-alias', ...d.dmaAlias);
    if (d.iommu) b.push(STMT + 'iommu', d.iommu);
    if (d.msi) {
      const at = d.msi.at ? ['at', d.msi.at.t] : [];
      const vec = d.msi.vectors ? ['vectors', d.msi.vectors.t] : [];
      b.push(STMT + 'msi', d.msi.chip, ...(d.msi.atFirst ? [...at, ...vec] : [...vec, ...at]));
    }
    if (d.driver) b.push(STMT + 'driver', d.driver);
    for (const r of d.reserved) b.push(STMT + 'reserved', ...rangeTokens(r.range), r.type);
    if (d.swMsi) b.push(STMT + 'sw-msi', ...rangeTokens(d.swMsi));
    if (d.pasid) b.push(STMT + 'pasid', d.pasid.t);
    out.push([...b, STMT + '}']);
  }
  for (const g of c.groups) out.push(['group', g.name, ...(g.type ? [':', g.type] : []), '{', ...g.members.map((m) => STMT + m), STMT + '}']);
  for (const d of c.domains) {
    const b = ['domain', d.name, ':', d.type, '{'];
    for (const s of d.stmts) {
      switch (s.kind) {
        case 'iommu':
        case 'parent':
          b.push(STMT + s.kind, s.ref);
          break;
        case 'nest-parent':
          b.push(STMT + 'nest-parent');
          break;
        case 'stage1':
          b.push(STMT + 'stage1', s.mode);
          break;
        case 'attach':
          b.push(STMT + 'attach', s.ref, ...(s.pasid ? ['pasid', s.pasid.t] : []));
          break;
        case 'map': {
          const target = 'addr' in s.target ? s.target.addr.t : s.target.chip;
          const perm = s.perm ? [s.perm] : [];
          if (s.range.size && !s.sizeFirst) b.push(STMT + 'map', s.range.start.t, '->', target, 'size', s.range.size.t, ...perm);
          else b.push(STMT + 'map', ...rangeTokens(s.range), '->', target, ...perm);
          break;
        }
        case 'rmr':
          b.push(STMT + 'rmr', ...rangeTokens(s.range));
          break;
        case 'msi-bind':
          if (s.sizeFirst) b.push(STMT + 'msi-bind', s.giova.t, 'size', s.size.t, '->', s.gpa.t);
          else b.push(STMT + 'msi-bind', s.giova.t, '->', s.gpa.t, 'size', s.size.t);
          break;
        case 'pasid-table':
          b.push(STMT + 'pasid-table', ...rangeTokens(s.range), 'format', s.format);
          break;
        case 'viommu':
          b.push(STMT + 'viommu', s.model, ...(s.ias ? ['ias', s.ias.t] : []));
          break;
      }
    }
    out.push([...b, '}']);
  }
  for (const e of c.expects) {
    const b = ['expect', e.device];
    if (e.pasid) b.push('pasid', e.pasid.t);
    if (e.access) b.push(e.access);
    b.push(e.addr.t);
    if (e.result === 'fault') b.push('fault');
    else b.push('->', 'addr' in e.result ? e.result.addr.t : e.result.chip);
    out.push(b);
  }
  return out;
}

/** The configuration as text, laid out by `l`. */
export function print(c: GConfig, l: Layout = { seps: [0] }): string {
  let k = 0;
  const sep = (from: readonly string[]) => from[l.seps[k++ % l.seps.length]! % from.length]!;
  const tok = (t: string, i: number) => {
    if (i === 0) return t;
    return t.startsWith(STMT) ? sep(SEPARATORS_L) + t.slice(1) : sep(SEPARATORS_H) + t;
  };
  return statements(c).map((toks) => toks.map(tok).join('')).join(sep(SEPARATORS_L).includes('\n') ? '\n' : '\r\n') + '\n';
}

// ---- token soup -------------------------------------------------------------------------

export const SOUP_PIECES = [
  'backend', 'page-size', 'kernel', 'cmdline', 'allow-unsafe-interrupts', 'include', 'iommu', 'irqchip', 'device', 'group', 'domain', 'expect',
  'model', 'ias', 'oas', 'pgsizes', 'nesting', 'no-nesting', 'sw-msi', 'msi-window', 'reserved', 'default-domain',
  'base', 'doorbell', 'isolated', 'not-isolated', 'pci', 'msi', 'driver', 'pasid', 'nest-parent', 'parent', 'stage1',
  'attach', 'map', 'rmr', 'msi-bind', 'pasid-table', 'port', 'behind', 'acs', 'conventional', 'physfn', 'dma-alias', 'root', 'downstream',
  'pcie-to-pci', 'sv', 'rr', 'cr', 'uf', '6.8', '5.15', '6.17.1', '"iommu=pt intremap=off"', '"intel_iommu=on,sm_on"', '"pcie_acs_override=downstream"', 'viommu', 'size', 'at', 'vectors', 'none', 'read', 'write', 'fault', 'format',
  'paging', 'nested', 'dma', 'identity', 'blocked', 'smmuv3', 'vtd', 'gicv3-its', 'x86-remap', 'vfio-pci', 'direct', 'msi',
  'nic', 'its0', 's2', 'x', '_', 'a.b-c', '{', '}', ':', '->', '..', '-', '.', '"', '"lib.iommu"', '"a\\"b"', '"\\', '0', '1',
  '0x', '0x1000', '0x8_000_000', '4K', '1M', '0b101', '18446744073709551616', '0xffff_ffff_ffff_ffff', '4k', '0x1G0', '01:00.0',
  '0000:01:00.7', 'ff:1f.f', '//', '// iommu-check: ignore map-overlap', '// iommu-check: ignore-file unused-object', '#', '/*', '*/',
  '/* x */', '\u0000', '\u001b[31m', '\u00e9', '😀', '\ufeff', '\u2028', '\ud800',
];
const SOUP_SEPARATORS = ['', ' ', ' ', ' ', '\n', '\r\n', '\r', '\t'];

export const tokenSoup: fc.Arbitrary<string> = fc
  .array(fc.tuple(fc.constantFrom(...SOUP_PIECES), fc.constantFrom(...SOUP_SEPARATORS)), { maxLength: 60 })
  .map((ts) => ts.map(([t, s]) => t + s).join(''));

// ---- byte-level mutations ---------------------------------------------------------------

export type ByteEdit =
  | { op: 'flip'; at: number; bit: number }
  | { op: 'set'; at: number; byte: number }
  | { op: 'delete'; at: number; n: number }
  | { op: 'insert'; at: number; bytes: number[] }
  | { op: 'duplicate'; at: number; n: number; to: number }
  | { op: 'truncate'; at: number };

export const byteEdit: fc.Arbitrary<ByteEdit> = fc.oneof(
  fc.record({ op: fc.constant('flip' as const), at: fc.nat(), bit: fc.nat({ max: 7 }) }),
  fc.record({ op: fc.constant('set' as const), at: fc.nat(), byte: fc.oneof(fc.nat({ max: 255 }), fc.constantFrom(0x0a, 0x0d, 0x22, 0x7b, 0x7d, 0x2f, 0x2a, 0x00, 0xff, 0xc3, 0x1b)) }),
  fc.record({ op: fc.constant('delete' as const), at: fc.nat(), n: fc.integer({ min: 1, max: 16 }) }),
  fc.record({ op: fc.constant('insert' as const), at: fc.nat(), bytes: fc.array(fc.nat({ max: 255 }), { minLength: 1, maxLength: 8 }) }),
  fc.record({ op: fc.constant('duplicate' as const), at: fc.nat(), n: fc.integer({ min: 1, max: 64 }), to: fc.nat() }),
  fc.record({ op: fc.constant('truncate' as const), at: fc.nat() }),
);

export function applyEdits(text: string, edits: ByteEdit[]): Buffer {
  let b = Buffer.from(text, 'utf8');
  for (const e of edits) {
    const at = b.length === 0 ? 0 : e.at % (b.length + 1);
    switch (e.op) {
      case 'flip':
        if (at < b.length) b[at] = b[at]! ^ (1 << e.bit);
        break;
      case 'set':
        if (at < b.length) b[at] = e.byte;
        break;
      case 'delete':
        b = Buffer.concat([b.subarray(0, at), b.subarray(at + e.n)]);
        break;
      case 'insert':
        b = Buffer.concat([b.subarray(0, at), Buffer.from(e.bytes), b.subarray(at)]);
        break;
      case 'duplicate': {
        const chunk = Buffer.from(b.subarray(at, at + e.n));
        const to = e.to % (b.length + 1);
        b = Buffer.concat([b.subarray(0, to), chunk, b.subarray(to)]);
        break;
      }
      case 'truncate':
        b = b.subarray(0, at);
        break;
    }
  }
  return b;
}

/** A corpus text after a few byte edits, decoded as the engine reads files (UTF-8) or as Latin-1. */
export const byteMutation = (corpus: readonly CorpusEntry[]): fc.Arbitrary<{ name: string; text: string }> =>
  fc
    .record({ entry: fc.constantFrom(...corpus), edits: fc.array(byteEdit, { minLength: 1, maxLength: 6 }), latin1: fc.boolean() })
    .map(({ entry, edits, latin1 }) => ({ name: entry.name, text: applyEdits(entry.text, edits).toString(latin1 ? 'latin1' : 'utf8') }));
