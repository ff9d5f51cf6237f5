// Findings about firmware artifacts (ACPI tables, flattened devicetrees). They point into binary
// data, not into `.iommu` text: a table and a byte offset inside it (`IORT+0x30`), or a devicetree
// node path. The formatters (firmware-report.ts) turn them into text, JSON and SARIF.

import type { Severity } from '../model/types';

/** A file given on the command line. */
export interface Artifact {
  /** As shown to the user (relative to the working directory when inside it). */
  path: string;
  /** Absolute path, for SARIF artifact URIs. */
  abs: string;
}

/** One ACPI table inside an artifact. */
export interface TableSource {
  signature: string;
  artifact: Artifact;
  /** Byte offset of the table inside the artifact when the artifact is binary; null for a text dump. */
  fileOffset: number | null;
  /** For a text dump: the 0-based line and character where a table byte is written. */
  textPosition?: (offset: number) => { line: number; character: number } | null;
}

export type FirmwareLocation =
  /** Bytes [offset, offset + length) of an ACPI table. */
  | { kind: 'table'; table: TableSource; offset: number; length: number }
  /** A devicetree node (and property); `offset`/`length` locate the property's bytes in the blob. */
  | { kind: 'node'; artifact: Artifact; path: string; property?: string; offset?: number; length?: number }
  /** A whole file (unreadable, or nothing more precise is known). */
  | { kind: 'file'; artifact: Artifact };

export interface FirmwareRelated {
  loc: FirmwareLocation;
  message: string;
}

export interface Finding {
  code: string;
  severity: Severity;
  loc: FirmwareLocation;
  message: string;
  related: FirmwareRelated[];
}

export function hex32(v: number): string {
  return '0x' + v.toString(16).toUpperCase();
}

/** `IORT+0x30`, `/soc/pcie@40000000:iommu-map`, or the file's path. */
export function locationText(loc: FirmwareLocation): string {
  switch (loc.kind) {
    case 'table':
      return `${loc.table.signature}+0x${loc.offset.toString(16).toUpperCase()}`;
    case 'node':
      return loc.property ? `${loc.path}:${loc.property}` : loc.path;
    case 'file':
      return loc.artifact.path;
  }
}

export function artifactOf(loc: FirmwareLocation): Artifact {
  return loc.kind === 'table' ? loc.table.artifact : loc.artifact;
}

/** Collects findings; `report` takes the code's severity from the firmware check catalogue. */
export class Findings {
  readonly list: Finding[] = [];
  constructor(private readonly severityOf: (code: string) => Severity) {}

  report(code: string, loc: FirmwareLocation, message: string, related: FirmwareRelated[] = []): void {
    this.list.push({ code, severity: this.severityOf(code), loc, message, related });
  }
}
