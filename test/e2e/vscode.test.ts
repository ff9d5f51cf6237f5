// VS Code end to end: the packaged .vsix installed into code-server 4.100.3 (VS Code 1.100.3),
// driven through Debian's chromium with playwright-core. Recipe and pitfalls: spec e2e.md §4–§7.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, openSync, readdirSync, rmSync, writeFileSync, closeSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { type Browser, type Page, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARTIFACTS, CHROMIUM, CODE_SERVER, FIXTURE, RUN_DIR, VSIX, ensureBuilt, requireTool, t } from './helpers';

const RUN = join(RUN_DIR, 'vscode');
const WORKSPACE = join(RUN, 'workspace');
const CS_LOG = join(RUN, 'cs.log');
const FILE = 'board.iommu';
const EXPECTED_CODE = 'map-overlaps-reserved';
// title of the server's quick fix for map-overlaps-reserved ("Move the map to the nearest free IOVA 0x…")
const FIX_TITLE = 'Move the map';

const SETTINGS = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'security.workspace.trust.enabled': false,
  'telemetry.telemetryLevel': 'off',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'update.mode': 'none',
  'editor.hover.delay': 200,
  'editor.minimap.enabled': false,
  'chat.commandCenter.enabled': false,
  'workbench.colorTheme': 'Default Dark Modern',
  'workbench.reduceMotion': 'on',
  // the workspace lives inside this repository's checkout: no "open the parent repository?" toast
  'git.openRepositoryInParentFolders': 'never',
  'git.autoRepositoryDetection': false,
  // no chat side bar taking a third of the window (VS Code 1.10x+)
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'chat.disableAIFeatures': true,
};

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (addr && typeof addr === 'object' ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

function extensionHostLogs(): string[] {
  const logs = join(RUN, 'user', 'logs');
  if (!existsSync(logs)) return [];
  const out: string[] = [];
  for (const session of readdirSync(logs)) {
    for (const host of ['exthost1', 'remoteexthost1']) {
      const dir = join(logs, session, host);
      if (existsSync(dir)) for (const f of readdirSync(dir)) if (f.endsWith('.log')) out.push(join(dir, f));
    }
  }
  return out;
}

/** Viewport centre of `needle` inside the editor line whose text starts with `lineStart`. */
async function textCenter(page: Page, lineStart: string, needle: string): Promise<{ x: number; y: number }> {
  const pos = await page.evaluate(
    ([lineStart, needle]) => {
      // runs in the page (this project compiles without the DOM lib)
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      const document = (globalThis as any).document;
      const SHOW_TEXT = 4; // NodeFilter.SHOW_TEXT
      const lines: { textContent: string | null }[] = Array.from(document.querySelectorAll('.editor-instance .monaco-editor .view-lines .view-line'));
      for (const line of lines) {
        const text = (line.textContent ?? '').replace(/\u00a0/g, ' ');
        if (!text.trimStart().startsWith(lineStart)) continue;
        const at = text.indexOf(needle, text.indexOf(lineStart) + (lineStart.endsWith(needle) ? lineStart.length - needle.length : 0));
        if (at < 0) continue;
        // walk the text nodes to the character offset
        const walker = document.createTreeWalker(line, SHOW_TEXT);
        let offset = 0;
        const range = document.createRange();
        let startSet = false;
        for (let n = walker.nextNode(); n; n = walker.nextNode()) {
          const len = n.textContent?.length ?? 0;
          if (!startSet && at < offset + len) { range.setStart(n, at - offset); startSet = true; }
          if (startSet && at + needle.length <= offset + len) { range.setEnd(n, at + needle.length - offset); break; }
          offset += len;
        }
        const r = range.getBoundingClientRect();
        return { x: r.left + r.width / 2, y: r.top + r.height / 2 };
      }
      return null;
    },
    [lineStart, needle] as const,
  );
  if (!pos) throw new Error(`no editor line starting with '${lineStart}' containing '${needle}'`);
  return pos;
}

describe('VS Code extension in code-server', () => {
  let cs: ChildProcess | undefined;
  let browser: Browser | undefined;
  let page: Page | undefined;
  let base = '';
  const t0 = Date.now();
  const timeline: string[] = [];
  const mark = (what: string) => timeline.push(`${((Date.now() - t0) / 1000).toFixed(1)}s ${what}`);

  beforeAll(async () => {
    requireTool(CODE_SERVER, 'code-server');
    requireTool(CHROMIUM, 'chromium');
    ensureBuilt({ vsix: true });
    mark('vsix ready');

    rmSync(RUN, { recursive: true, force: true });
    mkdirSync(join(RUN, 'user', 'User'), { recursive: true });
    mkdirSync(WORKSPACE, { recursive: true });
    mkdirSync(ARTIFACTS, { recursive: true });
    copyFileSync(FIXTURE, join(WORKSPACE, FILE));
    writeFileSync(join(RUN, 'user', 'User', 'settings.json'), JSON.stringify(SETTINGS, null, 2));
    const port = await freePort();
    const config = join(RUN, 'config.yaml');
    // Always pass --config: without it code-server writes ~/.config/code-server/config.yaml (pitfall 4).
    writeFileSync(config, `bind-addr: 127.0.0.1:${port}\nauth: none\ncert: false\n`);
    const dirs = ['--user-data-dir', join(RUN, 'user'), '--extensions-dir', join(RUN, 'ext')];
    execFileSync(CODE_SERVER, ['--config', config, ...dirs, '--install-extension', VSIX], { stdio: 'pipe', timeout: t(60_000) });
    mark('vsix installed');

    // Own session and process group (setsid), so teardown can kill every child (pitfall 5).
    const logFd = openSync(CS_LOG, 'w');
    cs = spawn(
      CODE_SERVER,
      ['--config', config, '--bind-addr', `127.0.0.1:${port}`, '--auth', 'none', '--disable-telemetry', '--disable-update-check',
        '--disable-workspace-trust', '--disable-getting-started-override', '--ignore-last-opened', ...dirs],
      { detached: true, stdio: ['ignore', logFd, logFd], env: { ...process.env, VSCODE_PROXY_URI: '' } },
    );
    closeSync(logFd);
    let exited: number | null | undefined;
    cs.on('exit', (code) => (exited = code));
    base = `http://127.0.0.1:${port}`;
    const deadline = Date.now() + t(60_000);
    for (;;) {
      if (exited !== undefined) throw new Error(`code-server exited with ${exited}; see ${CS_LOG}`);
      if (Date.now() > deadline) throw new Error(`code-server did not answer /healthz within 60s; see ${CS_LOG}`);
      const ok = await fetch(`${base}/healthz`).then((r) => r.ok, () => false);
      if (ok) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    mark('code-server healthy');

    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
        '--disable-component-update', '--disable-sync'],
    });
    page = await browser.newPage({ viewport: { width: 1400, height: 900 }, reducedMotion: 'reduce' });
    mark('browser up');
  });

  afterAll(async () => {
    await browser?.close().catch(() => undefined);
    if (cs?.pid) {
      const pid = cs.pid;
      const alive = () => { try { process.kill(-pid, 0); return true; } catch { return false; } };
      try { process.kill(-pid, 'SIGTERM'); } catch { /* already gone */ }
      const until = Date.now() + 3000;
      while (alive() && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
      try { process.kill(-pid, 'SIGKILL'); } catch { /* already gone */ }
    }
    if (timeline.length) writeFileSync(join(ARTIFACTS, 'vscode-timeline.txt'), timeline.join('\n') + '\n');
  });

  it('shows diagnostics, hover and a working quick fix for board.iommu', async () => {
    const p = page!;
    let step = 'open the workbench';
    try {
      await p.goto(`${base}/?folder=${encodeURIComponent(WORKSPACE)}`);
      await p.locator('.monaco-workbench').waitFor({ timeout: t(60_000) });
      mark('workbench visible');

      step = `open ${FILE} from the Explorer`;
      await p.locator('.explorer-folders-view .monaco-list-row', { hasText: FILE }).click({ timeout: t(30_000) });
      const editor = p.locator('.editor-instance .monaco-editor').first();
      await editor.waitFor({ timeout: t(30_000) });
      mark('editor open');

      step = 'wait for the IOMMU language mode (contributed language)';
      await p.locator('#status\\.editor\\.mode', { hasText: 'IOMMU' }).waitFor({ timeout: t(30_000) });

      step = 'wait for the iommu-check status-bar item (the extension activated)';
      await p.locator('.statusbar-item', { hasText: 'iommu-check' }).first().waitFor({ timeout: t(30_000) });
      mark('extension active');

      step = 'wait for an error squiggle (the language server published diagnostics)';
      const squiggles = editor.locator('.squiggly-error');
      await squiggles.first().waitFor({ timeout: t(60_000) });
      mark('squiggle');

      step = `find ${EXPECTED_CODE} in the Problems panel`;
      await p.keyboard.press('Control+Shift+M');
      const rows = p.locator('.markers-panel .monaco-list-row');
      await rows.first().waitFor({ timeout: t(15_000) });
      let problems: string[] = [];
      const pDeadline = Date.now() + t(15_000);
      while (Date.now() < pDeadline) {
        problems = await rows.allInnerTexts();
        if (problems.some((r) => r.includes(EXPECTED_CODE))) break;
        await p.waitForTimeout(200);
      }
      expect(problems.join('\n---\n')).toContain(EXPECTED_CODE);
      mark('problems read');

      step = 'hover the device name `nic`';
      await editor.click({ position: { x: 5, y: 5 } });
      const hoverAt = async (lineStart: string, needle: string, hasText: RegExp, timeout: number) => {
        await p.mouse.move(1, 1);
        await p.keyboard.press('Escape');
        const hover = p.locator('.monaco-hover:visible', { hasText }).first();
        // The editor asks for a hover once per pointer rest; a request that lands while the
        // workbench is busy (layout after the Problems panel opened, a re-analysis) can come
        // back empty and is not asked again. Rest the pointer again, as a user would, until
        // the hover shows or the time is up.
        const deadline = Date.now() + timeout;
        let last: unknown;
        for (let attempt = 0; Date.now() < deadline; attempt++) {
          const c = await textCenter(p, lineStart, needle);
          await p.mouse.move(1, 1);
          await p.mouse.move(c.x - 1 - (attempt % 3), c.y);
          await p.mouse.move(c.x, c.y);
          try {
            await hover.waitFor({ timeout: Math.max(500, Math.min(4_000, deadline - Date.now())) });
            return hover;
          } catch (e) {
            last = e;
          }
        }
        const seen = await p.locator('.monaco-hover:visible').allInnerTexts().catch(() => []);
        throw new Error(`no hover matching ${hasText} over '${needle}' in '${lineStart}…'; hover text seen: ${JSON.stringify(seen)}`, { cause: last });
      };
      const hover = await hoverAt('device nic', 'nic', /\bvm\b/, t(20_000));
      const hoverText = await hover.innerText();
      expect(hoverText).toContain('nic');
      expect(hoverText).toMatch(/domain/i);
      // the resolved chain: SW_MSI slot 0 in 'vm', ending on the ITS doorbell
      expect(hoverText).toContain('programmed address: 0x8000040');
      expect(hoverText).toContain('= PA 0x8090040: doorbell of its0');
      mark('hover');

      step = 'screenshot with the squiggle and the hover';
      // The README shows this picture. If the device hover hides the squiggle, try the `attach nic`
      // reference, then the squiggle itself (its hover never covers its own line).
      const hidesSquiggle = async () => {
        const h = await p.locator('.monaco-hover:visible').first().boundingBox();
        const s = await squiggles.first().boundingBox();
        return !!h && !!s && h.x < s.x + s.width && s.x < h.x + h.width && h.y < s.y + s.height && s.y < h.y + h.height;
      };
      if (await hidesSquiggle()) {
        const ok = await hoverAt('attach nic', 'nic', /\bvm\b/, t(5_000)).then(async () => !(await hidesSquiggle()), () => false);
        if (!ok) await hoverAt('map 0x0', '0x0', new RegExp(EXPECTED_CODE), t(10_000));
      }
      await p.screenshot({ path: join(ARTIFACTS, 'vscode.png'), animations: 'disabled' });
      mark('screenshot');

      step = `apply the quick fix '${FIX_TITLE} …'`;
      await p.mouse.move(1, 1);
      await p.keyboard.press('Escape');
      const before = await squiggles.count();
      const actions = p.locator('.action-widget .monaco-list-row');
      // Code actions are asked for the cursor's line; ask again (as a user would) if the menu
      // came up without the fix or not at all while the workbench was busy.
      let labels: string[] = [];
      const aDeadline = Date.now() + t(20_000);
      while (Date.now() < aDeadline) {
        const mapSquiggle = await textCenter(p, 'map 0x0', 'map');
        await p.mouse.click(mapSquiggle.x, mapSquiggle.y);
        await p.keyboard.press('Control+.');
        const shown = await actions.first().waitFor({ timeout: t(5_000) }).then(() => true, () => false);
        labels = shown ? (await actions.allInnerTexts()).map((l) => l.trim()) : [];
        if (labels.some((l) => l.startsWith(FIX_TITLE))) break;
        await p.keyboard.press('Escape');
      }
      expect(labels.some((l) => l.startsWith(FIX_TITLE)), `code actions offered: ${JSON.stringify(labels)}`).toBe(true);
      // A pointer-blocking overlay sits over the menu; choose with the keyboard, as a user would.
      const focused = p.locator('.action-widget .monaco-list-row.focused');
      for (let i = 0; i <= labels.length; i++) {
        const label = (await focused.innerText({ timeout: t(5_000) }).catch(() => '')).trim();
        if (label.startsWith(FIX_TITLE)) break;
        if (i === labels.length) throw new Error(`could not focus '${FIX_TITLE}…' in ${JSON.stringify(labels)}`);
        await p.keyboard.press('ArrowDown');
      }
      await p.keyboard.press('Enter');
      const fDeadline = Date.now() + t(20_000);
      let after = await squiggles.count();
      while (after >= before && Date.now() < fDeadline) {
        await p.waitForTimeout(200);
        after = await squiggles.count();
      }
      expect(after, `error squiggles before the fix: ${before}`).toBeLessThan(before);
      mark('quick fix applied');
    } catch (err) {
      await p.screenshot({ path: join(ARTIFACTS, 'vscode-fail.png'), animations: 'disabled' }).catch(() => undefined);
      const e = err as Error;
      const logs = [CS_LOG, ...extensionHostLogs()].join(', ');
      e.message = `[step: ${step}] ${e.message}\n  screenshot: ${join(ARTIFACTS, 'vscode-fail.png')}\n  logs: ${logs}\n  timeline: ${timeline.join(' | ')}`;
      throw e;
    }
  });

  it('shows the address map of vm beside the editor, redraws it as the text changes, and a click on a band moves the cursor', async () => {
    const p = page!;
    let step = 'write a map clear of the SW_MSI window on line 8 (whatever the quick fix left there)';
    try {
      await p.setViewportSize({ width: 2100, height: 1050 });
      const editor = p.locator('.editor-instance .monaco-editor').first();
      const selection = p.locator('#status\\.editor\\.selection');
      /** Replace the text of line 8 (after its indentation) by typing, as a user would. */
      const retypeLine8 = async (text: string) => {
        await editor.click({ position: { x: 5, y: 5 } });
        await p.keyboard.press('Control+G');
        const go = p.locator('.quick-input-widget input');
        await go.waitFor({ timeout: t(10_000) });
        await go.fill(':8');
        await p.keyboard.press('Enter');
        await selection.filter({ hasText: /Ln 8,/ }).waitFor({ timeout: t(10_000) });
        await p.keyboard.press('Home');
        await p.keyboard.press('Shift+End');
        await p.keyboard.type(text);
      };
      await retypeLine8('map 0x4000_0000 -> 0x8000_0000 size 1G rw');

      step = 'run "IOMMU: Show Address Map" from the command palette with the cursor in domain vm';
      await p.keyboard.press('F1');
      const input = p.locator('.quick-input-widget input');
      await input.waitFor({ timeout: t(10_000) });
      await input.fill('>IOMMU: Show Address Map');
      await p.locator('.quick-input-list .monaco-list-row', { hasText: 'Show Address Map' }).first().waitFor({ timeout: t(10_000) });
      await p.keyboard.press('Enter');

      step = 'wait for the webview with the map of vm';
      // a webview is an iframe holding an iframe (#active-frame) with our document
      const view = p.frameLocator('iframe.webview.ready').last().frameLocator('#active-frame');
      await view.locator('svg.address-map text', { hasText: 'domain vm : paging' }).first().waitFor({ timeout: t(30_000) });
      const bands = async () => view.locator('svg.address-map g.am-band').evaluateAll((els) => els.map((e) => `${e.getAttribute('class')}|${(e.textContent ?? '').trim()}`));
      const before = await bands();
      expect(before.some((b) => b.includes('k-map') && b.includes('map rw 1G') && b.includes('0x4000_0000..0x7fff_ffff')), JSON.stringify(before)).toBe(true);
      expect(before.some((b) => b.includes('r-sw-msi') && b.includes('sw-msi window')), JSON.stringify(before)).toBe(true);
      expect(before.some((b) => b.includes('k-slot') && b.includes('SW_MSI slot 0 for its0')), JSON.stringify(before)).toBe(true);
      expect(before.some((b) => b.includes('k-doorbell s-reached') && b.includes('its0 doorbell page')), JSON.stringify(before)).toBe(true);
      expect(before.some((b) => b.includes('am-has-diag')), `nothing is wrong yet: ${JSON.stringify(before)}`).toBe(false);
      mark('address map shown');

      step = 'type a map over the SW_MSI window: the map is redrawn with the map-overlaps-reserved diagnostic on it';
      await retypeLine8('map 0x0 -> 0x8000_0000 size 1G rw');
      await view.locator('svg.address-map text', { hasText: 'map-overlaps-reserved' }).first().waitFor({ timeout: t(20_000) });
      const marked = view.locator('svg.address-map g.am-band.k-map.am-has-diag');
      await marked.first().waitFor({ timeout: t(10_000) });
      expect(await marked.first().textContent()).toContain('0x0..0x3fff_ffff');
      expect(await marked.first().textContent()).toContain('!1');
      mark('address map redrawn with the diagnostic');
      // room for the map in the picture: no completion popup, no Explorer (the Problems panel stays)
      await p.keyboard.press('Escape');
      await editor.click({ position: { x: 5, y: 5 } });
      await p.keyboard.press('Control+B');
      await p.locator('.explorer-folders-view').waitFor({ state: 'hidden', timeout: t(5_000) }).catch(() => undefined);
      await p.screenshot({ path: join(ARTIFACTS, 'vscode-address-map.png'), animations: 'disabled' });

      step = 'click the map band: the cursor moves from line 1 to the map (line 8)';
      await editor.click({ position: { x: 5, y: 5 } });
      await p.keyboard.press('Control+Home');
      await selection.filter({ hasText: /Ln 1, Col 1\b/ }).waitFor({ timeout: t(10_000) });
      await marked.first().click();
      await selection.filter({ hasText: /Ln 8, Col 3\b/ }).waitFor({ timeout: t(10_000) });
      mark('band click revealed line 8');
    } catch (err) {
      await p.screenshot({ path: join(ARTIFACTS, 'vscode-address-map-fail.png'), animations: 'disabled' }).catch(() => undefined);
      const e = err as Error;
      e.message = `[step: ${step}] ${e.message}\n  screenshot: ${join(ARTIFACTS, 'vscode-address-map-fail.png')}\n  timeline: ${timeline.join(' | ')}`;
      throw e;
    }
  });
});
