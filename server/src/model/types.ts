// The semantic model of one configuration: every declaration of a root file and the files it
// includes, references resolved, defaults of the language applied. Addresses are `bigint`,
// intervals inclusive.

import type * as ast from '../../../grammar/src/ast';
import type { LineIndex } from '../../../grammar/src/lines';
import type { Interval } from './intervals';
import type { KernelVersion } from './kernel';
import type { AcsFlagName, Derivation, PortKind } from './topology';
import type { CmdlineEffects, KernelCommandLine, Platform, Setting, TextRange } from './cmdline';

export type Backend = 'iommufd' | 'vfio-type1' | 'dma-api';
export type RegionType = 'direct' | 'direct-relaxable' | 'reserved' | 'msi' | 'sw-msi';
export type DomainType = 'paging' | 'dma' | 'dma-fq' | 'identity' | 'blocked' | 'nested';
export type DefaultDomainType = 'dma' | 'dma-fq' | 'identity';
export type IommuModel = 'smmuv3' | 'smmuv2' | 'vtd' | 'amd-vi' | 'virtio-iommu' | 'dart' | 'generic';
export type IrqchipModel = 'gicv3-its' | 'gicv2m' | 'x86-remap' | 'x86-compat' | 'generic';
export type Stage1Mode = 'translate' | 'bypass' | 'abort';
export type Severity = 'error' | 'warning' | 'information';

export const BACKENDS: readonly Backend[] = ['iommufd', 'vfio-type1', 'dma-api'];
export const REGION_TYPES: readonly RegionType[] = ['direct', 'direct-relaxable', 'reserved', 'msi', 'sw-msi'];
export const DOMAIN_TYPES: readonly DomainType[] = ['paging', 'dma', 'dma-fq', 'identity', 'blocked', 'nested'];
export const DEFAULT_DOMAIN_TYPES: readonly DefaultDomainType[] = ['dma', 'dma-fq', 'identity'];
export const IOMMU_MODELS: readonly IommuModel[] = ['smmuv3', 'smmuv2', 'vtd', 'amd-vi', 'virtio-iommu', 'dart', 'generic'];
export const IRQCHIP_MODELS: readonly IrqchipModel[] = ['gicv3-its', 'gicv2m', 'x86-remap', 'x86-compat', 'generic'];
export const STAGE1_MODES: readonly Stage1Mode[] = ['translate', 'bypass', 'abort'];
export const PASID_TABLE_FORMATS = ['smmuv3', 'vtd'] as const;
export const PERMISSIONS = ['r', 'w', 'rw'] as const;
/** Drivers that do not block a user claim of the group (driver_managed_dma, or none). */
export const NEUTRAL_DRIVERS = ['vfio-pci', 'vfio-platform', 'pci-stub', 'pcieport', 'none'] as const;
export const PAGE_SIZES = [4096n, 16384n, 65536n] as const;

/** A parsed source file. `path` is absolute. */
export interface SourceFile {
  path: string;
  text: string;
  lines: LineIndex;
  ast: ast.FileAst;
  syntaxErrors: ast.SyntaxError[];
}

/** A place in a source file. */
export interface Loc {
  file: SourceFile;
  span: ast.Span;
}

export interface Related {
  loc: Loc;
  message: string;
}

export interface Diagnostic {
  code: string;
  severity: Severity;
  loc: Loc;
  message: string;
  related: Related[];
  /** Facts the check found for its quick fixes (checks/fixes.ts); JSON-safe, addresses as hex strings. */
  data?: DiagnosticData;
}

export type DataValue = string | number | boolean | null | readonly DataValue[] | { readonly [key: string]: DataValue };
export type DiagnosticData = { readonly [key: string]: DataValue };

export type SymbolKind = 'iommu' | 'irqchip' | 'device' | 'group' | 'domain';

/** A declared object, as seen by name lookup. */
export interface SymbolBase {
  kind: SymbolKind;
  name: string;
  /** The declaration's name. */
  nameLoc: Loc;
  /** The whole declaration. */
  declLoc: Loc;
  /** A syntax error lies inside the declaration, or a reference in it is unresolved: checks stay silent about it. */
  broken: boolean;
}

/** A reserved region: the device's own, or its IOMMU's (`sw-msi`, `msi-window`, `reserved`). */
export interface Region extends Interval {
  type: RegionType;
  /** Where it is declared; for a default window, the IOMMU's name. */
  loc: Loc;
  /** `true` for a window the IOMMU model gives by default. */
  byDefault: boolean;
  /** The IOMMU it comes from, when not the device's own. */
  fromIommu?: Iommu;
}

export interface Iommu extends SymbolBase {
  kind: 'iommu';
  decl: ast.IommuDecl;
  model: IommuModel | null;
  ias: number;
  oas: number;
  pgsizes: bigint[];
  /** Smallest of `pgsizes`: the alignment unit of its domains. */
  minPage: bigint;
  nesting: boolean;
  swMsi: Region | null;
  msiWindow: Region | null;
  reserved: Region[];
  defaultDomain: DefaultDomainType;
  /** `default-domain` is written (it then wins over the command line). */
  defaultDomainDeclared: boolean;
  /** The command-line parameter that disables it (intel_iommu=off, amd_iommu=off, iommu=off): no translation, no groups. */
  disabledBy: Setting | null;
  /** The command-line parameter that takes its nesting away (intel_iommu=sm_off: no scalable mode). */
  nestingOffBy: Setting | null;
  /** The command-line parameter that turns VT-d scalable mode off (intel_iommu=sm_off): no PASID support. */
  scalableModeOffBy: Setting | null;
}

export interface Irqchip extends SymbolBase {
  kind: 'irqchip';
  decl: ast.IrqchipDecl;
  model: IrqchipModel | null;
  base: bigint | null;
  doorbell: bigint | null;
  isolated: boolean;
  /** x86 doorbells sit in the hardware MSI window and are never translated. */
  untranslated: boolean;
  /** The command-line parameter that turns its interrupt remapping off (intremap=off, amd_iommu=off). */
  remappingOffBy: Setting | null;
}

export interface MsiTarget {
  irqchip: Irqchip | null;
  at: bigint | null;
  vectors: bigint | null;
  prop: ast.MsiProp;
  loc: Loc;
}

export interface Device extends SymbolBase {
  kind: 'device';
  decl: ast.DeviceDecl;
  /** Declaration order across the configuration (files in include order). */
  index: number;
  pci: ast.Pci | null;
  iommu: Iommu | null;
  msi: MsiTarget | null;
  driver: string;
  /** `true` for vfio-pci, vfio-platform, pci-stub, pcieport, none. */
  neutralDriver: boolean;
  ownRegions: Region[];
  /** The per-device `sw-msi` property (replaces the IOMMU's window). */
  swMsiProp: Region | null;
  swMsiPropAst: ast.WindowProp | null;
  pasidBits: number | null;
  /** Its place in the PCI topology (`port`, `behind`, `acs`, `conventional`). */
  topology: DeviceTopology;
  group: Group;
}

export interface DeviceTopology {
  port: PortKind | null;
  /** The bridge it sits behind (`behind NAME`), when declared and a device. */
  behind: Device | null;
  behindProp: ast.BehindProp | null;
  /** ACS flags it enforces; null without `acs` (no ACS capability). */
  acs: ReadonlySet<AcsFlagName> | null;
  conventional: boolean;
  /** The physical function it is an SR-IOV virtual function of (`physfn NAME`). */
  physfn: Device | null;
  physfnProp: ast.PhysfnProp | null;
  /** Quirk DMA aliases (`dma-alias PCI…`). */
  dmaAliases: ast.Pci[];
  /** Any topology property is written. */
  declared: boolean;
}

/** Groups derived from the PCI topology (model/topology.ts), when the configuration models it. */
export interface TopologyModel {
  /** The devices in the derivation's order (every device with a `pci` address). */
  devices: Device[];
  derivation: Derivation;
  /** Index of each device in `devices`. */
  index: Map<Device, number>;
}

export interface Group extends SymbolBase {
  kind: 'group';
  decl: ast.GroupDecl | null;
  members: Device[];
  /** A group made for devices named in no group: a singleton, or their group derived from the PCI topology. */
  implicit: boolean;
  /** The declared default domain type (`group NAME : TYPE`), when given. */
  declaredType: DomainType | null;
  /** Members not named in its declaration, placed in it by the PCI topology. */
  derivedMembers: Device[];
  /** The group's default domain (its IOMMU's `default-domain`, no maps). */
  defaultDomain: Domain;
  /**
   * The blocking domain the group's RID sits in when, under iommufd, it is bound and attached
   * only by PASID (DMA ownership puts the RID in the blocking domain until a RID attach).
   */
  blockedDomain: Domain;
  /** The first (source order) attachment without PASID that names the group or a member. */
  ridAttach: AttachEntry | null;
  /** The first attachment for each PASID (decimal string key). */
  pasidAttaches: Map<string, AttachEntry>;
}

export type Perm = { read: boolean; write: boolean };

export type MapOrigin = 'map' | 'sw-msi' | 'msi-bind' | 'rmr' | 'direct';

/** One mapping of a domain, explicit or implicit. */
export interface Mapping {
  input: Interval;
  output: bigint;
  perm: Perm;
  origin: MapOrigin;
  /** Where it comes from: the `map`, the `rmr`, the `msi-bind`, the device's `msi` or region. */
  loc: Loc;
  stmt?: ast.MapStmt;
  /** For a map whose target is an irqchip (its doorbell page), or a doorbell slot. */
  irqchip?: Irqchip;
  /** A short description for hover and messages. */
  describe: string;
}

export interface AttachEntry {
  domain: Domain;
  stmt: ast.AttachStmt;
  loc: Loc;
  /** The device or group named. */
  target: Device | Group | null;
  /** The devices it brings (a group: all its members; a device: its whole group). */
  group: Group | null;
  /** For a PASID attachment: the device named and the PASID. */
  pasid: bigint | null;
  /** The backend or the targeted kernel has no such attachment (`unsupported-feature`): it takes no part in the model. */
  unsupported?: boolean;
}

export interface Domain extends SymbolBase {
  kind: 'domain';
  decl: ast.DomainDecl | null;
  type: DomainType | null;
  /** Declared `iommu`, else derived (see language.md §8). */
  iommu: Iommu | null;
  iommuRef: ast.IommuRefProp | null;
  nestParent: boolean;
  parent: Domain | null;
  parentStmt: ast.ParentStmt | null;
  stage1: Stage1Mode;
  attaches: AttachEntry[];
  /** The explicit `map`s, in source order. */
  maps: Mapping[];
  rmrs: { range: Interval; stmt: ast.RmrStmt; loc: Loc }[];
  msiBinds: { giova: Interval; gpa: bigint; stmt: ast.MsiBindStmt; loc: Loc }[];
  pasidTable: { range: Interval; format: string | null; stmt: ast.PasidTableStmt; loc: Loc } | null;
  /** The vIOMMU the guest of this VM domain sees (`viommu MODEL [ias BITS]`), when declared. */
  viommu: Viommu | null;
  /** Group default domain made by the model (not declared). */
  implicit: boolean;
  /** For an implicit default (or RID blocking) domain: its group. */
  defaultOf?: Group;
}

/** A VM's vIOMMU: its model and the input address width it offers the guest (QEMU `aw-bits`). */
export interface Viommu {
  model: IommuModel | null;
  /** The width written, else the model's default (vtd 48, others 64 for virtio-iommu, 44 for smmuv3). */
  ias: number;
  /** `ias` was written. */
  iasGiven: boolean;
  stmt: ast.ViommuStmt;
  loc: Loc;
}

export interface Expectation {
  stmt: ast.ExpectStmt;
  loc: Loc;
  device: Device;
  pasid: bigint | null;
  access: 'read' | 'write' | null;
  address: bigint;
  result: { kind: 'address'; value: bigint } | { kind: 'irqchip'; irqchip: Irqchip } | { kind: 'fault' };
}

export type Symbol = Iommu | Irqchip | Device | Group | Domain;

/** A use of a name, for go-to-definition, references and rename. */
export interface Reference {
  loc: Loc;
  name: string;
  target: Symbol | null;
}

export interface Configuration {
  /** The root file first, then included files in include order. */
  files: SourceFile[];
  root: SourceFile;
  backend: Backend;
  pageSize: bigint;
  /** The targeted kernel (`kernel X.Y`, else the baseline). */
  kernel: KernelVersion;
  /** The `kernel` statement's version, when given. */
  kernelLoc: Loc | null;
  allowUnsafeInterrupts: boolean;
  /** The `allow-unsafe-interrupts` statement, and the command-line parameter that allows them for this backend. */
  allowUnsafeBy: { statement: Loc | null; param: Setting | null };
  iommus: Iommu[];
  irqchips: Irqchip[];
  devices: Device[];
  /** The kernel command line (`cmdline "…"`), as written. */
  cmdline: string | null;
  /** The command line as the kernel reads it, and what it sets. */
  commandLine: CommandLine | null;
  /** The PCI topology's derivation, when any device declares `port`, `behind`, `acs` or `conventional`. */
  topology: TopologyModel | null;
  /** Declared groups, then implicit groups (singletons, or derived from the topology). */
  groups: Group[];
  /** Declared domains (implicit default domains live on their groups). */
  domains: Domain[];
  expectations: Expectation[];
  symbols: Map<string, Symbol>;
  references: Reference[];
  /** Diagnostics found while building (syntax, names, values, includes). */
  diagnostics: Diagnostic[];
  /** Which file includes which (path → included paths). */
  includes: Map<string, string[]>;
}

/** The `cmdline` statement read as the kernel reads it (model/cmdline.ts). */
export interface CommandLine {
  parsed: KernelCommandLine;
  effects: CmdlineEffects;
  platform: Platform;
  /** The string literal. */
  loc: Loc;
  /** The file offset of each character of the value, and one past its end. */
  offsets: number[];
}

/** Where a range of the command line's value is in the file. */
export function cmdlineLoc(c: CommandLine, r: TextRange): Loc {
  const at = (i: number) => c.offsets[Math.max(0, Math.min(i, c.offsets.length - 1))]!;
  return { file: c.loc.file, span: { start: at(r.start), end: at(r.end) } };
}
