// Bad ACPI input: every length and offset field of the IORT (and the table header) pointing where
// it must not. Each gives one finding naming the table and offset; the rest is still imported;
// nothing throws and nothing reads past the buffer.

import { describe, expect, it } from 'vitest';
import { buildIort, compileAsl, fixChecksum, fixture, type IortNodeSpec } from './acpi-build';
import { acpi, codes } from './helpers';

const MADT = compileAsl(fixture('madt-gicv3.asl'));
const its: IortNodeSpec = { name: 'its', type: 'its', its: [0] };
const smmu: IortNodeSpec = { name: 'smmu', type: 'smmuv3', base: 0x9050000n, mappings: [{ input: 0, count: 0xffff, output: 0, ref: 'its' }] };
const rc: IortNodeSpec = { name: 'rc', type: 'rc', segment: 0, mappings: [{ input: 0, count: 0xffff, output: 0, ref: 'smmu' }] };
const nc: IortNodeSpec = { name: 'nc', type: 'nc', device: '\\_SB.DMA0', mappings: [{ input: 0, count: 0, output: 0x10000, ref: 'smmu', single: true }] };
const rmr: IortNodeSpec = { name: 'rmr', type: 'rmr', flags: 0, ranges: [[0x8_0000_0000n, 0x1_0000n]], mappings: [{ input: 0, count: 0, output: 0x8, ref: 'smmu' }] };
const good = () => buildIort([its, smmu, rc, nc, rmr]);
const h = (n: number) => '0x' + n.toString(16).toUpperCase();
const noDevice = (t: { offsets: Record<string, number> }) =>
  `IORT+${h(t.offsets.rmr! + 28)}: warning rmr-no-device: the RMR at IORT+${h(t.offsets.rmr!)} reserves memory for StreamIDs 0x8 of smmu0, which no root complex or named component maps: the reservation reaches no device`;

/** Overwrite a little-endian field and fix the checksum (unless told not to). */
function patch(t: Uint8Array, offset: number, size: 1 | 2 | 4, value: number, checksum = true): Uint8Array {
  const c = Uint8Array.from(t);
  for (let i = 0; i < size; i++) c[offset + i] = (value >>> (8 * i)) & 0xff;
  return checksum ? fixChecksum(c) : c;
}

describe('ACPI table header', () => {
  it('the correct assembled table imports cleanly', () => {
    const r = acpi(['IORT', good().bytes], ['APIC', MADT]);
    expect(r.findings).toEqual([]);
    expect(r.text).toContain('device nc_DMA0 {');
    expect(r.text).toContain('reserved 0x8_0000_0000..0x8_0000_ffff direct');
  });

  it('a wrong checksum: a warning, and the table is used', () => {
    const t = good().bytes;
    const r = acpi(['IORT', patch(t, 9, 1, t[9]! ^ 0x5a, false)], ['APIC', MADT]);
    expect(r.findings).toHaveLength(1);
    expect(r.findings[0]).toMatch(/^IORT\+0x9: warning table-checksum: IORT: checksum 0x[0-9A-F]+ is wrong \(the bytes sum to 0x[0-9A-F]+; 0x[0-9A-F]+ would make them 0\); the table is used anyway, as ACPICA does$/);
    expect(r.text).toContain('device nc_DMA0 {');
  });

  it('a table length smaller than the header: the table is skipped', () => {
    const r = acpi(['IORT', patch(good().bytes, 4, 4, 20)], ['APIC', MADT]);
    expect(r.findings).toEqual(['IORT+0x4: error table-malformed: IORT: table length 0x14 is smaller than the 36-byte header; table skipped']);
  });

  it('a truncated table (length past the bytes present): read what is there', () => {
    const t = good();
    const cut = t.bytes.slice(0, t.offsets.nc! + 20);
    const r = acpi(['IORT', cut], ['APIC', MADT]);
    expect(r.findings).toEqual([
      `IORT+0x4: error table-malformed: IORT: table length ${h(t.bytes.length)} points past the ${h(cut.length)} bytes present (truncated table); reading only those`,
      `IORT+0x1: error table-malformed: IORT: named component node at ${h(t.offsets.nc!)} has length ${h(t.offsets.rmr! - t.offsets.nc!)}, reaching past the end of the table (${h(cut.length)}); 2 nodes not imported`,
    ].map((s) => s.replace(`IORT+0x1:`, `IORT+${h(t.offsets.nc! + 1)}:`)));
    const early = acpi(['IORT', t.bytes.slice(0, t.offsets.nc! + 10)], ['APIC', MADT]);
    expect(early.findings[1]).toBe(`IORT+${h(t.offsets.nc!)}: error table-malformed: IORT: node 3 of 5 would start at ${h(t.offsets.nc!)}, with no room for its 16-byte header (length ${h(t.offsets.nc! + 10)}): the node count is too large or a node length is wrong; 2 nodes not imported`);
    expect(r.text).toContain('//   RIDs 0x0..0xFFFF → smmu0 StreamIDs 0x0..0xFFFF → its0 DeviceIDs 0x0..0xFFFF');
  });

  it('less than a header, and a file that is not a table at all', () => {
    expect(acpi(['IORT', good().bytes.slice(0, 20)]).findings).toEqual(['IORT+0x0: error table-malformed: IORT: only 20 bytes, less than the 36-byte ACPI table header; table skipped']);
    expect(acpi(['notes.txt', 'hello, world\n']).findings).toEqual(['notes.txt: error table-malformed: byte 0x0: no ACPI table signature here (not a raw ACPI table, nor an acpidump text dump); the rest of the file is ignored']);
  });

  it('an unknown table revision: a warning, read with the newest layout', () => {
    const r = acpi(['IORT', patch(good().bytes, 8, 1, 9)], ['APIC', MADT]);
    expect(codes(r)).toEqual(['table-revision']);
    expect(r.findings[0]).toBe('IORT+0x8: warning table-revision: IORT revision 9 is newer than the newest this importer knows (7); nodes are read with the newest known layout');
  });

  it('raw tables back to back in one file, and trailing garbage', () => {
    const both = new Uint8Array([...good().bytes, ...MADT, 1, 2, 3]);
    const r = acpi(['tables.bin', both]);
    expect(r.findings).toEqual([`tables.bin: error table-malformed: byte ${h(good().bytes.length + MADT.length)}: no ACPI table signature here; the rest of the file is ignored`]);
    expect(r.text).toContain('irqchip its0 { model gicv3-its  base 0x808_0000 }');
  });
});

describe('IORT lengths and offsets', () => {
  it('node offset inside the header or outside the table', () => {
    expect(acpi(['IORT', patch(good().bytes, 40, 4, 0x10)]).findings).toEqual(['IORT+0x28: error table-malformed: IORT: node offset 0x10 is inside the table header; no nodes imported']);
    const t = good().bytes;
    expect(acpi(['IORT', patch(t, 40, 4, 0x10000)]).findings).toEqual([`IORT+0x28: error table-malformed: IORT: node offset 0x10000 is outside the table (length ${h(t.length)}); no nodes imported`]);
  });

  it('a node count larger than the nodes present', () => {
    const t = good();
    const r = acpi(['IORT', patch(t.bytes, 36, 4, 7)], ['APIC', MADT]);
    expect(r.findings).toEqual([`IORT+0x24: error table-malformed: IORT: node 5 of 7 would start at ${h(t.bytes.length)}, past the end of the table (length ${h(t.bytes.length)}): the node count is too large or a node length is wrong; 2 nodes not imported`]);
    expect(r.text).toContain('device nc_DMA0 {');
  });

  it('a node length below the 16-byte header, and one too short for its fields', () => {
    const t = good();
    const zero = acpi(['IORT', patch(t.bytes, t.offsets.rc! + 1, 2, 0)], ['APIC', MADT]);
    expect(zero.findings).toEqual([`IORT+${h(t.offsets.rc! + 1)}: error table-malformed: IORT: PCI root complex node at ${h(t.offsets.rc!)} has length 0x0, less than its 16-byte header; the walk cannot go on, 3 nodes not imported`]);
    expect(zero.text).toContain('iommu smmu0 {');
    // the ITS group made 18 bytes long: too short for ItsCount + one identifier, but the walk goes on
    const short = buildIort([{ name: 'x', type: 'rc', segment: 0, mappings: [] }, its, smmu]);
    const r = acpi(['IORT', patch(short.bytes, short.offsets.x! + 1, 2, 20)], ['APIC', MADT]);
    expect(r.findings[0]).toBe(`IORT+${h(short.offsets.x! + 1)}: error table-malformed: IORT: PCI root complex node at ${h(short.offsets.x!)} has length 0x14, too short for its fields (at least 0x20); node skipped`);
  });

  it('mapping offset inside the node header or outside the node; a mapping count too large', () => {
    const t = good();
    const inHeader = acpi(['IORT', patch(t.bytes, t.offsets.rc! + 12, 4, 4)], ['APIC', MADT]);
    expect(inHeader.findings).toEqual([`IORT+${h(t.offsets.rc! + 12)}: error table-malformed: IORT: PCI root complex node at ${h(t.offsets.rc!)}: mapping offset 0x4 is inside the node header; its 1 ID mapping not imported`, noDevice(t)]);
    const outside = acpi(['IORT', patch(t.bytes, t.offsets.rc! + 12, 4, 0x400)], ['APIC', MADT]);
    expect(outside.findings).toEqual([`IORT+${h(t.offsets.rc! + 12)}: error table-malformed: IORT: PCI root complex node at ${h(t.offsets.rc!)}: mapping offset 0x400 is outside the node (length 0x3C); its 1 ID mapping not imported`, noDevice(t)]);
    const many = acpi(['IORT', patch(t.bytes, t.offsets.rc! + 8, 4, 3)], ['APIC', MADT]);
    expect(many.findings).toEqual([`IORT+${h(t.offsets.rc! + 8)}: error table-malformed: IORT: PCI root complex node at ${h(t.offsets.rc!)}: 3 ID mappings at ${h(t.offsets.rc! + 40)} need 0x3C bytes but the node ends after 1 of them; the rest not imported`]);
    expect(many.text).toContain('//   RIDs 0x0..0xFFFF → smmu0 StreamIDs 0x0..0xFFFF → its0 DeviceIDs 0x0..0xFFFF');
  });

  it('an ITS count larger than the node holds', () => {
    const t = good();
    const r = acpi(['IORT', patch(t.bytes, t.offsets.its! + 16, 4, 5)], ['APIC', MADT]);
    expect(r.findings).toEqual([`IORT+${h(t.offsets.its! + 16)}: error table-malformed: IORT: ITS group node at ${h(t.offsets.its!)}: 5 ITS identifiers do not fit in the node (room for 1); the rest not imported`]);
    expect(r.text).toContain('msi its0');
  });

  it('a named component whose name is not terminated inside the node', () => {
    const t = good();
    const name = t.offsets.nc! + 29;
    const bytes = Uint8Array.from(t.bytes);
    for (let i = name; i < t.offsets.nc! + 29 + 12; i++) bytes[i] = 0x41;
    const r = acpi(['IORT', fixChecksum(bytes)], ['APIC', MADT]);
    expect(r.findings).toEqual([`IORT+${h(name)}: error table-malformed: IORT: named component node at ${h(t.offsets.nc!)}: the device name is not NUL-terminated inside the node`]);
    expect(r.text).toContain('device nc_AAAAAAAAAAAA {');
  });

  it('RMR memory range offset outside the node, and a range count too large', () => {
    const t = good();
    const off = acpi(['IORT', patch(t.bytes, t.offsets.rmr! + 24, 4, 0x300)], ['APIC', MADT]);
    expect(off.findings).toEqual([`IORT+${h(t.offsets.rmr! + 24)}: error table-malformed: IORT: RMR node at ${h(t.offsets.rmr!)}: memory range offset 0x300 is outside the node (length 0x44); its 1 memory range not imported`]);
    const many = acpi(['IORT', patch(t.bytes, t.offsets.rmr! + 20, 4, 2)], ['APIC', MADT]);
    expect(many.findings).toEqual([`IORT+${h(t.offsets.rmr! + 20)}: error table-malformed: IORT: RMR node at ${h(t.offsets.rmr!)}: 2 memory range descriptors at ${h(t.offsets.rmr! + 48)} need 0x28 bytes but the node ends after 1 of them; the rest not imported`]);
    expect(many.text).toContain('reserved 0x8_0000_0000..0x8_0000_ffff direct');
  });

  it('an SMMUv3 DeviceID mapping index past the mappings', () => {
    const s: IortNodeSpec = { ...smmu, flags: 0x10, index: 4 } as IortNodeSpec;
    const t = buildIort([its, s, rc]);
    expect(acpi(['IORT', t.bytes], ['APIC', MADT]).findings).toEqual([`IORT+${h(t.offsets.smmu! + 64)}: error table-malformed: IORT: SMMUv3 node at ${h(t.offsets.smmu!)}: DeviceID mapping index 4 is not below the mapping count 1 (the kernel logs "ID mapping index overflows valid mappings")`]);
  });

  it('an unknown node type is skipped, the walk goes on', () => {
    const t = good();
    const r = acpi(['IORT', patch(t.bytes, t.offsets.nc!, 1, 9)], ['APIC', MADT]);
    expect(r.findings).toEqual([`IORT+${h(t.offsets.nc!)}: warning table-revision: IORT: node type 9 at ${h(t.offsets.nc!)} is not one this importer knows; skipped`]);
    expect(r.text).toContain('reserved 0x8_0000_0000..0x8_0000_ffff direct');
  });

  it('every truncation of a correct table imports without throwing', () => {
    const t = good().bytes;
    for (let n = 0; n <= t.length; n++) expect(() => acpi(['IORT', t.slice(0, n)], ['APIC', MADT])).not.toThrow();
    for (let i = 36; i < t.length; i++) for (const v of [0, 0xff]) expect(() => acpi(['IORT', patch(t, i, 1, v)], ['APIC', MADT])).not.toThrow();
  });
});
