// Messages between the protocol thread and the analysis owner (a worker thread, or the same
// thread when no worker can be started). The owner holds the project and its analyses; the
// protocol thread sends it what changed, asks it to check, and forwards feature requests.

import type { RuleSettings } from '../engine';
import type { PlainDiagnostic } from '../project/index';

/** What changed since the last update. */
export interface UpdateMessage {
  kind: 'update';
  /** Open documents: [uri, text, version]; text null = closed (back to the disk). */
  documents?: [string, string | null, number][];
  /** Workspace folders (paths), replacing the previous ones; their files are found by the owner. */
  folders?: string[];
  /** Files created or deleted on disk (paths). */
  created?: string[];
  deleted?: string[];
  /** Files changed on disk (read again). */
  changed?: string[];
  /** The editor's rule settings. */
  overrides?: RuleSettings;
  /** Config files changed: read settings again. */
  settingsChanged?: boolean;
}

export interface CheckMessage {
  kind: 'check';
  id: number;
  gen: number;
  /** Paths whose configurations to check, or every configuration. */
  paths: string[] | 'all';
}

export interface RequestMessage {
  kind: 'request';
  id: number;
  method: string;
  params: unknown;
}

export type ToOwner = UpdateMessage | CheckMessage | RequestMessage;

/** Diagnostics of one file, for publishing (version: of the open document text analysed). */
export interface FileDiagnostics {
  uri: string;
  version: number | null;
  diagnostics: PlainDiagnostic[];
}

export interface CheckedMessage {
  kind: 'checked';
  id: number;
  gen: number;
  /** Stopped early: a newer check is waiting; nothing to publish. */
  stale: boolean;
  files: FileDiagnostics[];
  /** Failures of the checker itself, each reported once. */
  errors: string[];
}

export interface ReplyMessage {
  kind: 'reply';
  id: number;
  result?: unknown;
  /**
   * The result as JSON text, as the worker thread sends it: a large result (the semantic tokens or
   * outline of a file of 100k maps) crosses as one string far faster than as a structured clone,
   * and a protocol result is JSON anyway.
   */
  json?: string;
  /** The request failed: why. */
  error?: string;
  /** An answer for the user (a ResponseError code) rather than a failure of the handler. */
  code?: number;
}

export type FromOwner = CheckedMessage | ReplyMessage;
