// ACPI tables from what users have: raw tables (/sys/firmware/acpi/tables/*, `acpidump -b` .dat
// files, or several raw tables back to back), a directory of them, or the text dump `acpidump`
// prints (the hex format pasted into bug reports). Every table gets its header checked (length,
// checksum); a table whose length points past the bytes present is kept with what is there.

import { Bytes } from '../bytes';
import type { Artifact, Findings, TableSource } from '../findings';
import { hex32 } from '../findings';

export const HEADER_SIZE = 36;

export interface AcpiTable {
  signature: string;
  revision: number;
  oemId: string;
  oemTableId: string;
  /** The table's bytes: its header's length, or fewer when the source was cut short. */
  bytes: Bytes;
  source: TableSource;
}

const SIGNATURE = /^[A-Z0-9_!$]{4}$/;

function loc(source: TableSource, offset: number, length: number) {
  return { kind: 'table' as const, table: source, offset, length };
}

/** Check a table's header and build it; null when not even a header is there. */
function table(bytes: Bytes, source: TableSource, findings: Findings): AcpiTable | null {
  const sig = bytes.ascii(0, 4) ?? '????';
  if (bytes.length < HEADER_SIZE) {
    findings.report('table-malformed', loc(source, 0, bytes.length), `${sig}: only ${bytes.length} bytes, less than the 36-byte ACPI table header; table skipped`);
    return null;
  }
  const declared = bytes.u32(4)!;
  let view = bytes;
  if (declared < HEADER_SIZE) {
    findings.report('table-malformed', loc(source, 4, 4), `${sig}: table length ${hex32(declared)} is smaller than the 36-byte header; table skipped`);
    return null;
  }
  if (declared > bytes.length) {
    findings.report('table-malformed', loc(source, 4, 4), `${sig}: table length ${hex32(declared)} points past the ${hex32(bytes.length)} bytes present (truncated table); reading only those`);
  } else view = bytes.slice(0, declared)!;
  if (declared <= bytes.length && view.sum8() !== 0) {
    const stored = view.u8(9)!;
    const right = (stored - view.sum8()) & 0xff;
    findings.report('table-checksum', loc(source, 9, 1), `${sig}: checksum ${hex32(stored)} is wrong (the bytes sum to ${hex32(view.sum8())}; ${hex32(right)} would make them 0); the table is used anyway, as ACPICA does`);
  }
  return {
    signature: sig,
    revision: view.u8(8)!,
    oemId: view.ascii(10, 6)!.replace(/[ .]+$/, ''),
    oemTableId: view.ascii(16, 8)!.replace(/[ .]+$/, ''),
    bytes: view,
    source,
  };
}

/** Raw tables, one after another (a single .dat file holds one). */
export function readBinaryTables(data: Uint8Array, artifact: Artifact, findings: Findings): AcpiTable[] {
  const out: AcpiTable[] = [];
  if (data.length === 0) findings.report('table-malformed', { kind: 'file', artifact }, 'the file is empty');
  const all = new Bytes(data);
  let at = 0;
  while (at < all.length) {
    const rest = all.slice(at, all.length - at)!;
    const sig = rest.ascii(0, 4);
    const source: TableSource = { signature: sig && SIGNATURE.test(sig) ? sig : '????', artifact, fileOffset: at };
    if (!sig || !SIGNATURE.test(sig)) {
      findings.report('table-malformed', { kind: 'file', artifact }, `byte ${hex32(at)}: no ACPI table signature here${at === 0 ? ' (not a raw ACPI table, nor an acpidump text dump)' : ''}; the rest of the file is ignored`);
      break;
    }
    const t = table(rest, source, findings);
    if (t) out.push(t);
    const declared = rest.u32(4);
    if (declared === null || declared < HEADER_SIZE) break;
    at += declared;
  }
  return out;
}

/** Whether a file looks like an `acpidump` text dump rather than raw bytes. */
export function looksLikeTextDump(data: Uint8Array): boolean {
  const head = Buffer.from(data.subarray(0, 4096)).toString('latin1');
  return /^\s*[0-9A-Fa-f]{4,8}: (?:[0-9A-Fa-f]{2} )/m.test(head) && !/[\x00-\x08\x0e-\x1f]/.test(head);
}

const DUMP_HEADER = /^\s*([A-Za-z0-9_!$]{4})\s+@\s+0x[0-9A-Fa-f]+\s*$/;
const DUMP_LINE = /^(\s*)([0-9A-Fa-f]{4,8}):((?:\s[0-9A-Fa-f]{2}){1,16})/;

/**
 * The text `acpidump` prints: for each table a `SIG @ 0xADDRESS` line, then lines
 * `OFFSET: XX XX … ASCII` of up to 16 bytes. Locations of findings map back to the line and
 * column where the byte is written.
 */
export function readTextDump(text: string, artifact: Artifact, findings: Findings): AcpiTable[] {
  const lines = text.split(/\r?\n/);
  const out: AcpiTable[] = [];
  interface Pending {
    sig: string;
    headerLine: number;
    bytes: number[];
    /** Per byte: [line, character]. */
    pos: [number, number][];
  }
  let cur: Pending | null = null;
  const finish = () => {
    if (!cur) return;
    const p = cur;
    cur = null;
    const source: TableSource = {
      signature: p.sig,
      artifact,
      fileOffset: null,
      textPosition: (o) => {
        const at = p.pos[Math.max(0, Math.min(o, p.pos.length - 1))];
        return at ? { line: at[0], character: at[1] } : { line: p.headerLine, character: 0 };
      },
    };
    if (p.bytes.length === 0) {
      findings.report('table-malformed', loc(source, 0, 0), `${p.sig}: the dump has a header line but no bytes; table skipped`);
      return;
    }
    const t = table(new Bytes(Uint8Array.from(p.bytes)), source, findings);
    if (t) {
      if (t.signature !== p.sig) findings.report('table-malformed', loc(source, 0, 4), `the dump calls this table ${p.sig} but its signature is ${t.signature}`);
      out.push(t);
    }
  };
  let skipping = false;
  lines.forEach((line, i) => {
    const h = DUMP_HEADER.exec(line);
    if (h) {
      finish();
      skipping = false;
      cur = { sig: h[1]!, headerLine: i, bytes: [], pos: [] };
      return;
    }
    const m = DUMP_LINE.exec(line);
    if (!m || skipping) return;
    if (!cur) cur = { sig: '????', headerLine: i, bytes: [], pos: [] };
    const offset = parseInt(m[2]!, 16);
    if (offset !== cur.bytes.length) {
      const source: TableSource = { signature: cur.sig, artifact, fileOffset: null, textPosition: () => ({ line: i, character: m[1]!.length }) };
      findings.report('table-malformed', loc(source, cur.bytes.length, 0), `${cur.sig}: the dump line at offset ${hex32(offset)} does not follow byte ${hex32(cur.bytes.length)} (lines missing or out of order); the table ends there`);
      finish();
      skipping = true;
      return;
    }
    let col = m[1]!.length + m[2]!.length + 1;
    for (const tok of m[3]!.match(/\s[0-9A-Fa-f]{2}/g)!) {
      cur.bytes.push(parseInt(tok.slice(1), 16));
      cur.pos.push([i, col + 1]);
      col += tok.length;
    }
  });
  finish();
  return out;
}
