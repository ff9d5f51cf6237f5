// Neovim 0.7 (headless) as an LSP client of `iommu-check --stdio`, configured exactly as
// docs/neovim.lua tells users to.
import { spawnSync } from 'node:child_process';
import { beforeAll, describe, expect, it } from 'vitest';
import { CLI, FIXTURE, ROOT, ensureBuilt, t } from './helpers';

interface NvimRun {
  rc: number | null;
  stdout: string;
  stderr: string;
  diags: { line: number; col: number; severity: number; code: string; message: string }[];
  hover?: string;
  map: string[];
}

function runNvim(file: string, hover?: string): NvimRun {
  const r = spawnSync(
    'nvim',
    ['--headless', '-u', 'NONE', '-i', 'NONE', '-n', '-c', 'luafile test/e2e/nvim/e2e.lua', '--', CLI, file],
    {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: t(60_000),
      env: { ...process.env, ...(hover ? { IOMMU_E2E_HOVER: hover } : {}) },
    },
  );
  if (r.error) throw r.error;
  const diags: NvimRun['diags'] = [];
  let hoverText: string | undefined;
  const map: string[] = [];
  for (const line of r.stdout.split('\n')) {
    const m = /^\[[\d.]+s\] MAP (.*)$/.exec(line);
    if (m) map.push(m[1]!);
    const d = /DIAG (\d+):(\d+) severity=(\d+) code=(\S*) msg=(.*)$/.exec(line);
    if (d) diags.push({ line: +d[1], col: +d[2], severity: +d[3], code: d[4], message: d[5] });
    const h = /HOVER \d+:\d+ (.*)$/.exec(line);
    if (h) hoverText = h[1];
  }
  return { rc: r.status, stdout: r.stdout, stderr: r.stderr, diags, hover: hoverText, map };
}

describe('Neovim (headless, stdio)', () => {
  let run: NvimRun;
  beforeAll(() => {
    ensureBuilt({ vsix: false });
    run = runNvim(FIXTURE, '5:8'); // `nic` in `device nic {`
  });

  it('runs the documented set-up to completion', () => {
    expect(run.rc, `nvim output:\n${run.stdout}${run.stderr}`).toBe(0);
    expect(run.stdout).toContain('NVIM E2E PASSED');
  });

  it('publishes map-overlaps-reserved on the map line', () => {
    const d = run.diags.find((x) => x.code === 'map-overlaps-reserved');
    expect(d, `diagnostics:\n${run.stdout}`).toBeDefined();
    expect(d!.line).toBe(8);
    expect(d!.severity).toBeLessThanOrEqual(2); // error or warning
  });

  it('hovers a device: its domain, programmed MSI address and the chain to the doorbell', () => {
    expect(run.hover, `nvim output:\n${run.stdout}`).toBeTruthy();
    expect(run.hover).toContain('nic');
    expect(run.hover).toContain('vm');
    expect(run.hover).toContain('programmed address: 0x8000040');
    expect(run.hover).toContain('= PA 0x8090040: doorbell of its0');
  });

  it(':IommuMap vm (docs/neovim.lua) shows the address map of vm with the diagnostic on its map', () => {
    expect(run.map[0], `nvim output:\n${run.stdout}`).toBe('address map of domain vm (backend iommufd, page size 4K)');
    const text = run.map.join('\n');
    expect(text).toContain('domain vm : paging on smmu0 (ias 48, oas 48)');
    expect(text).toMatch(/0x0\.\.0x3fff_ffff +map +map rw 1G  → PA 0x8000_0000\.\.0xbfff_ffff  \(line 8\)  !1/);
    expect(text).toContain('!1 error map-overlaps-reserved (line 8)');
  });
});
