// IORT + MADT import: instances, doorbells, ID paths and RMR regions; each IORT check fires on a
// table made to trip it and stays silent on the correct one.

import { describe, expect, it } from 'vitest';
import { buildIort, compileAsl, fixture, type IortNodeSpec } from './acpi-build';
import { acpi, codes, engineCodes } from './helpers';

const IORT = fixture('iort-virt.asl');
const MADT = compileAsl(fixture('madt-gicv3.asl'));

/** The virt IORT source with one field of one node changed (`label` is the field's label in the source). */
function edit(source: string, after: string, label: string, value: string): string {
  const at = source.indexOf(after);
  if (at < 0) throw new Error(`no '${after}' in the source`);
  const re = new RegExp(`(${label.replace(/[()]/g, '\\$&')} : )[0-9A-Fa-f]+`);
  const rest = source.slice(at).replace(re, `$1${value}`);
  return source.slice(0, at) + rest;
}

const VIRT_TEXT = `// Imported with \`iommu-check import-acpi IORT.aml APIC.aml\`.
// IORT rev 0 (IOMMUC VIRT): 4 nodes

// IORT+0x48: SMMUv3 at 0x9050000, model 0 (generic)
iommu smmu0 {
  model smmuv3
}

// MADT GIC ITS 0 (APIC+0x2C): GITS_TRANSLATER at 0x8090040
irqchip its0 { model gicv3-its  base 0x808_0000 }

// PCI root complex, segment 0 (IORT+0xB4):
//   RIDs 0x0..0xFFFF → smmu0 StreamIDs 0x0..0xFFFF → its0 DeviceIDs 0x0..0xFFFF

// IORT named component \\_SB.DMA0 (IORT+0xEC)
//   any ID → smmu0 StreamIDs 0x10000 → its0 DeviceIDs 0x10000
device nc_DMA0 {
  iommu smmu0
  msi its0
}
`;

describe('IORT + MADT from iasl sources', () => {
  it('imports the SMMUv3, the ITS doorbell and the ID paths of a correct table, with no finding', () => {
    const r = acpi(['IORT.aml', compileAsl(IORT)], ['APIC.aml', MADT]);
    expect(r.findings).toEqual([]);
    expect(r.text).toBe(VIRT_TEXT);
    expect(engineCodes(r.text)).toEqual([]);
  });

  it('without the MADT: no doorbells, and the path names the ITS group node', () => {
    const r = acpi(['IORT.aml', compileAsl(IORT)]);
    expect(r.findings).toEqual([]);
    expect(r.text).toContain('// IORT rev 0 (IOMMUC VIRT): 4 nodes; no MADT given, so ITS doorbells are unknown');
    expect(r.text).toContain('//   RIDs 0x0..0xFFFF → smmu0 StreamIDs 0x0..0xFFFF → ITS group at IORT+0x30 DeviceIDs 0x0..0xFFFF');
    expect(r.text).not.toContain('irqchip');
  });

  it('id-map-dangling: a zero reference, a reference into a node, a reference to the wrong node type', () => {
    const nc = '/* 0xEC: named component */';
    const zero = acpi(['IORT.aml', compileAsl(edit(IORT, nc, 'Output Reference', '00000000'))], ['APIC.aml', MADT]);
    expect(zero.findings).toEqual([
      'IORT+0x153: error id-map-dangling: ID mapping 0 of the named component at IORT+0xEC has a zero output reference (the kernel logs "ID map has NULL parent reference"); IDs 0x0 go nowhere',
    ]);
    const inside = acpi(['IORT.aml', compileAsl(edit(IORT, nc, 'Output Reference', '00000050'))], ['APIC.aml', MADT]);
    expect(inside.findings).toEqual([
      'IORT+0x153: error id-map-dangling: ID mapping 0 of the named component at IORT+0xEC refers to IORT+0x50, where no node starts (it points inside the SMMUv3 at IORT+0x48); expected a SMMUv1/v2 or SMMUv3 or ITS group',
    ]);
    const past = acpi(['IORT.aml', compileAsl(edit(IORT, nc, 'Output Reference', '00001000'))], ['APIC.aml', MADT]);
    expect(codes(past)).toEqual(['id-map-dangling']);
    expect(past.findings[0]).toContain('refers to IORT+0x1000, where no node starts (past the end of the table)');
    const rc = '/* 0xB4: PCI root complex, segment 0 */';
    const wrong = acpi(['IORT.aml', compileAsl(edit(IORT, rc, 'Output Reference', '000000EC'))], ['APIC.aml', MADT]);
    expect(wrong.findings).toEqual([
      'IORT+0xD8: error id-map-dangling: ID mapping 0 of the PCI root complex at IORT+0xB4 refers to the named component at IORT+0xEC; expected a SMMUv1/v2 or SMMUv3 or ITS group',
    ]);
    // the device behind a dangling mapping has no IOMMU
    expect(zero.text).toContain('// IORT named component \\_SB.DMA0 (IORT+0xEC)\n//   any ID → (no valid output)\n');
  });

  it('id-map-dangling: an ITS group naming an ITS the MADT does not declare', () => {
    const its = acpi(['IORT.aml', compileAsl(edit(IORT, '/* 0x30', 'Identifiers', '00000007'))], ['APIC.aml', MADT]);
    expect(its.findings).toEqual([
      'IORT+0x44: error id-map-dangling: the ITS group at IORT+0x30 names ITS 7, but the MADT has no GIC ITS structure with that translation ID: the kernel finds no MSI domain for the devices mapped to this group',
    ]);
    expect(its.text).toContain('//   RIDs 0x0..0xFFFF → smmu0 StreamIDs 0x0..0xFFFF → ITS group at IORT+0x30 DeviceIDs 0x0..0xFFFF');
  });
});

// ---- assembled tables (IORT revision 5, RMR nodes) --------------------------------------------

const its: IortNodeSpec = { name: 'its', type: 'its', its: [0] };
const smmu: IortNodeSpec = { name: 'smmu', type: 'smmuv3', base: 0x9050000n, mappings: [{ input: 0, count: 0xffff, output: 0, ref: 'its' }] };
const rc = (mappings = [{ input: 0, count: 0xffff, output: 0, ref: 'smmu' }]): IortNodeSpec => ({ name: 'rc', type: 'rc', segment: 0, mappings });

describe('IORT ID mappings (assembled)', () => {
  it('id-map-overlap: two mappings of one root complex accepting the same RIDs', () => {
    const t = buildIort([its, smmu, rc([{ input: 0, count: 0xff, output: 0, ref: 'smmu' }, { input: 0x80, count: 0xff, output: 0x1000, ref: 'smmu' }])]);
    const r = acpi(['IORT', t.bytes], ['APIC', MADT]);
    expect(r.findings).toEqual([
      `IORT+0x${(t.offsets.rc! + 40 + 20).toString(16).toUpperCase()}: error id-map-overlap: ID mappings 0 and 1 of the PCI root complex at IORT+0x${t.offsets.rc!.toString(16).toUpperCase()} both accept input IDs 0x80..0xFF; the kernel logs "conflicting mapping for input ID" and uses mapping 0`,
    ]);
  });

  it('id-count-off-by-one: a count written instead of count − 1; silent when written right', () => {
    const wrong = buildIort([its, smmu, rc([{ input: 0, count: 0x100, output: 0, ref: 'smmu' }, { input: 0x100, count: 0xff, output: 0x100, ref: 'smmu' }])]);
    const r = acpi(['IORT', wrong.bytes], ['APIC', MADT]);
    expect(r.findings).toEqual([
      `IORT+0x${(wrong.offsets.rc! + 40).toString(16).toUpperCase()}: warning id-count-off-by-one: ID mapping 0 of the PCI root complex at IORT+0x${wrong.offsets.rc!.toString(16).toUpperCase()} ends at input ID 0x100, where mapping 1 starts: "Number of IDs" 0x100 looks like a count, not count − 1 (the kernel gives 0x100 to mapping 1)`,
    ]);
    const right = buildIort([its, smmu, rc([{ input: 0, count: 0xff, output: 0, ref: 'smmu' }, { input: 0x100, count: 0xff, output: 0x100, ref: 'smmu' }])]);
    expect(acpi(['IORT', right.bytes], ['APIC', MADT]).findings).toEqual([]);
  });

  it('shared-stream-id and shared-device-id: a named component on a StreamID of the root complex', () => {
    const nc: IortNodeSpec = { name: 'nc', type: 'nc', device: '\\_SB.DMA0', mappings: [{ input: 0, count: 0, output: 0x10, ref: 'smmu', single: true }] };
    const t = buildIort([its, smmu, rc(), nc]);
    const r = acpi(['IORT', t.bytes], ['APIC', MADT]);
    const h = (n: number) => n.toString(16).toUpperCase();
    const ncMap = t.offsets.nc! + 29 + 12;
    expect(r.findings).toEqual([
      `IORT+0x${h(ncMap)}: error shared-stream-id: named component at IORT+0x${h(t.offsets.nc!)} (\\_SB.DMA0) mapping 0 and PCI root complex at IORT+0x${h(t.offsets.rc!)} mapping 0 both reach StreamIDs 0x10 of the SMMUv3 at IORT+0x${h(t.offsets.smmu!)}: the requesters cannot be told apart, so they cannot be isolated from each other`,
      `IORT+0x${h(ncMap)}: error shared-device-id: named component at IORT+0x${h(t.offsets.nc!)} (\\_SB.DMA0) mapping 0 and PCI root complex at IORT+0x${h(t.offsets.rc!)} mapping 0 both reach DeviceIDs 0x10 of the ITS group at IORT+0x30: the requesters cannot be told apart, so they cannot be isolated from each other`,
    ]);
    // on StreamIDs the root complex does not use: silent
    const apart = buildIort([its, smmu, rc([{ input: 0, count: 0xff, output: 0x100, ref: 'smmu' }]), nc]);
    expect(acpi(['IORT', apart.bytes], ['APIC', MADT]).findings).toEqual([]);
  });

  it('shared-device-id: two SMMUs sending their StreamIDs to the same ITS DeviceIDs', () => {
    const smmu2: IortNodeSpec = { name: 'smmu2', type: 'smmuv3', base: 0x9060000n, mappings: [{ input: 0, count: 0xff, output: 0x80, ref: 'its' }] };
    const rc2: IortNodeSpec = { name: 'rc2', type: 'rc', segment: 1, mappings: [{ input: 0, count: 0xff, output: 0, ref: 'smmu2' }] };
    const t = buildIort([its, smmu, rc([{ input: 0, count: 0xff, output: 0, ref: 'smmu' }]), smmu2, rc2]);
    const r = acpi(['IORT', t.bytes], ['APIC', MADT]);
    expect(codes(r)).toEqual(['shared-device-id']);
    expect(r.findings[0]).toContain('both reach DeviceIDs 0x80..0xFF of the ITS group at IORT+0x30');
  });

  it('the SMMUv3 DeviceID mapping index (node revision 5, flag bit 4): the SMMU\'s own MSIs', () => {
    const own: IortNodeSpec = { name: 'smmu', type: 'smmuv3', base: 0x9050000n, flags: 0x10, index: 1, mappings: [{ input: 0, count: 0xffff, output: 0, ref: 'its' }, { input: 0, count: 0, output: 0x20000, ref: 'its', single: true }] };
    const t = buildIort([its, own, rc()]);
    expect(acpi(['IORT', t.bytes], ['APIC', MADT]).findings).toEqual([]);
    const clash: IortNodeSpec = { ...own, mappings: [own.mappings[0]!, { input: 0, count: 0, output: 0x40, ref: 'its', single: true }] } as IortNodeSpec;
    const r = acpi(['IORT', buildIort([its, clash, rc()]).bytes], ['APIC', MADT]);
    expect(codes(r)).toEqual(['shared-device-id']);
    expect(r.findings[0]).toContain('(its own MSIs) both reach DeviceIDs 0x40');
  });
});

describe('IORT RMR nodes (assembled)', () => {
  const rmr = (flags: number, ranges: [bigint, bigint][], sid = 0x8, count = 0): IortNodeSpec => ({ name: 'rmr', type: 'rmr', flags, ranges, mappings: [{ input: 0, count, output: sid, ref: 'smmu' }] });

  it('an RMR on a root complex StreamID becomes a direct region on that PCI function', () => {
    const t = buildIort([its, smmu, rc(), rmr(0, [[0x8_0000_0000n, 0x10_0000n]])]);
    const r = acpi(['IORT', t.bytes], ['APIC', MADT]);
    expect(r.findings).toEqual([]);
    const h = t.offsets.rmr!.toString(16).toUpperCase();
    expect(r.text).toContain(`// RID 0x8 of the PCI root complex at IORT+0x${t.offsets.rc!.toString(16).toUpperCase()} → smmu0 StreamID 0x8; the kernel applies the RMR only if the host bridge preserves the boot configuration (_DSM function 5)
device dev_0000_00_01_0 {
  pci 0000:00:01.0
  iommu smmu0
  msi its0
  reserved 0x8_0000_0000..0x8_000f_ffff direct  // IORT RMR IORT+0x${h}
}
`);
    expect(engineCodes(r.text)).toEqual([]);
  });

  it('remap permitted (flags bit 0) gives direct-relaxable; a range of StreamIDs gives one device each', () => {
    const r = acpi(['IORT', buildIort([its, smmu, rc(), rmr(1, [[0x1000_0000n, 0x1_0000n]], 0x10, 2)]).bytes], ['APIC', MADT]);
    expect(r.findings).toEqual([]);
    expect(r.text.match(/reserved 0x1000_0000..0x1000_ffff direct-relaxable/g)).toHaveLength(3);
    expect(r.text).toContain('pci 0000:00:02.0');
    expect(r.text).toContain('pci 0000:00:02.2');
  });

  it('rmr-unaligned, rmr-overlap (kernel FW_BUG warnings) and a zero-length descriptor', () => {
    const t = buildIort([its, smmu, rc(), rmr(0, [[0x8_0000_1000n, 0x1_0000n], [0x8_0000_8000n, 0x1_0000n], [0x9_0000_0000n, 0n]])]);
    const r = acpi(['IORT', t.bytes], ['APIC', MADT]);
    const d = (i: number) => (t.offsets.rmr! + 28 + 20 + 20 * i).toString(16).toUpperCase();
    const n = t.offsets.rmr!.toString(16).toUpperCase();
    expect(r.findings).toEqual([
      `IORT+0x${d(0)}: warning rmr-unaligned: RMR descriptor 0x800001000..0x800010FFF of the RMR at IORT+0x${n} is not 64 KiB aligned; the kernel logs "not aligned to 64K" and uses 0x800001000..0x800010FFF (4 KiB pages)`,
      `IORT+0x${d(1)}: warning rmr-unaligned: RMR descriptor 0x800008000..0x800017FFF of the RMR at IORT+0x${n} is not 64 KiB aligned; the kernel logs "not aligned to 64K" and uses 0x800008000..0x800017FFF (4 KiB pages)`,
      `IORT+0x${(t.offsets.rmr! + 28 + 20 + 40 + 8).toString(16).toUpperCase()}: warning rmr-unaligned: RMR descriptor at 0x900000000 of the RMR at IORT+0x${n} has zero length (the kernel logs "RMR descriptor[…] with zero length, continue anyway")`,
      `IORT+0x${d(1)}: warning rmr-overlap: RMR descriptors 0x800001000..0x800010FFF and 0x800008000..0x800017FFF of the RMR at IORT+0x${n} overlap (the kernel logs "RMR descriptor[…] overlaps, continue anyway")`,
    ]);
    const ok = acpi(['IORT', buildIort([its, smmu, rc(), rmr(0, [[0x8_0000_0000n, 0x1_0000n], [0x8_0001_0000n, 0x1_0000n]])]).bytes], ['APIC', MADT]);
    expect(ok.findings).toEqual([]);
  });

  it('rmr-no-device: StreamIDs that no requester maps', () => {
    const t = buildIort([its, smmu, rc([{ input: 0, count: 0xff, output: 0, ref: 'smmu' }]), rmr(0, [[0x8_0000_0000n, 0x1_0000n]], 0x400)]);
    const r = acpi(['IORT', t.bytes], ['APIC', MADT]);
    expect(r.findings).toEqual([
      `IORT+0x${(t.offsets.rmr! + 28).toString(16).toUpperCase()}: warning rmr-no-device: the RMR at IORT+0x${t.offsets.rmr!.toString(16).toUpperCase()} reserves memory for StreamIDs 0x400 of smmu0, which no root complex or named component maps: the reservation reaches no device`,
    ]);
  });

  it('table-revision: RMR nodes in an IORT older than revision 5 are ignored by the kernel', () => {
    const t = buildIort([its, smmu, rc(), rmr(0, [[0x8_0000_0000n, 0x1_0000n]])], 3);
    const r = acpi(['IORT', t.bytes], ['APIC', MADT]);
    expect(r.findings).toEqual([
      `IORT+0x8: warning table-revision: the RMR at IORT+0x${t.offsets.rmr!.toString(16).toUpperCase()} is ignored by the kernel: RMR nodes are read only from IORT revision 5 (E.d) on, and this table is revision 3 (iort_find_rmrs)`,
    ]);
    expect(r.text).not.toContain('reserved');
  });

  it('HiSilicon Hi161x SMMUv3: the ITS translation page becomes a hardware MSI region', () => {
    const hisi: IortNodeSpec = { ...smmu, model: 1 } as IortNodeSpec;
    const r = acpi(['IORT', buildIort([its, hisi, rc()]).bytes], ['APIC', MADT]);
    expect(r.text).toContain('  reserved 0x809_0000..0x809_ffff msi  // ITS 0 translation page (HiSilicon Hi161x quirk, iort_iommu_msi_get_resv_regions)\n');
  });
});
