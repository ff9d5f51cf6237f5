// What the kernel command line does to the model: it is read once (model/cmdline.ts) and then
// sets what the kernel would on the declared IOMMUs, irqchips and groups.
//
// Decisions where the language is silent (docs/language.md "The kernel command line"):
// - A group's declared type (`group NAME : TYPE`) wins over everything, then the IOMMU's written
//   `default-domain`, then the command line, then `dma`. Without a strictness parameter the
//   checker assumes CONFIG_IOMMU_DEFAULT_DMA_STRICT (the language's `dma` default).
// - The x86 parameters (iommu=, intremap=, intel_iommu=, amd_iommu=) act only on a configuration
//   with a `vtd` or `amd-vi` IOMMU or an `x86-*` irqchip.
// - A disabled IOMMU translates nothing and forms no groups: its devices' DMA is untranslated
//   (an identity default domain in the model) and nothing can be attached to them.

import type * as ast from '../../../grammar/src/ast';
import { cmdlineEffects, readCommandLine, valueOffsets, type Platform, type Setting } from './cmdline';
import type { Backend, CommandLine, DefaultDomainType, DomainType, Iommu, Irqchip, SourceFile } from './types';

export function platformOf(iommus: readonly Iommu[], irqchips: readonly Irqchip[]): Platform {
  if (iommus.some((i) => i.model === 'vtd' || i.model === 'amd-vi')) return 'x86';
  if (irqchips.some((c) => c.model === 'x86-remap' || c.model === 'x86-compat')) return 'x86';
  return 'other';
}

/** Read the `cmdline` string and set what it sets on the IOMMUs and irqchips. */
export function applyCommandLine(file: SourceFile, str: ast.Str, iommus: readonly Iommu[], irqchips: readonly Irqchip[]): CommandLine {
  const parsed = readCommandLine(str.value);
  const platform = platformOf(iommus, irqchips);
  const effects = cmdlineEffects(parsed, platform);
  const amdRemaps = iommus.some((i) => i.model === 'amd-vi') && !iommus.some((i) => i.model === 'vtd');
  for (const io of iommus) {
    if (io.model === 'vtd') {
      io.disabledBy = effects.vtdOff;
      if (effects.scalableMode?.value === false) io.scalableModeOffBy = effects.scalableMode;
      if (effects.scalableMode?.value === false && io.nesting) {
        // first-stage and nested translation need scalable mode (intel_iommu_domain_alloc_nested)
        io.nesting = false;
        io.nestingOffBy = effects.scalableMode;
      }
      if (effects.vtdNoSuperpage && !declared(io, 'pgsizes')) setPgsizes(io, [4096n]);
    } else if (io.model === 'amd-vi') {
      io.disabledBy = effects.amdOff;
      const ps = effects.amdPgsizes;
      if (ps && !declared(io, 'pgsizes')) setPgsizes(io, ps.value === '4k' ? [4096n] : [4096n, 2n << 20n, 1n << 30n]);
    }
  }
  const irOff: Setting | null = effects.intremapOff ?? (amdRemaps ? effects.amdIrOff : null);
  if (irOff)
    for (const chip of irqchips) {
      if (chip.model !== 'x86-remap') continue;
      chip.isolated = false;
      chip.remappingOffBy = irOff;
    }
  return { parsed, effects, platform, loc: { file, span: str.span }, offsets: valueOffsets(str.text, str.span.start) };
}

function declared(io: Iommu, kind: string): boolean {
  return io.decl.props.some((p) => p.kind === kind);
}

function setPgsizes(io: Iommu, sizes: bigint[]): void {
  io.pgsizes = sizes;
  io.minPage = sizes[0]!;
}

/** The type of a group's default domain: its declared type, its IOMMU's written default, the command line's, `dma`. */
export function defaultDomainType(declared: DomainType | null, iommu: Iommu | null, c: CommandLine | null): DomainType {
  if (iommu?.disabledBy) return 'identity';
  if (declared) return declared;
  if (iommu?.defaultDomainDeclared) return iommu.defaultDomain;
  const fromLine: DefaultDomainType | undefined = c?.effects.defaultDomain?.type;
  return fromLine ?? iommu?.defaultDomain ?? 'dma';
}

/** The parameter that allows unsafe interrupts for this backend (each module reads only its own). */
export function unsafeInterruptsParam(c: CommandLine | null, backend: Backend): Setting | null {
  if (!c) return null;
  const s = backend === 'vfio-type1' ? c.effects.vfioUnsafe : backend === 'iommufd' ? c.effects.iommufdUnsafe : null;
  return s && s.value === true ? s : null;
}
