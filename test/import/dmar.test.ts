// DMAR import: VT-d units, RMRRs as the kernel types them, interrupt remapping; the RMRR checks
// fire on tables made to trip them; every length field of the DMAR is tested when it is wrong.

import { describe, expect, it } from 'vitest';
import { compileAsl, fixChecksum, fixture } from './acpi-build';
import { acpi, acpiWith, engineCodes, pciView } from './helpers';

const SRC = fixture('dmar-client.asl');
const DMAR = compileAsl(SRC);

/** The source with the field `label` of the structure after `marker` set to `value`. */
function edit(marker: string, label: string, value: string, source = SRC): string {
  const at = source.indexOf(marker);
  if (at < 0) throw new Error(`no '${marker}'`);
  const re = new RegExp(`(${label.replace(/[()]/g, '\\$&')} : )[0-9A-Fa-f ,]+`);
  return source.slice(0, at) + source.slice(at).replace(re, `$1${value}`);
}

const CLIENT = `// Imported with \`iommu-check import-acpi DMAR\`.
// DMAR rev 1 (IOMMUC CLIENT): host address width 39, INTR_REMAP, DMA_CTRL_PLATFORM_OPT_IN; 2 DRHD units, 2 RMRRs

// DRHD DMAR+0x30: registers at 0xFED90000, segment 0
iommu dmar0 {
  model vtd
  oas 39
}

// DRHD DMAR+0x48: registers at 0xFED91000, segment 0, INCLUDE_PCI_ALL (every device of the segment no other unit names)
iommu dmar1 {
  model vtd
  oas 39
}

// interrupt remapping (DMAR INTR_REMAP)
irqchip ir { model x86-remap }

// dmar1: IOAPIC 2 at 0000:f0:1f.0 (DMAR+0x58)
// dmar1: HPET 0 at 0000:00:1f.0 (DMAR+0x60)

device dev_0000_00_02_0 {
  pci 0000:00:02.0
  iommu dmar0
  msi ir
  reserved 0x3f80_0000..0x47ff_ffff direct  // RMRR DMAR+0x88; class unknown: direct-relaxable instead if this is a USB controller or a display device (device_rmrr_is_relaxable)
}

device dev_0000_00_14_0 {
  pci 0000:00:14.0
  iommu dmar1
  msi ir
  reserved 0x3e2e_0000..0x3e2f_ffff direct  // RMRR DMAR+0x68; class unknown: direct-relaxable instead if this is a USB controller or a display device (device_rmrr_is_relaxable)
}
`;

const MACHINE = pciView({
  '0000:00:00.0': { cls: 0x060000 },
  '0000:00:02.0': { cls: 0x030000, driver: 'i915' },
  '0000:00:14.0': { cls: 0x0c0330, driver: 'xhci_hcd' },
  '0000:00:1c.0': { cls: 0x060400, secondary: 2 },
  '0000:02:00.0': { cls: 0x020000, parent: '0000:00:1c.0', driver: 'igb' },
  '0000:00:1f.0': { cls: 0x060100 },
});

describe('DMAR', () => {
  it('imports the units, the RMRRs and interrupt remapping of a correct table, with no finding', () => {
    const r = acpi(['DMAR', DMAR]);
    expect(r.findings).toEqual([]);
    expect(r.text).toBe(CLIENT);
    expect(engineCodes(r.text)).toEqual([]);
  });

  it('with the machine\'s PCI functions: USB and display RMRRs are direct-relaxable, the ISA bridge gets 0..16 MiB, every function a unit', () => {
    const r = acpiWith(MACHINE, ['DMAR', DMAR]);
    expect(r.findings).toEqual([]);
    expect(r.text).toContain(`device dev_0000_00_02_0 {
  pci 0000:00:02.0
  iommu dmar0
  msi ir
  driver i915
  reserved 0x3f80_0000..0x47ff_ffff direct-relaxable  // RMRR DMAR+0x88; class 0x30000 (display): relaxable
}`);
    expect(r.text).toContain('  reserved 0x3e2e_0000..0x3e2f_ffff direct-relaxable  // RMRR DMAR+0x68; class 0xC0330 (USB): relaxable\n');
    expect(r.text).toContain(`device dev_0000_00_1f_0 {
  pci 0000:00:1f.0
  iommu dmar1
  msi ir
  reserved 0x0..0xff_ffff direct-relaxable  // ISA bridge: the kernel identity-maps 0..16 MiB for legacy floppy DMA
}`);
    expect(r.text).toContain('device dev_0000_02_00_0 {\n  pci 0000:02:00.0\n  iommu dmar1\n  msi ir\n  driver igb\n}');
    expect(engineCodes(r.text)).toEqual([]);
  });

  it('an RMRR of a device that is neither USB nor display stays direct', () => {
    const src = edit('/* DMAR+0x68', 'PCI Path', '1F,00');
    const r = acpiWith(MACHINE, ['DMAR', compileAsl(src)]);
    expect(r.text).toContain('  reserved 0x3e2e_0000..0x3e2f_ffff direct  // RMRR DMAR+0x68\n');
  });

  it('no-interrupt-remapping: a DMAR without INTR_REMAP', () => {
    const r = acpi(['DMAR', compileAsl(SRC.replace('Flags : 05', 'Flags : 04'))]);
    expect(r.findings).toEqual(['DMAR+0x25: warning no-interrupt-remapping: the DMAR flags (0x4) do not set INTR_REMAP: the kernel enables no interrupt remapping, MSIs are not isolated, and VFIO/iommufd refuse to assign devices without allow_unsafe_interrupts']);
    expect(r.text).toContain('// no interrupt remapping: the DMAR does not set INTR_REMAP (MSIs are not isolated)\nirqchip compat { model x86-compat }');
    expect(r.text).toContain('  msi compat\n');
  });

  it('X2APIC_OPT_OUT keeps interrupt remapping on', () => {
    const r = acpi(['DMAR', compileAsl(SRC.replace('Flags : 05', 'Flags : 03'))]);
    expect(r.findings).toEqual([]);
    expect(r.text).toContain('// interrupt remapping (DMAR INTR_REMAP); X2APIC_OPT_OUT: the kernel keeps remapping on but leaves x2APIC mode off\nirqchip ir { model x86-remap }');
  });

  it('rmr-unaligned: an RMRR not on 4 KiB pages, and one that ends before it starts', () => {
    const r = acpi(['DMAR', compileAsl(edit('/* DMAR+0x68', 'Base Address', '000000003E2E0800'))]);
    expect(r.findings).toEqual(['DMAR+0x70: warning rmr-unaligned: RMRR 0x3E2E0800..0x3E2FFFFF at DMAR+0x68 does not start and end on 4 KiB pages: the kernel taints itself with "Your BIOS is broken; bad RMRR" (rmrr_sanity_check) and uses it anyway']);
    const back = acpi(['DMAR', compileAsl(edit('/* DMAR+0x68', 'End Address (limit)', '000000003E2D0FFF'))]);
    expect(back.findings).toEqual(['DMAR+0x70: warning rmr-unaligned: RMRR 0x3E2E0000..0x3E2D0FFF at DMAR+0x68 ends before it starts: the kernel taints itself with "Your BIOS is broken; bad RMRR" (rmrr_sanity_check) and uses it anyway']);
    expect(back.text).not.toContain('0x3e2e_0000');
  });

  it('rmr-overlap: two RMRRs that partly overlap (identical or nested ones merge silently)', () => {
    const r = acpi(['DMAR', compileAsl(edit('/* DMAR+0x88', 'Base Address', '000000003E2F0000'))]);
    expect(r.findings).toEqual(['DMAR+0x90: warning rmr-overlap: RMRRs 0x3E2E0000..0x3E2FFFFF and 0x3E2F0000..0x47FFFFFF partly overlap: the kernel merges them into one reserved region per device, but firmware that means two regions rarely writes them this way']);
    const same = acpi(['DMAR', compileAsl(edit('/* DMAR+0x88', 'End Address (limit)', '000000003E2FFFFF', edit('/* DMAR+0x88', 'Base Address', '000000003E2E0000')))]);
    expect(same.findings).toEqual([]);
  });

  it('rmr-no-device: an RMRR scoped to a function the machine does not have', () => {
    const r = acpiWith(pciView({ '0000:00:02.0': { cls: 0x030000 } }), ['DMAR', DMAR]);
    expect(r.findings).toEqual(['DMAR+0x80: warning rmr-no-device: RMRR 0x3E2E0000..0x3E2FFFFF at DMAR+0x68 is scoped to 0000:00:14.0, which the sysfs import does not have: the reservation reaches no device']);
  });

  it('a scope through a bridge: resolved with the bridge\'s secondary bus, described when unknown', () => {
    // The USB RMRR (DMAR+0x68, 32 bytes) rewritten with a two-hop scope: bridge 00:1c.0, then 00.0 below it.
    const rmrr = [...DMAR.slice(0x68, 0x80), 1, 10, 0, 0, 0, 0, 0x1c, 0, 0, 0];
    rmrr[2] = rmrr.length;
    const bytes = [...DMAR.slice(0, 0x68), ...rmrr, ...DMAR.slice(0x88)];
    bytes[4] = bytes.length;
    const t = fixChecksum(Uint8Array.from(bytes));
    const blind = acpi(['DMAR', t]);
    expect(blind.text).toContain('// RMRR 0x3E2E0000..0x3E2FFFFF (DMAR+0x68) for the device at bus 00 path 1c.0 → 00.0: the path crosses bridges whose bus numbers are unknown (give a sysfs import)');
    const seen = acpiWith(MACHINE, ['DMAR', t]);
    expect(seen.text).toContain('device dev_0000_02_00_0 {\n  pci 0000:02:00.0\n  iommu dmar1\n  msi ir\n  driver igb\n  reserved 0x3e2e_0000..0x3e2f_ffff direct  // RMRR DMAR+0x68\n}');
  });
});

describe('DMAR lengths', () => {
  const patch = (offset: number, size: 1 | 2, value: number) => {
    const c = Uint8Array.from(DMAR);
    for (let i = 0; i < size; i++) c[offset + i] = (value >> (8 * i)) & 0xff;
    return fixChecksum(c);
  };

  it('a structure length reaching past the table, and one below the 4-byte header', () => {
    const past = acpi(['DMAR', patch(0x88 + 2, 2, 0x200)]);
    expect(past.findings).toEqual(['DMAR+0x8A: error table-malformed: DMAR: the RMRR structure at 0x88 has length 0x200, reaching past the end of the table (0xA8); it and what follows are not imported']);
    expect(past.text).toContain('reserved 0x3e2e_0000..0x3e2f_ffff direct');
    const zero = acpi(['DMAR', patch(0x48 + 2, 2, 2)]);
    expect(zero.findings).toEqual(['DMAR+0x4A: error table-malformed: DMAR: the DRHD structure at 0x48 has length 2; the walk cannot go on']);
    expect(zero.text).toContain('iommu dmar0 {');
  });

  it('a structure too short for its fields is skipped, the walk goes on', () => {
    const short = acpi(['DMAR', patch(0x30 + 2, 2, 12)]);
    expect(short.findings[0]).toBe('DMAR+0x32: error table-malformed: DMAR: the DRHD structure at 0x30 has length 12, less than the 16 bytes it needs; skipped');
  });

  it('a device scope below its 6-byte header, past its structure, or with an odd path', () => {
    const small = acpi(['DMAR', patch(0x40 + 1, 1, 4)]);
    expect(small.findings).toEqual(['DMAR+0x41: error table-malformed: DMAR: the device scope at 0x40 of the DRHD at 0x30 has length 4, less than its 6-byte header; the remaining scopes of this DRHD are not imported']);
    const past = acpi(['DMAR', patch(0x40 + 1, 1, 0x20)]);
    expect(past.findings).toEqual(['DMAR+0x41: error table-malformed: DMAR: the device scope at 0x40 of the DRHD at 0x30 has length 32, reaching past the end of its DRHD (length 0x18); the remaining scopes are not imported']);
    const odd = acpi(['DMAR', patch(0x40 + 1, 1, 7)]);
    expect(odd.findings[0]).toBe('DMAR+0x41: error table-malformed: DMAR: the device scope at 0x40 of the DRHD at 0x30 has length 7: its path is not a whole number of (device, function) pairs; the odd byte is ignored');
  });

  it('a table that ends before its first structure; an unknown structure type', () => {
    const cut = fixChecksum(Uint8Array.from(DMAR.slice(0, 40)).map((b, i) => (i === 4 ? 40 : i > 4 && i < 8 ? 0 : b)));
    expect(acpi(['DMAR', cut]).findings).toEqual(['DMAR+0x24: error table-malformed: DMAR: the table ends at 0x28, before its first remapping structure (0x30); nothing imported']);
    const unknown = acpi(['DMAR', patch(0x30, 2, 9)]);
    expect(unknown.findings).toEqual(['DMAR+0x30: warning table-revision: DMAR: structure type 9 at 0x30 is not one this importer knows; skipped']);
  });
});
