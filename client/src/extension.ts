// VS Code client: starts the bundled language server (dist/server.js) over IPC and shows a
// status-bar item that spins while the server is checking.
import * as vscode from 'vscode';
import {
  LanguageClient,
  TransportKind,
  type LanguageClientOptions,
  type ServerOptions,
} from 'vscode-languageclient/node';
import { registerAddressMap } from './addressMap';

/** Sent by the server around each check run. */
interface StatusParams {
  state: 'checking' | 'idle';
  files?: number;
}

const STATUS_NOTIFICATION = 'iommu-check/status';
/** Kernel logs VS Code does not already call `log` (its Log language covers `*.log`). */
const KERNEL_LOG_PATTERN = '**/{dmesg,dmesg[-._]*,kern.log*,kmsg,kmsg[-._]*,*.kmsg,*.dmesg,journal*.txt,*.journal.txt}';
const SHOW_OUTPUT_COMMAND = 'iommuCheck.showOutput';

let client: LanguageClient | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const module = context.asAbsolutePath('dist/server.js');
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc },
    debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6009'] } },
  };
  const outputChannel = vscode.window.createOutputChannel('iommu-check', { log: true });
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: 'file', language: 'iommu' },
      { scheme: 'untitled', language: 'iommu' },
      // kernel logs beside a configuration: their IOMMU faults, explained (docs/explain-fault.md);
      // the server recognises them by name (server/src/project/kernelLogs.ts)
      { scheme: 'file', language: 'log' },
      { scheme: 'file', pattern: KERNEL_LOG_PATTERN },
    ],
    synchronize: {
      configurationSection: 'iommuCheck',
      fileEvents: vscode.workspace.createFileSystemWatcher('**/{*.iommu,.iommu-check.json}'),
    },
    outputChannel,
  };

  const status = vscode.window.createStatusBarItem('iommuCheck.status', vscode.StatusBarAlignment.Left, 0);
  status.name = 'iommu-check';
  status.command = SHOW_OUTPUT_COMMAND;
  const showIdle = (files?: number) => {
    status.text = 'iommu-check';
    status.tooltip =
      files === undefined ? 'iommu-check: ready. Click to show the output.' : `iommu-check: ${files} file${files === 1 ? '' : 's'} checked. Click to show the output.`;
  };
  const showChecking = (files?: number) => {
    status.text = '$(sync~spin) iommu-check';
    status.tooltip = files === undefined ? 'iommu-check: checking…' : `iommu-check: checking ${files} file${files === 1 ? '' : 's'}…`;
  };
  showChecking();
  status.show();

  context.subscriptions.push(
    outputChannel,
    status,
    vscode.commands.registerCommand(SHOW_OUTPUT_COMMAND, () => outputChannel.show(true)),
  );

  client = new LanguageClient('iommuCheck', 'iommu-check', serverOptions, clientOptions);
  registerAddressMap(context, () => client);
  context.subscriptions.push(
    client.onNotification(STATUS_NOTIFICATION, (params: StatusParams) => {
      if (params.state === 'checking') showChecking(params.files);
      else showIdle(params.files);
    }),
  );
  try {
    await client.start();
    showIdle();
  } catch (err) {
    status.text = '$(error) iommu-check';
    status.tooltip = `iommu-check: the language server failed to start: ${String(err)}`;
    throw err;
  }
}

export async function deactivate(): Promise<void> {
  const c = client;
  client = undefined;
  if (c) await c.stop();
}
