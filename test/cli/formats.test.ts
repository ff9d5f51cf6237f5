// The machine formats: the json contract (exact shape), SARIF 2.1.0 against the official schema,
// and GitHub workflow commands with their escaping.

import * as fs from 'node:fs';
import * as path from 'node:path';
import Ajv from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { CHECKS } from '../../server/src/checks/registry';
import { escapeData, escapeProperty } from '../../server/src/cli/formats';
import { CLEAN, MIXED, run, tmpTree } from './helpers';

// The official OASIS SARIF 2.1.0 schema, kept with the tests.
const schemaPath = path.join(__dirname, 'fixtures/sarif-schema-2.1.0.json');

describe('json', () => {
  it('has exactly the documented shape', () => {
    const dir = tmpTree({ 'clean.iommu': CLEAN, 'mixed.iommu': MIXED });
    const r = run(['--format', 'json', 'clean.iommu', 'mixed.iommu'], { cwd: dir });
    expect(r.code).toBe(1);
    const report = JSON.parse(r.out);
    const msg = (i: number) => report.files[1].diagnostics[i].message;
    const relMsg = report.files[1].diagnostics[2].relatedInformation[0]?.message;
    expect(report).toEqual({
      version: 1,
      files: [
        { path: 'clean.iommu', diagnostics: [] },
        {
          path: 'mixed.iommu',
          diagnostics: [
            {
              range: { start: { line: 1, character: 8 }, end: { line: 1, character: 13 } },
              severity: 'information',
              code: 'unused-object',
              message: msg(0),
              relatedInformation: [],
            },
            {
              range: { start: { line: 5, character: 2 }, end: { line: 5, character: 36 } },
              severity: 'warning',
              code: 'unused-suppression',
              message: msg(1),
              relatedInformation: [],
            },
            {
              range: { start: { line: 7, character: 2 }, end: { line: 7, character: 33 } },
              severity: 'error',
              code: 'map-unaligned',
              message: msg(2),
              relatedInformation: [
                { path: 'mixed.iommu', range: { start: { line: 0, character: 6 }, end: { line: 0, character: 11 } }, message: relMsg },
              ],
            },
          ],
        },
      ],
      summary: { files: 2, errors: 1, warnings: 1, information: 1 },
    });
    expect(msg(0)).toContain("'spare'");
    expect(msg(2)).toContain('0x1000..0x17ff');
  });

  it('counts characters in UTF-16 code units, as JavaScript strings do', () => {
    const dir = tmpTree({ 'u.iommu': `// Größe 😀\niommu smmu0 { model smmuv3 }  /* 😀 */ irqchip spare { model gicv3-its base 0x1000_0000 }\n` });
    const report = JSON.parse(run(['--format', 'json', 'u.iommu'], { cwd: dir }).out);
    const d = report.files[0].diagnostics.find((x: { message: string }) => x.message.includes("'spare'"));
    const line = 'iommu smmu0 { model smmuv3 }  /* 😀 */ irqchip spare';
    expect(d.range.start).toEqual({ line: 1, character: line.length - 'spare'.length });
  });
});

describe('sarif', () => {
  const load = () => {
    const dir = tmpTree({ 'clean.iommu': CLEAN, 'sub/mixed.iommu': MIXED });
    const r = run(['--format', 'sarif', '.'], { cwd: dir });
    return { dir, r, log: JSON.parse(r.out) };
  };

  it('validates against the SARIF 2.1.0 schema', () => {
    const { r, log } = load();
    expect(r.code).toBe(1);
    const ajv = new Ajv({ allErrors: true, strict: false });
    addFormats(ajv);
    const validate = ajv.compile(JSON.parse(fs.readFileSync(schemaPath, 'utf8')));
    const ok = validate(log);
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
  });

  it('has one run with a rule per registry code and results GitHub code scanning accepts', () => {
    const { dir, log } = load();
    expect(log.version).toBe('2.1.0');
    expect(log.runs).toHaveLength(1);
    const run0 = log.runs[0];
    expect(run0.tool.driver.name).toBe('iommu-check');
    expect(run0.tool.driver.rules.map((x: { id: string }) => x.id)).toEqual(CHECKS.map((c) => c.code));
    const level = { error: 'error', warning: 'warning', information: 'note' };
    run0.tool.driver.rules.forEach((rule: any, i: number) => {
      expect(rule.defaultConfiguration.level).toBe(level[CHECKS[i]!.severity]);
      expect(rule.shortDescription.text).toBe(CHECKS[i]!.title);
      const x = CHECKS[i]!.explanation;
      expect(rule.fullDescription.text).toBe(`${CHECKS[i]!.title} ${x.what}`);
      for (const part of [x.why, x.fix]) {
        expect(rule.help.text).toContain(part);
        expect(rule.help.markdown).toContain(part);
      }
      // firmware checks' examples are table sources (dts, or ACPI tables shown as text)
      expect(rule.help.markdown).toContain(CHECKS[i]!.family === 'firmware' ? 'Fires:\n\n```' : 'Fires:\n\n```iommu\n');
      expect(rule.properties.tags).toContain(CHECKS[i]!.family);
    });
    expect(run0.originalUriBaseIds['%SRCROOT%'].uri).toBe(`file://${dir}/`);
    const results = run0.results;
    expect(results.map((x: any) => [x.ruleId, x.level])).toEqual([
      ['unused-object', 'note'],
      ['unused-suppression', 'warning'],
      ['map-unaligned', 'error'],
    ]);
    const unaligned = results[2];
    expect(run0.tool.driver.rules[unaligned.ruleIndex].id).toBe('map-unaligned');
    expect(unaligned.locations[0].physicalLocation).toEqual({
      artifactLocation: { uri: 'sub/mixed.iommu', uriBaseId: '%SRCROOT%' },
      region: { startLine: 8, startColumn: 3, endLine: 8, endColumn: 34 },
    });
    expect(unaligned.relatedLocations[0].physicalLocation.region).toEqual({ startLine: 1, startColumn: 7, endLine: 1, endColumn: 12 });
    for (const x of results) expect(x.partialFingerprints.primaryLocationLineHash).toMatch(/^[0-9a-f]{32}:\d+$/);
  });

  it('keeps fingerprints stable when unrelated lines move', () => {
    const a = tmpTree({ 'm.iommu': MIXED });
    const b = tmpTree({ 'm.iommu': '// a new comment line\n\n' + MIXED });
    const fp = (dir: string) =>
      JSON.parse(run(['--format', 'sarif', 'm.iommu'], { cwd: dir }).out).runs[0].results.map((x: any) => x.partialFingerprints.primaryLocationLineHash);
    expect(fp(b)).toEqual(fp(a));
  });
});

describe('github', () => {
  it('escapes messages and properties as the Actions toolkit does', () => {
    expect(escapeData('50% done\r\nnext: a,b')).toBe('50%25 done%0D%0Anext: a,b');
    expect(escapeProperty('dir,x/a:b%.iommu')).toBe('dir%2Cx/a%3Ab%25.iommu');
  });

  it('prints one workflow command per diagnostic', () => {
    const dir = tmpTree({ 'a,b:c.iommu': MIXED });
    const r = run(['--format', 'github', 'a,b:c.iommu'], { cwd: dir });
    expect(r.code).toBe(1);
    const lines = r.out.trimEnd().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/^::notice file=a%2Cb%3Ac\.iommu,line=2,col=9,endLine=2,endColumn=14,title=unused-object::irqchip 'spare' /);
    expect(lines[1]).toMatch(/^::warning file=a%2Cb%3Ac\.iommu,line=6,col=3,endLine=6,endColumn=37,title=unused-suppression::/);
    expect(lines[2]).toMatch(/^::error file=a%2Cb%3Ac\.iommu,line=8,col=3,endLine=8,endColumn=34,title=map-unaligned::map 0x1000\.\.0x17ff .*%0Arelated: a,b:c\.iommu:1:7: /);
    for (const l of lines) expect(l).not.toMatch(/[\r\n]/);
  });
});
