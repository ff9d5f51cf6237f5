// The check registry: every code is one file (checks/<family>/<code>.ts) with a complete
// explanation whose examples behave as stated, and docs/checks.md is rendered from it.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyze } from '../../server/src/engine';
import { exampleFiles, explainText, hoverMarkdown, renderChecksDoc, sarifHelp } from '../../server/src/checks/explanation';
import { CHECKS, IMPLEMENTATIONS } from '../../server/src/checks/registry';
import { isFirmwareExample, type Example } from '../../server/src/checks/check';
import { runFirmwareExample } from '../import/firmware-example';
import { setFaults } from '../../server/src/faults';

const CHECKS_DIR = path.join(__dirname, '../../server/src/checks');
const FOLDER: Record<string, string> = {
  'syntax-and-names': 'names',
  isolation: 'isolation',
  reserved: 'reserved',
  doorbells: 'doorbells',
  nesting: 'nesting',
  cmdline: 'cmdline',
  hygiene: 'hygiene',
  firmware: 'firmware',
};

/** The failures (server/src/faults.ts) under which a code raised only by a bug of the checker fires. */
const FIRES_UNDER_FAULTS: Record<string, string> = { 'internal-error': 'check:map-overlap' };

/** Check an example the way the CLI checks a file (with `faults` injected); returns the codes raised. */
function run(e: Example, faults = ''): { codes: string[]; internalErrors: string[] } {
  setFaults(faults);
  try {
    return runExample(e);
  } finally {
    setFaults('');
  }
}

function runExample(e: Example): { codes: string[]; internalErrors: string[] } {
  // A firmware check's example is table sources, imported as import-acpi / import-dt would.
  if (isFirmwareExample(e)) return { codes: runFirmwareExample(e), internalErrors: [] };
  const { root, files } = exampleFiles(e);
  const dir = '/example';
  const all = new Map<string, string>([[path.join(dir, 'main.iommu'), root], ...Object.entries(files).map(([p, t]) => [path.join(dir, p), t] as [string, string])]);
  const a = analyze(path.join(dir, 'main.iommu'), { host: { read: (p) => all.get(p) }, workspaceRoot: dir })!;
  return { codes: a.diagnostics.map((d) => d.code), internalErrors: a.internalErrors };
}

describe('check registry', () => {
  it('has one file per code, in its family folder, and no file outside the registry', () => {
    for (const c of CHECKS) expect(fs.existsSync(path.join(CHECKS_DIR, FOLDER[c.family]!, `${c.code}.ts`)), c.code).toBe(true);
    const codes = new Set(CHECKS.map((c) => c.code));
    for (const folder of Object.values(FOLDER))
      for (const f of fs.readdirSync(path.join(CHECKS_DIR, folder))) {
        const text = fs.readFileSync(path.join(CHECKS_DIR, folder, f), 'utf8');
        const declared = /^\s+code: '([a-z0-9-]+)',$/m.exec(text)?.[1];
        if (declared) {
          expect(f, declared).toBe(`${declared}.ts`);
          expect(codes.has(declared), `${declared} is listed in checks/all.ts`).toBe(true);
        }
      }
  });

  it('runs exactly the checks that are not raised by the model or by suppressions', () => {
    expect(IMPLEMENTATIONS.map((c) => c.code)).toEqual(CHECKS.filter((c) => !c.emittedBy).map((c) => c.code));
    expect(CHECKS.filter((c) => c.emittedBy).map((c) => `${c.code}:${c.emittedBy}`)).toEqual([
      'syntax:model', 'unknown-name:model', 'duplicate-name:model', 'wrong-kind:model', 'bad-number:model', 'bad-value:model',
      'missing-property:model', 'include-error:model', 'unsupported-feature:model', 'group-membership:model', 'unused-suppression:suppressions', 'internal-error:engine',
      ...['table-malformed', 'table-checksum', 'table-revision', 'id-map-dangling', 'id-map-overlap', 'id-count-off-by-one',
        'shared-stream-id', 'shared-device-id', 'rmr-unaligned', 'rmr-overlap', 'rmr-no-device', 'no-interrupt-remapping',
        'iommu-map-gap', 'host-bridge-iommu-addresses'].map((c) => `${c}:firmware`),
    ]);
  });

  it('gives every code a complete explanation', () => {
    for (const c of CHECKS) {
      const x = c.explanation;
      for (const field of ['anchor', 'what', 'why', 'fix'] as const) expect(x[field].trim(), `${c.code}.${field}`).not.toBe('');
      expect(c.title.trim(), c.code).not.toBe('');
      expect(exampleFiles(x.fires).root.trim(), c.code).not.toBe('');
      expect(exampleFiles(x.nearMiss).root.trim(), c.code).not.toBe('');
    }
  });

  for (const c of CHECKS) {
    it(`${c.code}: the example fires and the near miss stays silent`, () => {
      const faults = FIRES_UNDER_FAULTS[c.code];
      const fires = run(c.explanation.fires, faults);
      expect(fires.codes, 'the example that fires').toContain(c.code);
      expect(fires.internalErrors).toEqual(faults ? [`check ${faults.slice('check:'.length)} failed: injected fault at ${faults}`] : []);
      const near = run(c.explanation.nearMiss);
      expect(near.codes.filter((x) => x !== 'unused-object'), 'the near miss is silent and otherwise clean').toEqual([]);
      expect(near.internalErrors).toEqual([]);
    });
  }

  it('every reader gets what, why, how to fix and the examples', () => {
    for (const c of CHECKS) {
      const x = c.explanation;
      const text = explainText(c).replace(/\s+/g, ' ');
      for (const part of [x.what, x.why, x.fix]) expect(text, c.code).toContain(part);
      for (const e of [x.fires, x.nearMiss]) for (const line of exampleFiles(e).root.trim().split('\n')) expect(explainText(c), c.code).toContain(`    ${line}`);
      expect(sarifHelp(c).markdown, c.code).toContain(x.why);
      expect(sarifHelp(c).markdown, c.code).toContain(x.fix);
      expect(hoverMarkdown(c), c.code).toContain(x.fix);
    }
  });

  it('explain prints the whole explanation', () => {
    expect(explainText(CHECKS.find((c) => c.code === 'map-overlap')!)).toBe(`map-overlap — Two maps of one domain overlap.

Default severity: error    Family: Reserved regions and address space    Kernel rules: R27e, M21

When: Two maps of one domain whose input ranges intersect (-EEXIST).
Reported on: the later \`map\`.

Why: An IOVA can be mapped only once: the later map fails with -EEXIST (R27e, R49).

How to fix: Map each IOVA once: shorten or move one of the maps (the ranges are inclusive).

Fires:

    iommu smmu0 { model smmuv3 }
    device gpu { pci 0000:01:00.0 driver vfio-pci }
    domain vm : paging {
      attach gpu
      map 0x4000_0000 -> 0x8_0000_0000 size 1G
      map 0x7FFF_F000 -> 0x9_0000_0000 size 4K
    }

Does not fire:

    iommu smmu0 { model smmuv3 }
    device gpu { pci 0000:01:00.0 driver vfio-pci }
    domain vm : paging {
      attach gpu
      map 0x4000_0000 -> 0x8_0000_0000 size 1G
      map 0x8000_0000 -> 0x9_0000_0000 size 4K
    }

To change its severity: --rule map-overlap=off|information|warning|error, or { "rules": {
"map-overlap": "warning" } } in .iommu-check.json. To silence one occurrence: \`// iommu-check:
ignore map-overlap -- reason\` on the line before the statement (or at the end of its line).
`);
  });

  it('renders docs/checks.md (npm run docs:checks)', () => {
    const doc = fs.readFileSync(path.join(__dirname, '../../docs/checks.md'), 'utf8');
    expect(doc).toBe(renderChecksDoc(CHECKS));
  });
});
