// The bar of one project model: over a workspace with nested config files (rules off, severities
// changed), a root including a file of a folder with another config, two files including each
// other and the samples, the diagnostics the server publishes over stdio equal the CLI's JSON
// report for every file, code, range, severity, message and related location.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MIXED, run } from '../cli/helpers';
import { ROOT, Server, workspace } from './lsp';

const SEVERITY = ['', 'error', 'warning', 'information'];

function files(): Record<string, string> {
  const out: Record<string, string> = {
    '.iommu-check.json': JSON.stringify({ rules: { 'map-unaligned': 'warning' } }),
    'strict/.iommu-check.json': JSON.stringify({ rules: { 'unused-object': 'off', 'map-unaligned': 'error', 'unused-suppression': 'information' } }),
    'strict/mixed.iommu': MIXED,
    'mixed.iommu': MIXED,
    'main.iommu': `include "lib/devices.iommu"
iommu smmu0 { model smmuv3 }
irqchip its0 { model gicv3-its base 0x0808_0000 }
domain vm : paging {
  attach nic
  map 0x4000_0000 -> 0x8_0000_0000 size 1G
  map 0x1000 -> 0x2000 size 0x800
}
`,
    'lib/.iommu-check.json': JSON.stringify({ rules: { 'unused-object': 'error', 'map-unaligned': 'information' } }),
    'lib/devices.iommu': `device nic { pci 0000:01:00.0 msi its0 driver vfio-pci }
device disk { pci 0000:02:00.0 msi its0 driver vfio-pci }
irqchip spare { model gicv3-its base 0x1000_0000 }
domain lib_vm : paging {
  attach disk
  map 0x1000 -> 0x2000 size 0x800
}
`,
    'cycle/a.iommu': 'include "b.iommu"\niommu smmu1 { model smmuv3 }\nirqchip unused_a { model gicv3-its base 0x3000_0000 }\n',
    'cycle/b.iommu': 'include "a.iommu"\ndevice d { iommu smmu1 nosuchprop 1 }\n',
  };
  for (const name of fs.readdirSync(path.join(ROOT, 'samples'))) if (name.endsWith('.iommu')) out[`samples/${name}`] = fs.readFileSync(path.join(ROOT, 'samples', name), 'utf8');
  out['e2e/board.iommu'] = fs.readFileSync(path.join(ROOT, 'test/e2e/workspace/board.iommu'), 'utf8');
  return out;
}

interface Plain {
  range: unknown;
  severity: string;
  code: string;
  message: string;
  related: { path: string; range: unknown; message: string }[];
}

const order = (a: Plain, b: Plain) => JSON.stringify([a.range, a.code, a.message]).localeCompare(JSON.stringify([b.range, b.code, b.message]));

let server: Server;
let dir: string;

beforeAll(async () => {
  dir = workspace(files());
  server = new Server(dir);
  await server.start();
  await server.settle();
}, 90_000);

afterAll(() => server?.stop());

describe('the editor and the command line agree', () => {
  it('publishes, for every file, exactly the diagnostics of the CLI JSON report', () => {
    const report = JSON.parse(run(['--format', 'json', '.'], { cwd: dir }).out) as {
      files: { path: string; diagnostics: (Omit<Plain, 'related'> & { relatedInformation: Plain['related'] })[] }[];
    };
    const cli = new Map<string, Plain[]>();
    for (const f of report.files)
      cli.set(
        path.join(dir, f.path),
        f.diagnostics
          .map((d) => ({ range: d.range, severity: d.severity, code: d.code, message: d.message, related: d.relatedInformation.map((r) => ({ ...r, path: path.join(dir, r.path) })) }))
          .sort(order),
      );
    const lsp = new Map<string, Plain[]>();
    for (const [uri, p] of server.diagnostics) {
      if (uri.endsWith('.json')) {
        expect(p.diagnostics).toEqual([]);
        continue;
      }
      lsp.set(
        fileURLToPath(uri),
        p.diagnostics
          .map((d) => ({
            range: d.range,
            severity: SEVERITY[d.severity!]!,
            code: String(d.code),
            message: String(d.message),
            related: (d.relatedInformation ?? []).map((r) => ({ path: fileURLToPath(r.location.uri), range: r.location.range, message: r.message })),
          }))
          .sort(order),
      );
    }
    // Every file the CLI lists is published (clean files as an empty list), and nothing else.
    expect([...lsp.keys()].sort()).toEqual([...cli.keys()].sort());
    for (const [p, diags] of cli) expect({ file: path.relative(dir, p), diags: lsp.get(p) }).toEqual({ file: path.relative(dir, p), diags });
    // The workspace exercises what it is meant to: per-folder settings and one cycle error.
    const codes = (rel: string) => cli.get(path.join(dir, rel))!.map((d) => `${d.code}:${d.severity}`);
    expect(codes('strict/mixed.iommu')).toEqual(['unused-suppression:information', 'map-unaligned:error']);
    expect(codes('mixed.iommu')).toEqual(['unused-object:information', 'unused-suppression:warning', 'map-unaligned:warning']);
    expect(codes('lib/devices.iommu')).toEqual(['unused-object:error', 'map-unaligned:information']);
    expect(codes('main.iommu')).toContain('map-unaligned:warning');
    expect([...codes('cycle/a.iommu'), ...codes('cycle/b.iommu')].filter((c) => c.startsWith('include-error'))).toEqual(['include-error:error']);
  });
});
