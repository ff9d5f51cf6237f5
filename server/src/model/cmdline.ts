// The kernel command line (`cmdline "…"`, a snapshot's /proc/cmdline), read as the kernel reads it.
//
// Splitting follows `next_arg` (kernel/params.c): arguments are separated by white space; a double
// quote toggles quoting, so `a="x y"` is one argument; quotes around the value (or the whole
// argument) are dropped; the first `=` separates name and value; `--` ends the kernel's
// parameters (the rest goes to init). Names match with `-` and `_` equal (`parameq`).
//
// Processing order follows start_kernel: every `early_param` in line order first
// (`parse_early_param`), then `__setup` handlers and built-in module parameters in line order
// (`parse_args` → `unknown_bootoption` → `obsolete_checksetup`); parameters of loadable modules
// (vfio_iommu_type1, iommufd) are handed to the module by modprobe, in line order. Each handler
// writes a kernel variable; the last write wins. The handlers read here:
//   early  iommu=                arch/x86/kernel/pci-dma.c iommu_setup (x86): every option is tested
//                                against every prefix (strncmp): off, pt, nopt, force…; unknown ones are
//                                ignored silently; forcesac/allowdac/nodac are "ignored"
//          iommu.passthrough=    drivers/iommu/iommu.c iommu_set_def_domain_type (kstrtobool)
//          iommu.strict=         iommu_dma_setup (kstrtobool)
//          iommu.forcedac=       dma-iommu.c iommu_dma_forcedac_setup
//          intremap=, nointremap drivers/iommu/irq_remapping.c setup_irqremap / setup_nointremap (x86)
//          pcie_acs_override=    the out-of-tree ACS override patch (drivers/pci/quirks.c)
//   setup  intel_iommu=          drivers/iommu/intel/iommu.c intel_iommu_setup (first matching prefix)
//          amd_iommu=            drivers/iommu/amd/init.c parse_amd_iommu_options (first matching prefix)
//          amd_iommu_intr=       parse_amd_iommu_intr (guest vAPIC mode; not interrupt remapping)
//   module vfio_iommu_type1.allow_unsafe_interrupts, iommufd.allow_unsafe_interrupts (param_set_bool:
//          no value means 1)

import { editDistance } from '../../../grammar/src/spelling';
import type { DefaultDomainType } from './types';

/** Offsets into the command line's text (the string's value), `end` exclusive. */
export interface TextRange {
  start: number;
  end: number;
}

export type ParamKind = 'early' | 'setup' | 'module';

/** One argument of the command line. */
export interface BootParam {
  /** As written (quotes removed). */
  name: string;
  /** The name with `-` written as `_` (the kernel's `parameq`). */
  key: string;
  value: string | null;
  range: TextRange;
  nameRange: TextRange;
  valueRange: TextRange | null;
  /** After `--`: an argument of init, not of the kernel. */
  afterDashes: boolean;
}

/** One option of a comma list (`intel_iommu=on,sm_on`). */
export interface BootOption {
  text: string;
  range: TextRange;
}

/** The kernel variables the command line can set (what the model reads). */
export type Variable =
  | 'default-domain' // iommu_def_domain_type with IOMMU_CMD_LINE_DMA_API: 'identity' | 'dma'
  | 'strict' // iommu_dma_strict: boolean
  | 'intel-iommu' // !dmar_disabled: boolean
  | 'no-iommu' // no_iommu (x86 iommu=off): true
  | 'amd-iommu' // !amd_iommu_disabled: false
  | 'intremap' // !disable_irq_remap: boolean
  | 'source-id' // !disable_sourceid_checking: false
  | 'irq-post' // !disable_irq_post: boolean
  | 'scalable-mode' // intel_iommu_sm: boolean
  | 'vtd-superpage' // intel_iommu_superpage: false
  | 'igfx' // disable_igfx_iommu: false
  | 'amd-pgtable' // amd_iommu_pgtable: 'v1' | 'v2'
  | 'amd-pgsizes' // amd_iommu_pgsize_bitmap: '4k' | 'v2'
  | 'vfio-unsafe' // vfio_iommu_type1 allow_unsafe_interrupts: boolean
  | 'iommufd-unsafe' // iommufd allow_unsafe_interrupts: boolean
  | 'acs-override'; // pcie_acs_override: true

/** A write of a kernel variable by one parameter (or one option of it). */
export interface Setting {
  variable: Variable;
  value: string | boolean;
  param: BootParam;
  option: BootOption | null;
  /** Where the kernel handles it: early parameters first, then the rest, each in line order. */
  kind: ParamKind;
  /** The handler that writes it (for messages). */
  handler: string;
}

export type NoteKind = 'malformed' | 'unknown-option' | 'ignored-option' | 'deprecated' | 'unknown-param' | 'after-dashes' | 'empty';

/** Something the kernel does not do with a parameter, found while reading the line. */
export interface CmdlineNote {
  kind: NoteKind;
  param: BootParam;
  option: BootOption | null;
  message: string;
  /** Better spellings (names or options), best first. */
  suggestions: string[];
  /** For `deprecated`: the parameter to write instead. */
  replacement?: string;
}

export interface KernelCommandLine {
  text: string;
  params: BootParam[];
  /** In the kernel's processing order. */
  settings: Setting[];
  notes: CmdlineNote[];
}

// ---- splitting (next_arg) -------------------------------------------------------------------

const isSpace = (c: string | undefined): boolean => c === ' ' || c === '\t' || c === '\n' || c === '\v' || c === '\f' || c === '\r';

export function splitCommandLine(text: string): BootParam[] {
  const out: BootParam[] = [];
  let i = 0;
  let afterDashes = false;
  while (i < text.length && isSpace(text[i])) i++;
  while (i < text.length) {
    const argStart = i;
    let p = i;
    let inQuote = false;
    let quoted = false;
    if (text[p] === '"') {
      p++;
      inQuote = true;
      quoted = true;
    }
    const from = p;
    let equals = -1;
    let j = from;
    for (; j < text.length; j++) {
      if (isSpace(text[j]) && !inQuote) break;
      // the kernel keeps `equals == 0` as "none": an `=` first in the argument does not separate
      if (equals < 0 && text[j] === '=' && j > from) equals = j;
      if (text[j] === '"') inQuote = !inQuote;
    }
    let nameEnd = equals < 0 ? j : equals;
    let valueRange: TextRange | null = null;
    let stripped = false;
    if (equals >= 0) {
      let vs = equals + 1;
      let ve = j;
      if (text[vs] === '"') {
        vs++;
        if (j - 1 >= vs && text[j - 1] === '"') {
          ve = j - 1;
          stripped = true;
        }
      }
      valueRange = { start: vs, end: Math.max(vs, ve) };
    }
    if (quoted && !stripped && j > from && text[j - 1] === '"') {
      if (valueRange) valueRange = { start: valueRange.start, end: Math.max(valueRange.start, j - 1) };
      else nameEnd = j - 1;
    }
    const name = text.slice(from, nameEnd);
    const value = valueRange ? text.slice(valueRange.start, valueRange.end) : null;
    if (!afterDashes && value === null && name === '--') {
      afterDashes = true;
    } else {
      out.push({
        name,
        key: name.replace(/-/g, '_'),
        value,
        range: { start: argStart, end: j },
        nameRange: { start: from, end: nameEnd },
        valueRange,
        afterDashes,
      });
    }
    i = j;
    while (i < text.length && isSpace(text[i])) i++;
  }
  return out;
}

/** The options of a comma list, as `strcspn(str, ",")` walks them (empty ones skipped). */
export function commaOptions(p: BootParam): BootOption[] {
  if (p.value === null || !p.valueRange) return [];
  const out: BootOption[] = [];
  let start = 0;
  const v = p.value;
  for (let i = 0; i <= v.length; i++) {
    if (i === v.length || v[i] === ',') {
      if (i > start) out.push({ text: v.slice(start, i), range: { start: p.valueRange.start + start, end: p.valueRange.start + i } });
      start = i + 1;
    }
  }
  return out;
}

/** kstrtobool: y/Y/1/on → true, n/N/0/off → false; anything else is -EINVAL. */
export function kstrtobool(s: string | null): boolean | null {
  if (s === null || s.length === 0) return null;
  switch (s[0]) {
    case 'y':
    case 'Y':
    case '1':
      return true;
    case 'n':
    case 'N':
    case '0':
      return false;
    case 'o':
    case 'O':
      if (s[1] === 'n' || s[1] === 'N') return true;
      if (s[1] === 'f' || s[1] === 'F') return false;
      return null;
    default:
      return null;
  }
}

// ---- the parameters the checker knows -------------------------------------------------------

export interface ParamInfo {
  /** The canonical spelling. */
  name: string;
  kind: ParamKind;
  /** Only on x86 kernels. */
  x86?: boolean;
  /** The options (or values) it takes, for completion and did-you-mean. */
  options?: readonly string[];
  /** What the kernel does with it (hover). */
  doc: string;
}

const BOOL = ['1', '0'] as const;

export const IOMMU_OPTIONS = ['off', 'pt', 'nopt', 'force', 'noforce', 'biomerge', 'panic', 'nopanic', 'merge', 'nomerge', 'soft', 'usedac', 'forcesac', 'allowdac', 'nodac', 'fullflush', 'nofullflush', 'noagp', 'noaperture', 'allowed', 'memaper'] as const;
export const INTEL_IOMMU_OPTIONS = ['on', 'off', 'igfx_off', 'forcedac', 'strict', 'sp_off', 'sm_on', 'sm_off', 'tboot_noforce'] as const;
export const AMD_IOMMU_OPTIONS = ['fullflush', 'force_enable', 'off', 'force_isolation', 'pgtbl_v1', 'pgtbl_v2', 'irtcachedis', 'nohugepages', 'v2_pgsizes_only'] as const;
export const INTREMAP_OPTIONS = ['on', 'off', 'nosid', 'no_x2apic_optout', 'nopost', 'posted_msi'] as const;

/** Every parameter the checker knows, by `key` (dashes as underscores). */
export const PARAMS: ReadonlyMap<string, ParamInfo> = new Map(
  (
    [
      { name: 'iommu', kind: 'early', x86: true, options: IOMMU_OPTIONS, doc: 'x86 `iommu_setup` (early): `pt` makes default domains identity and `nopt` translated (both count as set on the command line), `off` disables the VT-d and AMD IOMMUs (`no_iommu`); `force`, `merge`, `soft` concern the GART/swiotlb; `forcesac`, `allowdac`, `nodac` are ignored; any other option is ignored silently. Not read on Arm: write `iommu.passthrough=` there.' },
      { name: 'iommu.passthrough', kind: 'early', options: BOOL, doc: '`iommu_set_def_domain_type` (early, every architecture): 1 makes the default domains identity (DMA untranslated), 0 translated; overrides CONFIG_IOMMU_DEFAULT_PASSTHROUGH. The last of `iommu.passthrough=` and `iommu=pt`/`nopt` wins.' },
      { name: 'iommu.strict', kind: 'early', options: BOOL, doc: '`iommu_dma_setup` (early): 0 makes translated default domains DMA-FQ (lazy IOTLB invalidation through a flush queue), 1 DMA (strict). `intel_iommu=strict` and `amd_iommu=fullflush` force strict whatever it says.' },
      { name: 'iommu.forcedac', kind: 'early', options: BOOL, doc: '`iommu_dma_forcedac_setup` (early): 1 gives PCI devices IOVAs above 4 GiB from the start (no SAC attempt first).' },
      { name: 'intremap', kind: 'early', x86: true, options: INTREMAP_OPTIONS, doc: '`setup_irqremap` (early, x86): `off` disables interrupt remapping (MSIs are then not isolated: VFIO and iommufd refuse devices unless allow_unsafe_interrupts), `on` enables it again, `nosid` stops verifying source ids (the kernel still reports isolated MSIs), `nopost` disables posted interrupts.' },
      { name: 'nointremap', kind: 'early', x86: true, doc: '`setup_nointremap` (early, x86): disables interrupt remapping, like `intremap=off` (deprecated).' },
      { name: 'pcie_acs_override', kind: 'early', options: ['downstream', 'multifunction', 'id:'], doc: 'The out-of-tree ACS override patch: the kernel pretends that downstream ports (`downstream`), multifunction devices (`multifunction`) or the listed devices (`id:vvvv:dddd`) enforce ACS, so it forms smaller IOMMU groups than the hardware isolates. Peer-to-peer DMA inside the real group still bypasses the IOMMU.' },
      { name: 'intel_iommu', kind: 'setup', x86: true, options: INTEL_IOMMU_OPTIONS, doc: '`intel_iommu_setup` (__setup, after every early parameter): `on`/`off` enable or disable VT-d DMA remapping (interrupt remapping is separate: `intremap=`), `sm_on`/`sm_off` scalable mode (needed for PASID and nested translation), `igfx_off` leaves the integrated GPU untranslated, `sp_off` no superpages, `strict` (deprecated) forces strict invalidation, `forcedac` (deprecated) is `iommu.forcedac=1`. Unknown options are logged ("Unknown option") and ignored.' },
      { name: 'amd_iommu', kind: 'setup', x86: true, options: AMD_IOMMU_OPTIONS, doc: '`parse_amd_iommu_options` (__setup): `off` disables the AMD IOMMU, and with it AMD interrupt remapping; `force_isolation`, `pgtbl_v1`/`pgtbl_v2` (page-table format), `nohugepages` (4 KiB pages only), `v2_pgsizes_only`, `irtcachedis`, `force_enable`, `fullflush` (deprecated: forces strict). There is no `on`: the AMD IOMMU is on whenever the firmware has an IVRS.' },
      { name: 'amd_iommu_intr', kind: 'setup', x86: true, options: ['legacy', 'vapic'], doc: '`parse_amd_iommu_intr` (__setup): the guest interrupt mode of AMD interrupt remapping (`legacy` GA or `vapic` posted interrupts). It does not turn interrupt remapping off.' },
      { name: 'amd_iommu_dump', kind: 'setup', x86: true, doc: '`parse_amd_iommu_dump`: prints the IVRS table while booting.' },
      { name: 'ivrs_ioapic', kind: 'setup', x86: true, doc: '`parse_ivrs_ioapic`: overrides the IVRS special entry of an I/O APIC (`ivrs_ioapic=ID@SEG:BB:DD.F`).' },
      { name: 'ivrs_hpet', kind: 'setup', x86: true, doc: '`parse_ivrs_hpet`: overrides the IVRS special entry of the HPET.' },
      { name: 'ivrs_acpihid', kind: 'setup', x86: true, doc: '`parse_ivrs_acpihid`: maps an ACPI HID:UID device to a requester id.' },
      { name: 'vfio_iommu_type1.allow_unsafe_interrupts', kind: 'module', options: BOOL, doc: 'Module parameter of vfio_iommu_type1 (no value means 1): the VFIO type1 container attaches groups whose MSIs are not isolated. It does nothing for iommufd (VFIO device cdevs, or iommufd\'s VFIO container), which reads `iommufd.allow_unsafe_interrupts`.' },
      { name: 'vfio_iommu_type1.disable_hugepages', kind: 'module', options: BOOL, doc: 'Module parameter of vfio_iommu_type1: map only single pages.' },
      { name: 'vfio_iommu_type1.dma_entry_limit', kind: 'module', doc: 'Module parameter of vfio_iommu_type1: the most DMA mappings per container (default 65535).' },
      { name: 'iommufd.allow_unsafe_interrupts', kind: 'module', options: BOOL, doc: 'Module parameter of iommufd (no value means 1): iommufd binds devices whose MSIs are not isolated. It does nothing for the VFIO type1 container, which reads `vfio_iommu_type1.allow_unsafe_interrupts`.' },
      { name: 'vfio.enable_unsafe_noiommu_mode', kind: 'module', options: BOOL, doc: 'Module parameter of vfio: lets vfio-pci claim devices that have no IOMMU (no DMA isolation at all; the device taints the kernel).' },
      { name: 'vfio_pci.ids', kind: 'module', doc: 'Module parameter of vfio-pci: vendor:device ids vfio-pci binds at load.' },
      { name: 'vfio_pci.disable_vga', kind: 'module', options: BOOL, doc: 'Module parameter of vfio-pci: no VGA region access.' },
      { name: 'vfio_pci.disable_idle_d3', kind: 'module', options: BOOL, doc: 'Module parameter of vfio-pci: do not put idle devices in D3.' },
      { name: 'vfio_pci.nointxmask', kind: 'module', options: BOOL, doc: 'Module parameter of vfio-pci: do not mask INTx at the device.' },
      { name: 'vfio_pci.enable_sriov', kind: 'module', options: BOOL, doc: 'Module parameter of vfio-pci: allow enabling SR-IOV VFs of a vfio-pci PF.' },
      { name: 'vfio_pci.disable_denylist', kind: 'module', options: BOOL, doc: 'Module parameter of vfio-pci: bind devices on its deny list too.' },
      { name: 'vfio_platform.reset_required', kind: 'module', options: BOOL, doc: 'Module parameter of vfio-platform: refuse devices without a reset module.' },
      { name: 'arm_smmu_v3.disable_bypass', kind: 'module', options: BOOL, doc: 'Module parameter of older SMMUv3 drivers (later removed): abort or bypass transactions of devices without a domain.' },
      { name: 'arm_smmu.disable_bypass', kind: 'module', options: BOOL, doc: 'Module parameter of the SMMUv2 driver: abort (1, the default) or bypass transactions of devices without a domain.' },
      { name: 'arm_smmu_v3.disable_msipolling', kind: 'module', options: BOOL, doc: 'Module parameter of the SMMUv3 driver: poll CMD_SYNC completion without MSIs.' },
    ] satisfies ParamInfo[]
  ).map((p) => [p.name.replace(/-/g, '_'), p]),
);

/** Names that look like IOMMU parameters: an unknown one of these is probably a typo. */
const IOMMU_LOOKING = /iommu|intremap|vfio|dmar|smmu|acs_override|ivrs/i;

/** The known parameter a key names (the `ivrs_*` handlers match by prefix). */
export function paramInfo(key: string): ParamInfo | undefined {
  const exact = PARAMS.get(key);
  if (exact) return exact;
  for (const prefix of ['ivrs_ioapic', 'ivrs_hpet', 'ivrs_acpihid', 'amd_iommu_dump']) if (key.startsWith(prefix)) return PARAMS.get(prefix);
  return undefined;
}

// ---- reading ---------------------------------------------------------------------------------

export function readCommandLine(text: string): KernelCommandLine {
  const params = splitCommandLine(text);
  const settings: Setting[] = [];
  const notes: CmdlineNote[] = [];
  const note = (kind: NoteKind, param: BootParam, option: BootOption | null, message: string, suggestions: string[] = [], replacement?: string) =>
    notes.push({ kind, param, option, message, suggestions, ...(replacement ? { replacement } : {}) });
  const set = (variable: Variable, value: string | boolean, param: BootParam, option: BootOption | null, kind: ParamKind, handler: string) =>
    settings.push({ variable, value, param, option, kind, handler });

  for (const p of params) {
    const info = paramInfo(p.key);
    if (p.afterDashes) {
      if (info) note('after-dashes', p, null, `'${p.name}' comes after '--': the kernel hands it to init and does not read it`);
      continue;
    }
    if (!info) {
      if (IOMMU_LOOKING.test(p.key)) {
        const near = nearNames(p.key, p.value !== null);
        note('unknown-param', p, null, `the kernel has no parameter '${p.name}'`, near);
      }
      continue;
    }
    switch (info.name) {
      case 'iommu': {
        if (p.value === null) {
          note('malformed', p, null, "'iommu' needs options ('iommu=pt'); without them the kernel logs \"Malformed early option 'iommu'\"");
          break;
        }
        for (const o of commaOptions(p)) {
          const t = o.text;
          let known = false;
          const has = (w: string) => t.startsWith(w) && (known = true);
          if (has('off')) set('no-iommu', true, p, o, 'early', 'iommu_setup');
          if (has('usedac')) break; // iommu_setup returns at once: later options are not read
          if (has('forcesac') || has('allowdac') || has('nodac')) note('ignored-option', p, o, `'iommu=${t}' is ignored (the kernel logs "${t.startsWith('forcesac') ? 'forcesac' : t.startsWith('allowdac') ? 'allowdac' : 'nodac'} option ignored")`);
          if (has('pt')) set('default-domain', 'identity', p, o, 'early', 'iommu_setup');
          if (has('nopt')) set('default-domain', 'dma', p, o, 'early', 'iommu_setup');
          for (const w of IOMMU_OPTIONS) has(w);
          if (/^[0-9]/.test(t)) known = true; // GART aperture size
          if (!known) {
            const why = t === 'on' || t === '1' ? " (nothing switches the IOMMU on here: VT-d needs intel_iommu=on when the kernel is built without CONFIG_INTEL_IOMMU_DEFAULT_ON; the AMD IOMMU is on whenever the firmware has an IVRS)" : '';
            note('unknown-option', p, o, `'iommu=' has no option '${t}': iommu_setup ignores it silently${why}`, why ? [] : nearWords(t, IOMMU_OPTIONS));
          }
        }
        break;
      }
      case 'iommu.passthrough':
      case 'iommu.strict':
      case 'iommu.forcedac': {
        const b = kstrtobool(p.value);
        if (b === null) {
          note('malformed', p, null, `'${p.name}' takes 0 or 1, not ${p.value === null ? 'nothing' : `'${p.value}'`}: the kernel logs "Malformed early option '${p.name}'" and ignores it`, p.value === null ? [] : ['1', '0']);
          break;
        }
        if (info.name === 'iommu.passthrough') set('default-domain', b ? 'identity' : 'dma', p, null, 'early', 'iommu_set_def_domain_type');
        else if (info.name === 'iommu.strict') set('strict', b, p, null, 'early', 'iommu_dma_setup');
        break;
      }
      case 'intremap': {
        if (p.value === null) {
          note('malformed', p, null, "'intremap' needs an option ('intremap=off'): the kernel logs \"Malformed early option 'intremap'\"");
          break;
        }
        for (const o of commaOptions(p)) {
          const t = o.text;
          if (t.startsWith('on')) {
            set('intremap', true, p, o, 'early', 'setup_irqremap');
            set('irq-post', true, p, o, 'early', 'setup_irqremap');
          } else if (t.startsWith('off')) {
            set('intremap', false, p, o, 'early', 'setup_irqremap');
            set('irq-post', false, p, o, 'early', 'setup_irqremap');
          } else if (t.startsWith('nosid')) set('source-id', false, p, o, 'early', 'setup_irqremap');
          else if (t.startsWith('no_x2apic_optout')) {
            /* x2APIC opt-out of the firmware ignored: nothing the model reads */
          } else if (t.startsWith('nopost')) set('irq-post', false, p, o, 'early', 'setup_irqremap');
          else if (t.startsWith('posted_msi')) {
            /* posted MSIs (CONFIG_X86_POSTED_MSI) */
          } else note('unknown-option', p, o, `'intremap=' has no option '${t}': setup_irqremap ignores it silently`, nearWords(t, INTREMAP_OPTIONS));
        }
        break;
      }
      case 'nointremap':
        set('intremap', false, p, null, 'early', 'setup_nointremap');
        note('deprecated', p, null, "'nointremap' is deprecated: it still disables interrupt remapping; write 'intremap=off'", [], 'intremap=off');
        break;
      case 'pcie_acs_override':
        if (p.value === null || p.value === '') {
          note('empty', p, null, "'pcie_acs_override' without options overrides nothing");
          break;
        }
        set('acs-override', p.value, p, null, 'early', 'pcie_acs_override');
        break;
      case 'intel_iommu': {
        if (p.value === null) {
          note('malformed', p, null, "'intel_iommu' without '=' matches no handler (the __setup is 'intel_iommu='): the kernel passes it to init", ['intel_iommu=on']);
          break;
        }
        if (p.value === '') note('empty', p, null, "'intel_iommu=' without options changes nothing");
        for (const o of commaOptions(p)) {
          const t = o.text;
          const s = (v: Variable, value: string | boolean) => set(v, value, p, o, 'setup', 'intel_iommu_setup');
          if (t.startsWith('on')) s('intel-iommu', true);
          else if (t.startsWith('off')) s('intel-iommu', false);
          else if (t.startsWith('igfx_off')) s('igfx', false);
          else if (t.startsWith('forcedac')) note('deprecated', p, o, "'intel_iommu=forcedac' is deprecated (the kernel logs \"intel_iommu=forcedac deprecated; use iommu.forcedac instead\"); it still sets iommu.forcedac", [], 'iommu.forcedac=1');
          else if (t.startsWith('strict')) {
            s('strict', true);
            note('deprecated', p, o, "'intel_iommu=strict' is deprecated (the kernel logs \"intel_iommu=strict deprecated; use iommu.strict=1 instead\"); it still forces strict invalidation (iommu_set_dma_strict)", [], 'iommu.strict=1');
          } else if (t.startsWith('sp_off')) s('vtd-superpage', false);
          else if (t.startsWith('sm_on')) s('scalable-mode', true);
          else if (t.startsWith('sm_off')) s('scalable-mode', false);
          else if (t.startsWith('tboot_noforce')) {
            /* tboot: not modelled */
          } else note('unknown-option', p, o, `'intel_iommu=' has no option '${t}': the kernel logs "Unknown option - '${t}'" and ignores it`, nearWords(t, INTEL_IOMMU_OPTIONS));
        }
        break;
      }
      case 'amd_iommu': {
        if (p.value === null) {
          note('malformed', p, null, "'amd_iommu' without '=' matches no handler (the __setup is 'amd_iommu='): the kernel passes it to init");
          break;
        }
        if (p.value === '') note('empty', p, null, "'amd_iommu=' without options changes nothing");
        for (const o of commaOptions(p)) {
          const t = o.text;
          const s = (v: Variable, value: string | boolean) => set(v, value, p, o, 'setup', 'parse_amd_iommu_options');
          if (t.startsWith('fullflush')) {
            s('strict', true);
            note('deprecated', p, o, "'amd_iommu=fullflush' is deprecated (the kernel logs \"amd_iommu=fullflush deprecated; use iommu.strict=1 instead\"); it still forces strict invalidation (iommu_set_dma_strict)", [], 'iommu.strict=1');
          } else if (t.startsWith('force_enable')) {
            /* enables the IOMMU on Stoney Ridge graphics: not modelled */
          } else if (t.startsWith('off')) s('amd-iommu', false);
          else if (t.startsWith('force_isolation')) {
            /* every device in its own domain: not modelled */
          } else if (t.startsWith('pgtbl_v1')) s('amd-pgtable', 'v1');
          else if (t.startsWith('pgtbl_v2')) s('amd-pgtable', 'v2');
          else if (t.startsWith('irtcachedis')) {
            /* IRT cache disabled: not modelled */
          } else if (t.startsWith('nohugepages')) s('amd-pgsizes', '4k');
          else if (t.startsWith('v2_pgsizes_only')) s('amd-pgsizes', 'v2');
          else {
            const why = t === 'on' ? " (the AMD IOMMU is on whenever the firmware has an IVRS; there is nothing to switch on)" : '';
            note('unknown-option', p, o, `'amd_iommu=' has no option '${t}': the kernel logs "Unknown option - '${t}'" and ignores it${why}`, t === 'on' ? [] : nearWords(t, AMD_IOMMU_OPTIONS));
          }
        }
        break;
      }
      case 'vfio_iommu_type1.allow_unsafe_interrupts':
      case 'iommufd.allow_unsafe_interrupts': {
        // param_set_bool: no value means "1"
        const b = p.value === null ? true : kstrtobool(p.value);
        if (b === null) {
          note('malformed', p, null, `'${p.name}' takes 0 or 1, not '${p.value}': the module refuses the value ("invalid for parameter") and keeps its default (0)`, ['1', '0']);
          break;
        }
        set(info.name.startsWith('iommufd') ? 'iommufd-unsafe' : 'vfio-unsafe', b, p, null, 'module', `${info.name.split('.')[0]} module parameter`);
        break;
      }
      default:
        break;
    }
  }
  // early parameters first, then the rest, each in line order (a stable sort keeps line order)
  const rank = (k: ParamKind) => (k === 'early' ? 0 : 1);
  settings.sort((a, b) => rank(a.kind) - rank(b.kind));
  return { text, params, settings, notes };
}

/** Known parameter names near an unknown one (compared with `-` as `_`). */
function nearNames(key: string, hasValue: boolean): string[] {
  const names = [...PARAMS.values()].map((p) => p.name);
  const near = nearWords(key, names);
  // `intel_iommu.on` / `intel_iommu_on`: the name of a parameter followed by an option
  if (near.length === 0 && !hasValue)
    for (const n of names) if (key.startsWith(n) && key.length > n.length + 1 && /[._]/.test(key[n.length]!)) return [`${n}=${key.slice(n.length + 1)}`];
  return near;
}

/** Suggestions already computed (a hostile line repeats the same typo many times). */
const nearCache = new Map<string, string[]>();

function nearWords(word: string, candidates: readonly string[]): string[] {
  const key = `${word}\0${candidates.length}\0${candidates[0] ?? ''}`;
  const hit = nearCache.get(key);
  if (hit) return hit;
  const out = nearWordsUncached(word, candidates);
  if (nearCache.size > 4096) nearCache.clear();
  nearCache.set(key, out);
  return out;
}

function nearWordsUncached(word: string, candidates: readonly string[]): string[] {
  const w = word.toLowerCase().replace(/-/g, '_');
  const scored: { c: string; d: number }[] = [];
  const limit = Math.min(4, Math.max(1, Math.floor(w.length / 3)));
  for (const c of candidates) {
    const n = c.toLowerCase().replace(/-/g, '_');
    if (Math.abs(w.length - n.length) > limit || c === word) continue; // no closer than the length difference
    const d = editDistance(w, n);
    if (d <= limit) scored.push({ c, d });
  }
  return scored.sort((a, b) => a.d - b.d || (a.c < b.c ? -1 : 1)).slice(0, 2).map((s) => s.c);
}

// ---- what the kernel ends up with ------------------------------------------------------------

/** The last write of a variable, or null. */
export function finalSetting(cl: KernelCommandLine, variable: Variable): Setting | null {
  for (let i = cl.settings.length - 1; i >= 0; i--) if (cl.settings[i]!.variable === variable) return cl.settings[i]!;
  return null;
}

/** The platform a configuration describes: the x86 parameters only act on x86. */
export type Platform = 'x86' | 'other';

export interface CmdlineEffects {
  /**
   * The default domain type the command line gives (iommu_subsys_init): identity when
   * passthrough wins, else DMA-FQ when iommu.strict=0 is in force, else DMA; null when the line
   * sets neither (the configuration's own defaults stay).
   */
  defaultDomain: { type: DefaultDomainType; by: Setting[] } | null;
  /** VT-d DMA remapping disabled (intel_iommu=off, or x86 iommu=off). */
  vtdOff: Setting | null;
  /** AMD IOMMU disabled (amd_iommu=off, or x86 iommu=off). */
  amdOff: Setting | null;
  /** AMD interrupt remapping disabled with the AMD IOMMU (amd_iommu=off: it never reaches IOMMU_ACPI_FINISHED). */
  amdIrOff: Setting | null;
  /** Interrupt remapping disabled (intremap=off, nointremap). */
  intremapOff: Setting | null;
  /** Scalable mode (intel_iommu=sm_on / sm_off); null: the kernel's default. */
  scalableMode: Setting | null;
  /** VT-d superpages disabled (intel_iommu=sp_off). */
  vtdNoSuperpage: Setting | null;
  /** AMD page sizes restricted (amd_iommu=nohugepages: '4k', v2_pgsizes_only: 'v2'). */
  amdPgsizes: Setting | null;
  /** allow_unsafe_interrupts of the VFIO type1 container and of iommufd (last writes). */
  vfioUnsafe: Setting | null;
  iommufdUnsafe: Setting | null;
  /** pcie_acs_override. */
  acsOverride: Setting | null;
}

export function cmdlineEffects(cl: KernelCommandLine, platform: Platform): CmdlineEffects {
  const x86 = platform === 'x86';
  const last = (v: Variable) => finalSetting(cl, v);
  const lastX86 = (v: Variable) => {
    const s = last(v);
    return s && (!x86 && paramInfo(s.param.key)?.x86) ? lastNonX86(cl, v) : s;
  };
  const dd = lastX86('default-domain');
  const strict = lastX86('strict');
  let defaultDomain: CmdlineEffects['defaultDomain'] = null;
  if (dd?.value === 'identity') defaultDomain = { type: 'identity', by: [dd] };
  else if (strict) defaultDomain = { type: strict.value === false ? 'dma-fq' : 'dma', by: dd ? [dd, strict] : [strict] };
  else if (dd) defaultDomain = { type: 'dma', by: [dd] };
  const noIommu = x86 ? last('no-iommu') : null;
  const intel = x86 ? last('intel-iommu') : null;
  const amd = x86 ? last('amd-iommu') : null;
  const ir = x86 ? last('intremap') : null;
  const falseOf = (s: Setting | null) => (s && s.value === false ? s : null);
  return {
    defaultDomain,
    vtdOff: noIommu ?? falseOf(intel),
    amdOff: noIommu ?? amd,
    amdIrOff: amd,
    intremapOff: falseOf(ir),
    scalableMode: x86 ? last('scalable-mode') : null,
    vtdNoSuperpage: x86 ? last('vtd-superpage') : null,
    amdPgsizes: x86 ? last('amd-pgsizes') : null,
    vfioUnsafe: last('vfio-unsafe'),
    iommufdUnsafe: last('iommufd-unsafe'),
    acsOverride: last('acs-override'),
  };
}

/** The last write of a variable by a parameter every architecture reads. */
function lastNonX86(cl: KernelCommandLine, variable: Variable): Setting | null {
  for (let i = cl.settings.length - 1; i >= 0; i--) {
    const s = cl.settings[i]!;
    if (s.variable === variable && !paramInfo(s.param.key)?.x86) return s;
  }
  return null;
}

/** How a setting reads in messages: `iommu=pt`, `intel_iommu=on,sm_on` → `sm_on` of `intel_iommu=`. */
export function settingText(s: Setting): string {
  return s.option ? `${s.param.name}=${s.option.text}` : s.param.value === null ? s.param.name : `${s.param.name}=${s.param.value}`;
}

/** The text of a parameter as written. */
export function paramText(p: BootParam): string {
  return p.value === null ? p.name : `${p.name}=${p.value}`;
}

/**
 * The file offset of each character of a string literal's value, and one past its end: the
 * literal's text starts with its quote, and `\"`, `\\` stand for one character (grammar's
 * `stringValue`).
 */
export function valueOffsets(literal: string, literalStart: number): number[] {
  const out: number[] = [];
  let i = 1;
  while (i < literal.length) {
    const c = literal[i]!;
    if (c === '"') break;
    if (c === '\\' && i + 1 < literal.length) {
      const n = literal[i + 1]!;
      if (n === '"' || n === '\\') {
        out.push(literalStart + i);
        i += 2;
        continue;
      }
      out.push(literalStart + i, literalStart + i + 1);
      i += 2;
      continue;
    }
    out.push(literalStart + i);
    i++;
  }
  out.push(literalStart + i);
  return out;
}
