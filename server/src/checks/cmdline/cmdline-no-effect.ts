// cmdline-no-effect: a parameter (or option) the kernel reads but that changes nothing here:
// an option its handler does not know (`amd_iommu=on`, `iommu=on`), a value it refuses
// (`iommu.passthrough=true`), an option it ignores (`iommu=forcesac`), a parameter after `--`,
// an x86 parameter on another architecture, a driver's parameter without that IOMMU, or the
// allow_unsafe_interrupts of the module the backend does not use.

import { finalSetting, paramInfo, type BootParam, type CmdlineNote } from '../../model/cmdline';
import type { CommandLine, Configuration, Loc } from '../../model/types';
import { example, type AnalysisCheck } from '../check';
import { editData, editFix, notesOf, paramLoc, removeEdit, replaceEdit, settingLoc, shown, x86OnlyElsewhere, type SpanEdit } from './common';

const NOTE_KINDS: readonly CmdlineNote['kind'][] = ['malformed', 'unknown-option', 'ignored-option', 'after-dashes', 'empty'];

const check: AnalysisCheck = {
  code: 'cmdline-no-effect',
  severity: 'warning',
  family: 'cmdline',
  title: 'A kernel parameter that does nothing on this configuration.',
  explanation: {
    anchor: 'the parameter (or option) inside the `cmdline` string',
    what: 'An option the handler does not know (`amd_iommu=on`: the AMD driver has no `on`; `iommu=on`), a value the kernel refuses (`iommu.passthrough=true`: "Malformed early option"), an ignored option (`iommu=forcesac`), a parameter after `--` (it goes to init), an x86 parameter (`iommu=pt`, `intremap=`, `intel_iommu=`, `amd_iommu=`) on a configuration without an x86 IOMMU, `intel_iommu=` without a VT-d IOMMU or `amd_iommu=` without an AMD one, or the allow_unsafe_interrupts of the module the backend does not use (`vfio_iommu_type1.` under iommufd, `iommufd.` under the VFIO type1 container).',
    why: 'The kernel logs at most a notice ("Unknown option", "Malformed early option") and boots as if the parameter were absent, so the setting people rely on is not there: on Arm `iommu=pt` leaves DMA translated (write `iommu.passthrough=1`), and under iommufd `vfio_iommu_type1.allow_unsafe_interrupts=1` still leaves iommufd refusing devices without isolated MSIs (-EPERM).',
    fix: 'Write the parameter the kernel reads (the quick fix offers it where there is one), or remove it.',
    fires: example`
      cmdline "quiet iommu=pt"
      iommu smmu0 { model smmuv3 }
      device nic { pci 0000:02:00.0 }
    `,
    nearMiss: example`
      cmdline "quiet iommu.passthrough=1"
      iommu smmu0 { model smmuv3 }
      device nic { pci 0000:02:00.0 }
    `,
  },
  run(ctx) {
    const { config } = ctx;
    const c = config.commandLine;
    if (!c) return;
    const say = (loc: Loc, message: string, fix: { title: string; edits: SpanEdit[]; safe: boolean } | null) =>
      ctx.report('cmdline-no-effect', loc, message, [], fix ? editData(fix.title, fix.edits, fix.safe) : undefined);
    const elsewhere = new Set<BootParam>();
    for (const p of c.parsed.params) {
      if (p.afterDashes) continue;
      const why = platformMismatch(config, c, p);
      if (!why) continue;
      elsewhere.add(p);
      const better = arm64Spelling(p);
      say(paramLoc(c, p), `'${p.value === null ? p.name : `${p.name}=${p.value}`}' does nothing here: ${why}${better ? `; write '${better}'` : ''}`, better ? { title: `Replace with '${better}'`, edits: [replaceEdit(c, p.range, better)], safe: false } : null);
    }
    for (const n of notesOf(config, NOTE_KINDS)) {
      if (elsewhere.has(n.param)) continue;
      const target = n.option ? { param: n.param, option: n.option } : { param: n.param, option: null };
      let fix: { title: string; edits: SpanEdit[]; safe: boolean } | null = null;
      if (n.kind === 'ignored-option' || n.kind === 'empty') fix = { title: `Remove '${n.option ? n.option.text : n.param.name}'`, edits: [removeEdit(c, n.param, n.option)], safe: true };
      else if (n.suggestions.length >= 1 && n.option) fix = { title: `Replace with '${n.suggestions[0]}'`, edits: [replaceEdit(c, n.option.range, n.suggestions[0]!)], safe: false };
      else if (n.kind === 'malformed' && n.suggestions.length > 0 && n.param.valueRange) fix = { title: `Write '${n.param.name}=${n.suggestions[0]}'`, edits: [replaceEdit(c, n.param.valueRange, n.suggestions[0]!)], safe: false };
      else if (n.kind === 'malformed' && n.suggestions.length === 1) fix = { title: `Write '${n.suggestions[0]}'`, edits: [replaceEdit(c, n.param.range, n.suggestions[0]!)], safe: false };
      say(settingLoc(c, target), n.message, fix);
    }
    // allow_unsafe_interrupts of the module the backend does not use
    const other = config.backend === 'iommufd' ? 'vfio-unsafe' : config.backend === 'vfio-type1' ? 'iommufd-unsafe' : null;
    if (other) {
      const s = finalSetting(c.parsed, other);
      if (s && s.value === true) {
        const right = config.backend === 'iommufd' ? 'iommufd.allow_unsafe_interrupts' : 'vfio_iommu_type1.allow_unsafe_interrupts';
        const text = s.param.value === null ? right : `${right}=${s.param.value}`;
        say(
          settingLoc(c, s),
          `${shown(s)} does nothing with backend ${config.backend}: ${config.backend === 'iommufd' ? 'iommufd (VFIO device cdevs, or its VFIO container) reads iommufd.allow_unsafe_interrupts' : 'the VFIO type1 container reads vfio_iommu_type1.allow_unsafe_interrupts'}`,
          { title: `Replace with '${text}'`, edits: [replaceEdit(c, s.param.range, text)], safe: false },
        );
      }
    }
    // the default domain parameters when every IOMMU is off
    if (config.iommus.length > 0 && config.iommus.every((i) => i.disabledBy)) {
      const off = config.iommus[0]!.disabledBy!;
      for (const v of ['default-domain', 'strict'] as const) {
        const s = finalSetting(c.parsed, v);
        if (s && !elsewhere.has(s.param)) say(settingLoc(c, s), `${shown(s)} does nothing: ${shown(off)} disables the IOMMU, so there are no default domains`, null);
      }
    }
  },
  fixes: editFix,
};

/** Why an architecture- or driver-specific parameter does nothing on this configuration, or null. */
function platformMismatch(config: Configuration, c: CommandLine, p: BootParam): string | null {
  const info = paramInfo(p.key);
  if (!info) return null;
  if (x86OnlyElsewhere(c, p)) return `only x86 kernels read '${info.name}' (this configuration has no VT-d or AMD IOMMU and no x86 irqchip)`;
  if (c.platform !== 'x86') return null;
  const has = (m: string) => config.iommus.some((i) => i.model === m);
  if (info.name === 'intel_iommu' && !has('vtd') && has('amd-vi')) return 'it configures the VT-d driver, and this machine has an AMD IOMMU';
  if ((info.name === 'amd_iommu' || info.name === 'amd_iommu_intr') && !has('amd-vi') && has('vtd')) return 'it configures the AMD IOMMU driver, and this machine has VT-d';
  return null;
}

/** The spelling every architecture reads, for the x86 `iommu=pt` / `iommu=nopt`. */
function arm64Spelling(p: BootParam): string | null {
  if (p.key !== 'iommu' || p.value === null) return null;
  const opts = p.value.split(',');
  if (opts.length !== 1) return null;
  if (opts[0] === 'pt') return 'iommu.passthrough=1';
  if (opts[0] === 'nopt') return 'iommu.passthrough=0';
  return null;
}

export default check;
