// The kernel command line read as the kernel reads it (model/cmdline.ts).

import { describe, expect, it } from 'vitest';
import { cmdlineEffects, finalSetting, kstrtobool, readCommandLine, settingText, splitCommandLine, valueOffsets } from '../../server/src/model/cmdline';

const args = (text: string) => splitCommandLine(text).map((p) => [p.name, p.value, ...(p.afterDashes ? ['after --'] : [])]);
const settings = (text: string) => readCommandLine(text).settings.map((s) => `${s.variable}=${s.value} by ${settingText(s)}`);
const notes = (text: string) => readCommandLine(text).notes.map((n) => `${n.kind} ${n.option ? n.option.text : n.param.name}: ${n.message}${n.suggestions.length ? ` [${n.suggestions.join(', ')}]` : ''}`);

describe('splitting (next_arg)', () => {
  it('white space separates; the first = splits name and value', () => {
    expect(args('  root=UUID=2f6c ro\tquiet  splash ')).toEqual([
      ['root', 'UUID=2f6c'],
      ['ro', null],
      ['quiet', null],
      ['splash', null],
    ]);
  });
  it('quotes group words and are dropped around the value or the whole argument', () => {
    expect(args('dyndbg="file x.c +p" "acpi_osi=Windows 2020" a="" b')).toEqual([
      ['dyndbg', 'file x.c +p'],
      ['acpi_osi', 'Windows 2020'],
      ['a', ''],
      ['b', null],
    ]);
  });
  it('-- ends the kernel parameters: the rest belongs to init', () => {
    expect(args('iommu=pt -- intremap=off single')).toEqual([
      ['iommu', 'pt'],
      ['intremap', 'off', 'after --'],
      ['single', null, 'after --'],
    ]);
  });
  it('an = first in an argument does not separate (equals == 0 means none)', () => {
    expect(args('=x a==b')).toEqual([
      ['=x', null],
      ['a', '=b'],
    ]);
  });
  it('ranges point into the text', () => {
    const [p] = splitCommandLine('  intel_iommu=on,sm_on');
    expect([p!.range, p!.nameRange, p!.valueRange]).toEqual([
      { start: 2, end: 22 },
      { start: 2, end: 13 },
      { start: 14, end: 22 },
    ]);
  });
  it('kstrtobool reads the first characters only', () => {
    expect(['1', 'y', 'Yes', 'on', 'ON', '0', 'n', 'off', 'true', '', 'o', '2'].map(kstrtobool)).toEqual([true, true, true, true, true, false, false, false, null, null, null, null]);
  });
  it('the file offset of each character of a string literal with escapes', () => {
    // "a\"b\\c\d"  →  a " b \ c \ d
    const lit = '"a\\"b\\\\c\\d"';
    expect(valueOffsets(lit, 10)).toEqual([11, 12, 14, 15, 17, 18, 19, 20]);
  });
});

describe('the kernel variables each parameter writes, in the order the kernel handles them', () => {
  it('early parameters first (in line order), then __setup and module parameters', () => {
    expect(settings('intel_iommu=strict,on iommu.strict=0 vfio_iommu_type1.allow_unsafe_interrupts iommu=pt')).toEqual([
      'strict=false by iommu.strict=0',
      'default-domain=identity by iommu=pt',
      'strict=true by intel_iommu=strict',
      'intel-iommu=true by intel_iommu=on',
      'vfio-unsafe=true by vfio_iommu_type1.allow_unsafe_interrupts',
    ]);
  });
  it('dashes and underscores are the same in names; option words are not', () => {
    expect(settings('intel-iommu=sm-off,sm_off iommufd.allow-unsafe-interrupts=1')).toEqual(['scalable-mode=false by intel-iommu=sm_off', 'iommufd-unsafe=true by iommufd.allow-unsafe-interrupts=1']);
    expect(notes('intel-iommu=sm-off')).toEqual([`unknown-option sm-off: 'intel_iommu=' has no option 'sm-off': the kernel logs "Unknown option - 'sm-off'" and ignores it [sm_off, sp_off]`]);
  });
  it('iommu_setup tests every prefix: nopt translates, usedac ends the list', () => {
    expect(settings('iommu=nopt,off iommu=usedac,pt')).toEqual(['default-domain=dma by iommu=nopt', 'no-iommu=true by iommu=off']);
  });
  it('intremap: on/off also switch posted interrupts; nointremap is intremap=off', () => {
    expect(settings('nointremap intremap=nosid,on')).toEqual([
      'intremap=false by nointremap',
      'source-id=false by intremap=nosid',
      'intremap=true by intremap=on',
      'irq-post=true by intremap=on',
    ]);
  });
  it('amd_iommu options', () => {
    expect(settings('amd_iommu=pgtbl_v2,nohugepages,off,fullflush')).toEqual([
      'amd-pgtable=v2 by amd_iommu=pgtbl_v2',
      'amd-pgsizes=4k by amd_iommu=nohugepages',
      'amd-iommu=false by amd_iommu=off',
      'strict=true by amd_iommu=fullflush',
    ]);
  });
});

describe('what the kernel does not do', () => {
  it('unknown options, malformed values, deprecated spellings, unknown IOMMU-looking parameters', () => {
    expect(notes('amd_iommu=on iommu=on,forcesac iommu.passthrough=true intel_iommu iommu.passthru=1 intel_iommu.sm_on nointremap vfio_iommu_type1.allow_unsafe_interrupts=maybe quiet')).toEqual([
      `unknown-option on: 'amd_iommu=' has no option 'on': the kernel logs "Unknown option - 'on'" and ignores it (the AMD IOMMU is on whenever the firmware has an IVRS; there is nothing to switch on)`,
      `unknown-option on: 'iommu=' has no option 'on': iommu_setup ignores it silently (nothing switches the IOMMU on here: VT-d needs intel_iommu=on when the kernel is built without CONFIG_INTEL_IOMMU_DEFAULT_ON; the AMD IOMMU is on whenever the firmware has an IVRS)`,
      `ignored-option forcesac: 'iommu=forcesac' is ignored (the kernel logs "forcesac option ignored")`,
      `malformed iommu.passthrough: 'iommu.passthrough' takes 0 or 1, not 'true': the kernel logs "Malformed early option 'iommu.passthrough'" and ignores it [1, 0]`,
      `malformed intel_iommu: 'intel_iommu' without '=' matches no handler (the __setup is 'intel_iommu='): the kernel passes it to init [intel_iommu=on]`,
      `unknown-param iommu.passthru: the kernel has no parameter 'iommu.passthru' [iommu.passthrough]`,
      `unknown-param intel_iommu.sm_on: the kernel has no parameter 'intel_iommu.sm_on' [intel_iommu=sm_on]`,
      `deprecated nointremap: 'nointremap' is deprecated: it still disables interrupt remapping; write 'intremap=off'`,
      `malformed vfio_iommu_type1.allow_unsafe_interrupts: 'vfio_iommu_type1.allow_unsafe_interrupts' takes 0 or 1, not 'maybe': the module refuses the value ("invalid for parameter") and keeps its default (0) [1, 0]`,
    ]);
  });
});

describe('effects (iommu_subsys_init and the drivers)', () => {
  const fx = (text: string, platform: 'x86' | 'other' = 'x86') => {
    const e = cmdlineEffects(readCommandLine(text), platform);
    return {
      defaultDomain: e.defaultDomain ? `${e.defaultDomain.type} by ${e.defaultDomain.by.map(settingText).join(' + ')}` : null,
      vtdOff: e.vtdOff && settingText(e.vtdOff),
      amdOff: e.amdOff && settingText(e.amdOff),
      intremapOff: e.intremapOff && settingText(e.intremapOff),
    };
  };
  it('passthrough wins over strictness; the last of iommu=pt and iommu.passthrough= wins', () => {
    expect(fx('iommu.strict=0 iommu=pt').defaultDomain).toBe('identity by iommu=pt');
    expect(fx('iommu=pt iommu.passthrough=0 iommu.strict=0').defaultDomain).toBe('dma-fq by iommu.passthrough=0 + iommu.strict=0');
    expect(fx('iommu.strict=0').defaultDomain).toBe('dma-fq by iommu.strict=0');
    expect(fx('iommu.strict=0 intel_iommu=strict').defaultDomain).toBe('dma by intel_iommu=strict');
    expect(fx('quiet').defaultDomain).toBe(null);
  });
  it('x86 parameters do nothing elsewhere: iommu=pt on Arm is not iommu.passthrough=1', () => {
    expect(fx('iommu.passthrough=0 iommu=pt', 'other').defaultDomain).toBe('dma by iommu.passthrough=0');
    expect(fx('intremap=off intel_iommu=off', 'other')).toEqual({ defaultDomain: null, vtdOff: null, amdOff: null, intremapOff: null });
  });
  it('iommu=off disables both x86 IOMMUs whatever intel_iommu= says; intel_iommu=on re-enables after off', () => {
    expect(fx('iommu=off intel_iommu=on')).toEqual({ defaultDomain: null, vtdOff: 'iommu=off', amdOff: 'iommu=off', intremapOff: null });
    expect(fx('intel_iommu=off,on').vtdOff).toBe(null);
    expect(fx('intremap=off intremap=on').intremapOff).toBe(null);
    expect(fx('intremap=on nointremap').intremapOff).toBe('nointremap');
  });
  it('the last write of a variable', () => {
    const cl = readCommandLine('vfio_iommu_type1.allow_unsafe_interrupts=1 vfio-iommu-type1.allow_unsafe_interrupts=N');
    expect(settingText(finalSetting(cl, 'vfio-unsafe')!)).toBe('vfio-iommu-type1.allow_unsafe_interrupts=N');
  });
});
