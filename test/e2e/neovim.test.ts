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
  for (const line of r.stdout.split('\n')) {
    const d = /DIAG (\d+):(\d+) severity=(\d+) code=(\S*) msg=(.*)$/.exec(line);
    if (d) diags.push({ line: +d[1], col: +d[2], severity: +d[3], code: d[4], message: d[5] });
    const h = /HOVER \d+:\d+ (.*)$/.exec(line);
    if (h) hoverText = h[1];
  }
  return { rc: r.status, stdout: r.stdout, stderr: r.stderr, diags, hover: hoverText };
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
});
