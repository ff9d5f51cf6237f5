// `iommu-check import-acpi` end to end: sources (files, directories, acpidump text), the exit
// status, the configuration on stdout, findings on stderr in text, JSON and SARIF.

import * as fs from 'node:fs';
import * as path from 'node:path';
import Ajv from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { run, tmpTree } from '../cli/helpers';
import { acpidumpText, buildIort, compileAsl, fixture, type IortNodeSpec } from './acpi-build';

const IORT = compileAsl(fixture('iort-virt.asl'));
const MADT = compileAsl(fixture('madt-gicv3.asl'));
const its: IortNodeSpec = { name: 'its', type: 'its', its: [0] };
const smmu: IortNodeSpec = { name: 'smmu', type: 'smmuv3', base: 0x9050000n, mappings: [{ input: 0, count: 0xffff, output: 0, ref: 'its' }] };
const danglingRc: IortNodeSpec = { name: 'rc', type: 'rc', segment: 0, mappings: [{ input: 0, count: 0xffff, output: 0, ref: '0x999' }] };
const BROKEN = buildIort([its, smmu, danglingRc]);

function tree(files: Record<string, Uint8Array | string>): string {
  const dir = tmpTree({});
  for (const [rel, data] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), data);
  }
  return dir;
}

describe('iommu-check import-acpi', () => {
  it('raw tables: the configuration on stdout, nothing on stderr, exit 0', () => {
    const cwd = tree({ 'IORT.dat': IORT, 'APIC.dat': MADT });
    const r = run(['import-acpi', 'IORT.dat', 'APIC.dat'], { cwd });
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toContain('irqchip its0 { model gicv3-its  base 0x808_0000 }');
    expect(r.out.startsWith('// Imported with `iommu-check import-acpi IORT.dat APIC.dat`.\n')).toBe(true);
  });

  it('a directory (a copy of /sys/firmware/acpi/tables) gives the same configuration', () => {
    const cwd = tree({ 'tables/IORT': IORT, 'tables/APIC': MADT, 'tables/FACP': new Uint8Array(0) });
    const r = run(['import-acpi', 'tables'], { cwd });
    expect(r.code).toBe(1);
    expect(r.err).toBe('tables/FACP: error table-malformed: the file is empty\n1 error, 0 warnings, 0 information\n');
    expect(r.out).toContain('device nc_DMA0 {\n  iommu smmu0\n  msi its0\n}\n');
  });

  it('an acpidump text dump: findings located by line and column as well as TABLE+0xOFFSET', () => {
    const cwd = tree({ 'dump.txt': acpidumpText([['APIC', MADT], ['IORT', BROKEN.bytes]]) });
    const r = run(['import-acpi', 'dump.txt'], { cwd });
    expect(r.code).toBe(1);
    const mapOff = BROKEN.offsets.rc! + 40;
    const line = 1 + Math.ceil(MADT.length / 16) + 2 + Math.floor(mapOff / 16) + 1; // header, APIC rows, blank, header, IORT rows
    const col = 11 + 3 * (mapOff % 16);
    expect(r.err).toBe(
      `dump.txt:${line}:${col}: IORT+0x${mapOff.toString(16).toUpperCase()}: error id-map-dangling: ID mapping 0 of the PCI root complex at IORT+0x${BROKEN.offsets.rc!.toString(16).toUpperCase()} refers to IORT+0x999, where no node starts (past the end of the table); expected a SMMUv1/v2 or SMMUv3 or ITS group\n` +
        '1 error, 0 warnings, 0 information\n',
    );
    expect(r.out).toContain('irqchip its0 { model gicv3-its  base 0x808_0000 }');
  });

  it('--format json: the findings with table locations, every source listed', () => {
    const cwd = tree({ 'IORT.dat': BROKEN.bytes, 'APIC.dat': MADT });
    const r = run(['import-acpi', '--format', 'json', 'IORT.dat', 'APIC.dat'], { cwd });
    expect(r.code).toBe(1);
    const j = JSON.parse(r.err);
    const mapOff = BROKEN.offsets.rc! + 40;
    expect(j).toEqual({
      version: 1,
      files: [
        {
          path: 'IORT.dat',
          diagnostics: [
            {
              location: { table: 'IORT', offset: mapOff, length: 20, text: `IORT+0x${mapOff.toString(16).toUpperCase()}` },
              severity: 'error',
              code: 'id-map-dangling',
              message: expect.stringContaining('refers to IORT+0x999'),
              relatedInformation: [],
            },
          ],
        },
        { path: 'APIC.dat', diagnostics: [] },
      ],
      summary: { files: 2, errors: 1, warnings: 0, information: 0 },
    });
  });

  it('--format sarif --report FILE: byte regions in the binary artifact, valid SARIF 2.1.0', () => {
    const cwd = tree({ 'fw/IORT.dat': BROKEN.bytes, 'fw/APIC.dat': MADT });
    const r = run(['import-acpi', '--format=sarif', '--report', 'out.sarif', '--output', 'machine.iommu', 'fw'], { cwd });
    expect(r.code).toBe(1);
    expect(r.out).toBe('');
    expect(r.err).toBe('');
    expect(fs.readFileSync(path.join(cwd, 'machine.iommu'), 'utf8')).toContain('iommu smmu0 {');
    const log = JSON.parse(fs.readFileSync(path.join(cwd, 'out.sarif'), 'utf8'));
    const ajv = new Ajv({ allErrors: true, strict: false });
    addFormats(ajv);
    const validate = ajv.compile(JSON.parse(fs.readFileSync(path.join(__dirname, '../cli/fixtures/sarif-schema-2.1.0.json'), 'utf8')));
    expect(validate(log), JSON.stringify(validate.errors)).toBe(true);
    const res = log.runs[0].results;
    expect(res).toHaveLength(1);
    const mapOff = BROKEN.offsets.rc! + 40;
    expect(res[0].ruleId).toBe('id-map-dangling');
    expect(res[0].locations[0].physicalLocation).toEqual({ artifactLocation: { uri: 'fw/IORT.dat', uriBaseId: '%SRCROOT%' }, region: { byteOffset: mapOff, byteLength: 20 } });
    expect(res[0].locations[0].logicalLocations).toEqual([{ fullyQualifiedName: `IORT+0x${mapOff.toString(16).toUpperCase()}`, kind: 'member' }]);
    expect(log.runs[0].tool.driver.rules.map((x: { id: string }) => x.id)).toContain('shared-stream-id');
  });

  it('unreadable input: one line, exit 2', () => {
    const cwd = tree({ 'empty.bin': new Uint8Array(0), 'notes.txt': 'hello\n' });
    expect(run(['import-acpi', 'missing.dat'], { cwd })).toEqual({ code: 2, out: '', err: 'iommu-check: cannot read missing.dat: no such file or directory\n' });
    expect(run(['import-acpi', 'notes.txt'], { cwd })).toEqual({ code: 2, out: '', err: 'iommu-check: notes.txt: no ACPI table could be read (byte 0x0: no ACPI table signature here (not a raw ACPI table, nor an acpidump text dump); the rest of the file is ignored)\n' });
    expect(run(['import-acpi'], { cwd }).code).toBe(2);
    expect(run(['import-acpi', '--format', 'xml', 'notes.txt'], { cwd }).err).toBe("iommu-check: import-acpi: --format: 'xml' is not one of text, json, sarif\n");
  });
  it('findings follow the rule settings: --rule, the nearest .iommu-check.json, --config; a bad config is a usage error', () => {
    const cwd = tree({ 'fw/FACP': new Uint8Array(0), 'fw/IORT': IORT });
    const off = run(['import-acpi', 'fw', '--rule', 'table-malformed=off'], { cwd });
    expect([off.code, off.err]).toEqual([0, '']);
    const warn = run(['import-acpi', 'fw', '--rule=table-malformed=warning'], { cwd });
    expect([warn.code, warn.err]).toEqual([0, 'fw/FACP: warning table-malformed: the file is empty\n0 errors, 1 warning, 0 information\n']);
    // The config file nearest to the tables.
    fs.writeFileSync(path.join(cwd, 'fw', '.iommu-check.json'), '{ "rules": { "table-malformed": "information" } }');
    const near = run(['import-acpi', 'fw'], { cwd });
    expect([near.code, near.err]).toEqual([0, 'fw/FACP: information table-malformed: the file is empty\n0 errors, 0 warnings, 1 information\n']);
    // --rule wins over the file; --config replaces it.
    expect(run(['import-acpi', 'fw', '--rule', 'table-malformed=error'], { cwd }).code).toBe(1);
    fs.writeFileSync(path.join(cwd, 'strict.json'), '{ "rules": { "table-malformed": "off" } }');
    expect(run(['import-acpi', 'fw', '--config', 'strict.json'], { cwd }).err).toBe('');
    fs.writeFileSync(path.join(cwd, 'fw', '.iommu-check.json'), '{ "rules": { "table-malformd": "off" } }');
    const bad = run(['import-acpi', 'fw'], { cwd });
    expect(bad.code).toBe(2);
    expect(bad.err).toBe("iommu-check: fw/.iommu-check.json: unknown check code 'table-malformd'; did you mean 'table-malformed'? (run 'iommu-check explain' for the list)\n");
    expect(run(['import-acpi', 'fw', '--rule', 'nope=off'], { cwd }).code).toBe(2);
  });
});
