// Shared by the end-to-end suites: paths, build-once, code-server location.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export const ROOT = join(__dirname, '..', '..');
export const E2E_DIR = __dirname;
export const FIXTURE = join(E2E_DIR, 'workspace', 'board.iommu');
export const RUN_DIR = join(E2E_DIR, '.run');
export const ARTIFACTS = join(E2E_DIR, 'artifacts');
export const VERSION: string = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version;
export const VSIX = join(ROOT, 'dist', `iommu-check-${VERSION}.vsix`);
export const CLI = join(ROOT, 'dist', 'iommu-check.js');
export const CACHE = process.env.IOMMU_E2E_CACHE || join(homedir(), '.cache', 'iommu-check-e2e');
/** code-server on its own Node (scripts/e2e-setup.sh writes this wrapper), whatever Node runs the tests. */
export const CODE_SERVER = join(CACHE, 'vscode', 'code-server');
export const CHROMIUM = process.env.IOMMU_E2E_CHROMIUM || '/usr/bin/chromium';
/** Multiplies every wait (slow machines: TIMEOUT_SCALE=3). */
export const TIMEOUT_SCALE = Number(process.env.TIMEOUT_SCALE || '1') || 1;
export const t = (ms: number) => Math.round(ms * TIMEOUT_SCALE);

/**
 * Builds the bundles and the .vsix, unless IOMMU_E2E_PREBUILT=1 says `npm run build` and
 * `npm run package` just ran (scripts/test-all.sh does that).
 */
export function ensureBuilt(opts: { vsix: boolean }): void {
  const prebuilt = process.env.IOMMU_E2E_PREBUILT === '1' && existsSync(CLI) && (!opts.vsix || existsSync(VSIX));
  if (prebuilt) return;
  const run = (script: string) => {
    try {
      execFileSync(process.execPath, [join(ROOT, 'scripts', script), '--quiet'], { cwd: ROOT, encoding: 'utf8', stdio: 'pipe' });
    } catch (e) {
      const err = e as { stderr?: string; stdout?: string; message: string };
      throw new Error(`${script} failed: ${(err.stderr || err.stdout || err.message).trim()}`);
    }
  };
  run('build.mjs');
  if (opts.vsix) run('package-vsix.mjs');
}

export function requireTool(path: string, what: string): void {
  if (!existsSync(path)) throw new Error(`${what} not found at ${path}: run scripts/e2e-setup.sh first`);
}
