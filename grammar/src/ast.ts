// The syntax tree of a `.iommu` file.
//
// Every node carries a `span`: character offsets into the file text, `start` inclusive and
// `end` exclusive. Positions in lines and columns are derived from spans by `LineIndex`.
// The parser never throws: parts it could not read are absent (`undefined`) and a
// `SyntaxError` says why; later layers skip what is missing instead of guessing.

export interface Span {
  start: number;
  end: number;
}

/** A name: a declaration's name or a reference to one. Keywords may be names. */
export interface Name {
  span: Span;
  text: string;
}

/**
 * A number literal. `value` is the exact unsigned value, or `null` when it is 2^64 or more
 * (reported as `bad-number` by the checks). `text` is the source spelling.
 */
export interface Num {
  span: Span;
  text: string;
  value: bigint | null;
}

/** A string literal; `value` has the escapes (`\"`, `\\`) resolved. */
export interface Str {
  span: Span;
  text: string;
  value: string;
}

/** A PCI address `SSSS:BB:DD.F` (segment optional, defaulting to 0). */
export interface Pci {
  span: Span;
  text: string;
  segment: number;
  bus: number;
  device: number;
  fn: number;
}

/**
 * An address range: `A size S` or `A..L` (L inclusive). Exactly one of `size` / `last` is set
 * when the range parsed whole. For `map A -> T size S` the size is written after the target;
 * `span` then covers only `A` (the size has its own span).
 */
export interface AddrRange {
  span: Span;
  start: Num;
  size?: Num;
  last?: Num;
}

export interface Comment {
  span: Span;
  /** The full comment text including its delimiters. */
  text: string;
  kind: 'line' | 'block';
}

export interface SyntaxError {
  span: Span;
  message: string;
}

interface StmtBase {
  /** The whole statement, keyword to last token. */
  span: Span;
  /** The leading keyword. */
  keyword: Span;
}

interface BlockBase extends StmtBase {
  name?: Name;
  /** From `{` to `}` inclusive; absent when the block could not be read. */
  body?: Span;
}

// ---- top level -------------------------------------------------------------------------

export interface BackendStmt extends StmtBase {
  kind: 'backend';
  value?: Name;
}
export interface PageSizeStmt extends StmtBase {
  kind: 'page-size';
  value?: Num;
}
/** `kernel X.Y`: the spelling of the version (validated by the model). */
export interface KernelStmt extends StmtBase {
  kind: 'kernel';
  value?: Name;
}
export interface AllowUnsafeStmt extends StmtBase {
  kind: 'allow-unsafe-interrupts';
}
/** `cmdline "…"`: the kernel command line. */
export interface CmdlineStmt extends StmtBase {
  kind: 'cmdline';
  value?: Str;
}
export interface IncludeStmt extends StmtBase {
  kind: 'include';
  path?: Str;
}
export interface IommuDecl extends BlockBase {
  kind: 'iommu';
  props: IommuProp[];
}
export interface IrqchipDecl extends BlockBase {
  kind: 'irqchip';
  props: IrqchipProp[];
}
export interface DeviceDecl extends BlockBase {
  kind: 'device';
  props: DeviceProp[];
}
export interface GroupDecl extends BlockBase {
  kind: 'group';
  /** The default domain type after `:` (`identity`, `dma`, `dma-fq`, `blocked`), when given. */
  type?: Name;
  members: Name[];
}
export interface DomainDecl extends BlockBase {
  kind: 'domain';
  /** The type after `:` (`paging`, `dma`, …), validated by the checks. */
  type?: Name;
  stmts: DomainStmt[];
}

export type ExpectResult =
  | { kind: 'address'; span: Span; value: Num }
  | { kind: 'irqchip'; span: Span; ref: Name }
  | { kind: 'fault'; span: Span };

export interface ExpectStmt extends StmtBase {
  kind: 'expect';
  device?: Name;
  pasid?: Num;
  /** `read` or `write`, when given. */
  access?: Name;
  address?: Num;
  result?: ExpectResult;
}

export type TopStatement =
  | BackendStmt
  | PageSizeStmt
  | KernelStmt
  | AllowUnsafeStmt
  | CmdlineStmt
  | IncludeStmt
  | IommuDecl
  | IrqchipDecl
  | DeviceDecl
  | GroupDecl
  | DomainDecl
  | ExpectStmt;

export type Decl = IommuDecl | IrqchipDecl | DeviceDecl | GroupDecl | DomainDecl;

// ---- properties shared by several blocks ------------------------------------------------

/** `model M` (iommu, irqchip). */
export interface ModelProp extends StmtBase {
  kind: 'model';
  value?: Name;
}
/** `reserved RANGE TYPE` (iommu, device). */
export interface ReservedProp extends StmtBase {
  kind: 'reserved';
  range?: AddrRange;
  type?: Name;
}
/** `sw-msi RANGE` / `sw-msi none` (iommu; device without `none`). `msi-window` likewise. */
export interface WindowProp extends StmtBase {
  kind: 'sw-msi' | 'msi-window';
  range?: AddrRange;
  /** Set for `… none`. */
  none?: Span;
}
/** `iommu NAME` (device, domain). */
export interface IommuRefProp extends StmtBase {
  kind: 'iommu';
  ref?: Name;
}

// ---- iommu ------------------------------------------------------------------------------

export interface WidthProp extends StmtBase {
  kind: 'ias' | 'oas';
  value?: Num;
}
export interface PgsizesProp extends StmtBase {
  kind: 'pgsizes';
  values: Num[];
}
export interface FlagProp extends StmtBase {
  kind: 'nesting' | 'no-nesting' | 'isolated' | 'not-isolated' | 'nest-parent';
}
export interface DefaultDomainProp extends StmtBase {
  kind: 'default-domain';
  value?: Name;
}

export type IommuProp =
  | ModelProp
  | WidthProp
  | PgsizesProp
  | FlagProp
  | WindowProp
  | ReservedProp
  | DefaultDomainProp;

// ---- irqchip ----------------------------------------------------------------------------

export interface AddressProp extends StmtBase {
  kind: 'base' | 'doorbell';
  value?: Num;
}
export type IrqchipProp = ModelProp | AddressProp | FlagProp;

// ---- device -----------------------------------------------------------------------------

export interface PciProp extends StmtBase {
  kind: 'pci';
  value?: Pci;
}
export interface MsiProp extends StmtBase {
  kind: 'msi';
  ref?: Name;
  at?: Num;
  vectors?: Num;
}
export interface DriverProp extends StmtBase {
  kind: 'driver';
  value?: Name;
}
export interface PasidBitsProp extends StmtBase {
  kind: 'pasid';
  value?: Num;
}
/** `port root|upstream|downstream|pcie-to-pci|pci-to-pcie`: the device is a PCI bridge of that kind. */
export interface PortProp extends StmtBase {
  kind: 'port';
  value?: Name;
}
/** `behind NAME`: the bridge whose secondary bus the device sits on. */
export interface BehindProp extends StmtBase {
  kind: 'behind';
  ref?: Name;
}
/** `acs FLAG…`: the ACS flags the function enforces (sv tb rr cr uf ec dt). */
export interface AcsProp extends StmtBase {
  kind: 'acs';
  flags: Name[];
}
/** `conventional`: a conventional PCI/PCI-X function, without a PCI Express capability. */
export interface ConventionalProp extends StmtBase {
  kind: 'conventional';
}
/** `physfn NAME`: the device is an SR-IOV virtual function of the physical function NAME. */
export interface PhysfnProp extends StmtBase {
  kind: 'physfn';
  ref?: Name;
}
/** `dma-alias PCI…`: requester IDs the device's DMA also carries (the kernel's dma_alias_mask, quirks). */
export interface DmaAliasProp extends StmtBase {
  kind: 'dma-alias';
  values: Pci[];
}
export type DeviceProp =
  | PortProp
  | PhysfnProp
  | DmaAliasProp
  | BehindProp
  | AcsProp
  | ConventionalProp
  | PciProp
  | IommuRefProp
  | MsiProp
  | DriverProp
  | ReservedProp
  | WindowProp
  | PasidBitsProp;

// ---- domain -----------------------------------------------------------------------------

export interface ParentStmt extends StmtBase {
  kind: 'parent';
  ref?: Name;
}
export interface Stage1Stmt extends StmtBase {
  kind: 'stage1';
  /** `translate`, `bypass` or `abort`. */
  value?: Name;
}
export interface AttachStmt extends StmtBase {
  kind: 'attach';
  ref?: Name;
  pasid?: Num;
}
export type MapTarget = { kind: 'address'; value: Num } | { kind: 'irqchip'; ref: Name };
/**
 * A map. Plain maps (three well-formed numbers) are PlainMap objects (plainMap.ts): the same
 * fields, each node made when first read; like every node here, never assigned to.
 */
export interface MapStmt extends StmtBase {
  kind: 'map';
  input?: AddrRange;
  target?: MapTarget;
  /** `r`, `w` or `rw` when written. */
  perm?: Name;
}
export interface RmrStmt extends StmtBase {
  kind: 'rmr';
  range?: AddrRange;
}
/** `msi-bind GIOVA -> GPA size S` (the size may also follow GIOVA). */
export interface MsiBindStmt extends StmtBase {
  kind: 'msi-bind';
  giova?: AddrRange;
  gpa?: Num;
}
export interface PasidTableStmt extends StmtBase {
  kind: 'pasid-table';
  range?: AddrRange;
  format?: Name;
}

/** `viommu MODEL [ias BITS]`: the vIOMMU a VM's guest sees, and its input address width (`aw-bits`). */
export interface ViommuStmt extends StmtBase {
  kind: 'viommu';
  model?: Name;
  ias?: Num;
}

export type DomainStmt =
  | ViommuStmt
  | IommuRefProp
  | FlagProp
  | ParentStmt
  | Stage1Stmt
  | AttachStmt
  | MapStmt
  | RmrStmt
  | MsiBindStmt
  | PasidTableStmt;

// ---- file -------------------------------------------------------------------------------

export interface FileAst {
  statements: TopStatement[];
  comments: Comment[];
}

export interface ParseResult {
  ast: FileAst;
  errors: SyntaxError[];
}
