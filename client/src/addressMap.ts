// "IOMMU: Show Address Map": a webview beside the editor with the address map of a domain or a
// device, drawn by the language server (request `iommu-check/addressMap`), redrawn as the user
// types, following the colour theme; clicking a band reveals the line it comes from.
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';

const REQUEST = 'iommu-check/addressMap';
export const SHOW_ADDRESS_MAP_COMMAND = 'iommuCheck.showAddressMap';
const REFRESH_MS = 250;

interface Result {
  subject: { kind: 'domain' | 'device'; name: string } | null;
  svg?: string;
  error?: string;
  domains: string[];
  devices: string[];
}

interface Shown {
  uri: string;
  kind: 'domain' | 'device';
  name: string;
}

function nonce(): string {
  let s = '';
  const chars = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  for (let i = 0; i < 32; i++) s += chars.charAt(Math.floor(Math.random() * chars.length));
  return s;
}

function html(webview: vscode.Webview): string {
  const n = nonce();
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline' ${webview.cspSource}; script-src 'nonce-${n}'; img-src ${webview.cspSource} data:;">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<style>
  body { background: var(--vscode-editor-background); color: var(--vscode-editor-foreground); font-family: var(--vscode-font-family); padding: 0 8px 16px; }
  #status { font-size: 12px; color: var(--vscode-descriptionForeground); margin: 8px 0; min-height: 16px; }
  #status.error { color: var(--vscode-errorForeground); }
  body svg.address-map {
    --am-bg: var(--vscode-editor-background); --am-fg: var(--vscode-editor-foreground);
    --am-muted: var(--vscode-descriptionForeground); --am-grid: var(--vscode-editorWidget-border, var(--vscode-panel-border, #8888));
    --am-error: var(--vscode-errorForeground); --am-warning: var(--vscode-editorWarning-foreground);
    --am-info: var(--vscode-editorInfo-foreground); --am-arrow: var(--vscode-descriptionForeground);
    max-width: 100%; min-width: 760px; height: auto;
  }
  body svg.address-map [data-line] { cursor: pointer; }
  body svg.address-map .am-band:hover rect.am-box { stroke-width: 2.6; }
</style></head>
<body><div id="status">Loading the address map…</div><div id="map"></div>
<script nonce="${n}">
  const vscode = acquireVsCodeApi();
  const status = document.getElementById('status');
  const map = document.getElementById('map');
  window.addEventListener('message', (e) => {
    const m = e.data;
    if (m.type !== 'update') return;
    status.textContent = m.status || '';
    status.className = m.error ? 'error' : '';
    if (m.svg) map.innerHTML = m.svg.replace(/^<\\?xml[^>]*>\\s*/, '');
  });
  map.addEventListener('click', (e) => {
    const el = e.target.closest('[data-line]');
    if (!el) return;
    vscode.postMessage({ type: 'reveal', path: el.getAttribute('data-path'), line: Number(el.getAttribute('data-line')), character: Number(el.getAttribute('data-character')) });
  });
</script></body></html>`;
}

export function registerAddressMap(context: vscode.ExtensionContext, client: () => LanguageClient | undefined): void {
  let panel: vscode.WebviewPanel | undefined;
  let shown: Shown | undefined;
  let timer: NodeJS.Timeout | undefined;
  let sourceColumn: vscode.ViewColumn = vscode.ViewColumn.One;

  const request = async (params: object): Promise<Result | undefined> => {
    const c = client();
    if (!c) return undefined;
    return c.sendRequest<Result>(REQUEST, { ...params, format: 'svg' });
  };

  const refresh = async () => {
    if (!panel || !shown) return;
    const res = await request({ textDocument: { uri: shown.uri }, [shown.kind]: shown.name }).catch((e: unknown) => ({ subject: null, error: String(e), domains: [], devices: [] }) as Result);
    if (!panel || !res) return;
    if (res.error) {
      void panel.webview.postMessage({ type: 'update', error: true, status: `${res.error} (showing the last map drawn)` });
      return;
    }
    panel.title = `Address map: ${shown.name}`;
    void panel.webview.postMessage({ type: 'update', svg: res.svg, status: `${shown.kind} ${shown.name} — click a band to reveal its line` });
  };

  const show = async (s: Shown) => {
    shown = s;
    if (!panel) {
      panel = vscode.window.createWebviewPanel('iommuCheck.addressMap', `Address map: ${s.name}`, { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true }, { enableScripts: true, retainContextWhenHidden: true });
      panel.webview.html = html(panel.webview);
      panel.onDidDispose(() => {
        panel = undefined;
        shown = undefined;
      });
      panel.webview.onDidReceiveMessage(async (m: { type: string; path: string; line: number; character: number }) => {
        if (m.type !== 'reveal' || !m.path) return;
        const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(m.path));
        const pos = new vscode.Position(m.line, m.character);
        await vscode.window.showTextDocument(doc, { viewColumn: sourceColumn, selection: new vscode.Range(pos, pos), preserveFocus: false });
      });
    } else panel.reveal(vscode.ViewColumn.Beside, true);
    await refresh();
  };

  const command = async (uri?: string, kind?: 'domain' | 'device', name?: string) => {
    if (typeof uri === 'string' && kind && name) {
      const visible = vscode.window.visibleTextEditors.find((e) => e.document.uri.toString() === uri);
      if (visible?.viewColumn) sourceColumn = visible.viewColumn;
      return show({ uri, kind, name });
    }
    const editor = vscode.window.activeTextEditor;
    if (!editor || editor.document.languageId !== 'iommu') {
      void vscode.window.showInformationMessage('IOMMU: open an .iommu file to show its address map.');
      return;
    }
    sourceColumn = editor.viewColumn ?? vscode.ViewColumn.One;
    const docUri = editor.document.uri.toString();
    const at = await request({ textDocument: { uri: docUri }, position: editor.selection.active });
    if (!at) return;
    if (at.subject) return show({ uri: docUri, kind: at.subject.kind, name: at.subject.name });
    const items: (vscode.QuickPickItem & { subject: 'domain' | 'device' })[] = [
      ...at.domains.map((n) => ({ label: n, description: 'domain', subject: 'domain' as const })),
      ...at.devices.map((n) => ({ label: n, description: 'device', subject: 'device' as const })),
    ];
    if (items.length === 0) {
      void vscode.window.showInformationMessage('IOMMU: this configuration declares no domain or device.');
      return;
    }
    const pick = await vscode.window.showQuickPick(items, { placeHolder: 'Address map of which domain or device?' });
    if (pick) await show({ uri: docUri, kind: pick.subject, name: pick.label });
  };

  context.subscriptions.push(
    vscode.commands.registerCommand(SHOW_ADDRESS_MAP_COMMAND, command),
    vscode.workspace.onDidChangeTextDocument((e) => {
      if (!panel || e.document.languageId !== 'iommu' || e.contentChanges.length === 0) return;
      if (timer) clearTimeout(timer);
      timer = setTimeout(() => void refresh(), REFRESH_MS);
    }),
    { dispose: () => panel?.dispose() },
  );
}
