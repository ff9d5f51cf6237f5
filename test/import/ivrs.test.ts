// IVRS import: AMD-Vi units, IVMD regions (as the kernel rounds and types them), interrupt
// remapping as check_ioapic_information decides; the IVRS checks and every length field.

import { describe, expect, it } from 'vitest';
import { compileAsl, fixChecksum, fixture } from './acpi-build';
import { acpi, acpiWith, engineCodes, pciView } from './helpers';

const SRC = fixture('ivrs-epyc.asl');
const IVRS = compileAsl(SRC);
const MADT = compileAsl(fixture('madt-ioapic.asl'));

const EPYC = `// Imported with \`iommu-check import-acpi IVRS APIC\`.
// IVRS rev 2 (IOMMUC EPYC): IVinfo 0x203041 (physical address size 48, virtual address size 64); 1 IVHD block of type 0x10 used, 1 IVMD block

// IVHD type 0x10 IVRS+0x30: IOMMU 0000:00:00.2, registers at 0xFEB80000, segment 0
iommu ivhd0 {
  model amd-vi
  oas 48
}

// interrupt remapping: the MADT I/O APICs are listed in the IVRS, the southbridge one at 00:14.0 (check_ioapic_information)
irqchip ir { model x86-remap }

// ivhd0: I/O APIC 33 at 0000:00:14.0
// ivhd0: I/O APIC 34 at 0000:00:00.1
// ivhd0: HPET 0 at 0000:00:14.0
// ivhd0 translates 0000:00:00.0, 0000:00:01.0..0000:fe:1f.7

device dev_0000_03_00_0 {
  pci 0000:03:00.0
  iommu ivhd0
  msi ir
  reserved 0xa000_0000..0xa00f_ffff direct  // IVMD IVRS+0x6C, unity r w
}
`;

function edit(marker: string, label: string, value: string, source = SRC): string {
  const at = source.indexOf(marker);
  const re = new RegExp(`(${label} : )[0-9A-Fa-f]+`);
  return source.slice(0, at) + source.slice(at).replace(re, `$1${value}`);
}
const IVMD = '/* IVRS+0x70';

describe('IVRS', () => {
  it('imports the IOMMU, interrupt remapping and the IVMD of a correct table, with no finding', () => {
    const r = acpi(['IVRS', IVRS], ['APIC', MADT]);
    expect(r.findings).toEqual([]);
    expect(r.text).toBe(EPYC);
    expect(engineCodes(r.text)).toEqual([]);
  });

  it('no-interrupt-remapping: an I/O APIC of the MADT missing from the IVRS, and no southbridge I/O APIC', () => {
    const missing = acpi(['IVRS', compileAsl(SRC.replace('Handle : 22', 'Handle : 23'))], ['APIC', MADT]);
    expect(missing.findings).toEqual(['APIC+0x38: warning no-interrupt-remapping: the MADT I/O APIC 34 has no IVHD special entry in the IVRS: the kernel logs "IOAPIC[34] not in IVRS table" and disables interrupt remapping (check_ioapic_information)']);
    expect(missing.text).toContain('irqchip compat { model x86-compat }');
    const nosb = acpi(['IVRS', compileAsl(SRC.replace('Source Used Device ID : 00A0\n[0001]                            Variety : 01', 'Source Used Device ID : 00A1\n[0001]                            Variety : 01'))], ['APIC', MADT]);
    expect(nosb.findings).toEqual(['IVRS+0x30: warning no-interrupt-remapping: no IVHD special entry puts an I/O APIC of the MADT at the southbridge DeviceID 00:14.0: the kernel logs "No southbridge IOAPIC found" and disables interrupt remapping (check_ioapic_information)']);
    // without the MADT: decided from the IVRS alone
    expect(acpi(['IVRS', IVRS]).text).toContain('// interrupt remapping: the IVRS lists an I/O APIC at the southbridge DeviceID 00:14.0 (give the MADT to check every I/O APIC)\nirqchip ir { model x86-remap }');
  });

  it('rmr-unaligned: the kernel rounds an IVMD start up to a page', () => {
    const r = acpi(['IVRS', compileAsl(edit(IVMD, 'Start Address', '00000000A0000800'))], ['APIC', MADT]);
    expect(r.findings).toEqual(['IVRS+0x7C: warning rmr-unaligned: IVMD 0xA0000800 size 0x100000 at IVRS+0x6C is not page aligned: the kernel rounds the start up (PAGE_ALIGN) and uses 0xA0001000..0xA0100FFF, leaving the first bytes of the range unprotected']);
    expect(r.text).toContain('reserved 0xa000_1000..0xa010_0fff direct');
  });

  it('an exclusion range is a read/write unity map for the kernel (init_unity_map_range); all-device IVMDs go on the IOMMU', () => {
    const excl = acpi(['IVRS', compileAsl(edit(IVMD, 'Flags', '08'))], ['APIC', MADT]);
    expect(excl.findings).toEqual([]);
    expect(excl.text).toContain('  reserved 0xa000_0000..0xa00f_ffff direct  // IVMD IVRS+0x6C (exclusion range: the kernel treats it as a read/write unity map)\n');
    const all = acpi(['IVRS', compileAsl(edit(IVMD, 'Subtable Type', '20'))], ['APIC', MADT]);
    expect(all.text).toContain('iommu ivhd0 {\n  model amd-vi\n  oas 48\n  reserved 0xa000_0000..0xa00f_ffff direct  // IVMD IVRS+0x6C, unity r w, for every device\n}');
    const none = acpi(['IVRS', compileAsl(edit(IVMD, 'Flags', '06'))], ['APIC', MADT]);
    expect(none.text).toContain('// IVMD IVRS+0x6C sets neither the unity nor the exclusion flag: the kernel ignores it');
  });

  it('rmr-no-device: an IVMD for a DeviceID no IVHD translates, or that the machine does not have', () => {
    const r = acpi(['IVRS', compileAsl(edit(IVMD, 'DeviceId', '0001'))], ['APIC', MADT]);
    expect(r.findings).toEqual(['IVRS+0x70: warning rmr-no-device: IVMD IVRS+0x6C names 0000:00:00.1, which no IVHD block translates: the kernel gives that device no IOMMU and no reserved region']);
    const absent = acpiWith(pciView({ '0000:00:00.0': { cls: 0x060000 } }), ['IVRS', IVRS], ['APIC', MADT]);
    expect(absent.findings).toEqual(['IVRS+0x70: warning rmr-no-device: IVMD IVRS+0x6C names DeviceIDs 0000:03:00.0, which the sysfs import does not have: the reservation reaches no device']);
  });
});

describe('IVRS lengths', () => {
  const patch = (offset: number, size: 1 | 2, value: number) => {
    const c = Uint8Array.from(IVRS);
    for (let i = 0; i < size; i++) c[offset + i] = (value >> (8 * i)) & 0xff;
    return fixChecksum(c);
  };

  it('a block length past the table, below 8, or below its header', () => {
    expect(acpi(['IVRS', patch(0x6c + 2, 2, 0x100)]).findings).toEqual(['IVRS+0x6E: error table-malformed: IVRS: the block of type 0x21 at 0x6C has length 0x100, reaching past the end of the table (0x8C); it and what follows are not imported']);
    expect(acpi(['IVRS', patch(0x30 + 2, 2, 4)]).findings).toEqual(['IVRS+0x32: error table-malformed: IVRS: the block of type 0x10 at 0x30 has length 4; the walk cannot go on']);
    const short = acpi(['IVRS', patch(0x30 + 2, 2, 20)]);
    expect(short.findings[0]).toMatch(/^IVRS\+0x32: error table-malformed: IVRS: the IVHD block \(type 0x10\) at 0x30 has length 20, less than its 24-byte header; skipped/);
  });

  it('a device entry cut off by its IVHD; a range without its end', () => {
    const cut = acpi(['IVRS', patch(0x30 + 2, 2, 0x3a)]);
    expect(cut.findings[0]).toBe('IVRS+0x64: error table-malformed: IVRS: the device entry of type 0x48 at 0x64 needs 8 bytes but its IVHD block ends at 0x6A; the rest of the block is not imported');
    const noEnd = acpi(['IVRS', patch(0x50, 1, 0x00)]);
    expect(noEnd.findings).toEqual([
      'IVRS+0x4C: error table-malformed: IVRS: the device range started at 0x4C has no end-of-range entry in its IVHD block',
      // the unfinished range is dropped: 03:00.0 is no longer translated
      'IVRS+0x70: warning rmr-no-device: IVMD IVRS+0x6C names 0000:03:00.0, which no IVHD block translates: the kernel gives that device no IOMMU and no reserved region',
    ]);
  });
});
