// The flattened devicetree (FDT, "dtb") format, read by our own code: a big-endian header, a
// structure block of BEGIN_NODE / PROP / END_NODE tokens, and a strings block of property names.
// Every offset and length is checked before use; a bad one gives one table-malformed finding at
// the header field or the token, and what was read before it is kept.

import { Bytes } from '../bytes';
import type { Artifact, Findings } from '../findings';
import { hex32 } from '../findings';

export const FDT_MAGIC = 0xd00dfeed;
const TOKEN = { BEGIN_NODE: 1, END_NODE: 2, PROP: 3, NOP: 4, END: 9 } as const;

export interface DtProperty {
  name: string;
  value: Bytes;
  /** Byte offset of the property's token in the blob, and the token's whole length. */
  offset: number;
  length: number;
}

export interface DtNode {
  name: string;
  path: string;
  parent: DtNode | null;
  children: DtNode[];
  props: Map<string, DtProperty>;
  /** Byte offset of the node's BEGIN_NODE token. */
  offset: number;
}

export interface Fdt {
  artifact: Artifact;
  root: DtNode;
  byPhandle: Map<number, DtNode>;
  version: number;
}

export class NotADevicetree extends Error {}

function loc(artifact: Artifact, path: string, offset: number, length: number) {
  return { kind: 'node' as const, artifact, path, offset, length };
}

export function parseFdt(data: Uint8Array, artifact: Artifact, findings: Findings): Fdt {
  const b = new Bytes(data);
  const magic = b.be32(0);
  if (magic !== FDT_MAGIC) throw new NotADevicetree(magic === null ? 'too short for a devicetree header' : `not a flattened devicetree (magic ${hex32(magic)}, expected 0xD00DFEED)`);
  const field = (o: number) => b.be32(o);
  const blob = { signature: 'FDT', artifact, fileOffset: 0 };
  const header = (_name: string, o: number) => ({ kind: 'table' as const, table: blob, offset: o, length: 4 });
  if (data.length < 40) {
    findings.report('table-malformed', header('size', 0), `the devicetree header needs 40 bytes, the file has ${data.length}`);
  }
  const totalsize = field(4) ?? data.length;
  const offStruct = field(8) ?? 0;
  const offStrings = field(12) ?? 0;
  const version = field(20) ?? 0;
  const sizeStrings = field(32) ?? data.length - offStrings;
  const sizeStruct = version >= 17 ? field(36) ?? data.length - offStruct : data.length - offStruct;
  let limit = data.length;
  if (totalsize > data.length) findings.report('table-malformed', header('totalsize', 4), `totalsize ${hex32(totalsize)} points past the ${hex32(data.length)} bytes of the file (truncated blob); reading only those`);
  else limit = totalsize;
  if (version < 16 || version > 17) findings.report('table-revision', header('version', 20), `devicetree format version ${version}; this importer reads versions 16 and 17`);
  const root: DtNode = { name: '', path: '/', parent: null, children: [], props: new Map(), offset: offStruct };
  const fdt: Fdt = { artifact, root, byPhandle: new Map(), version };
  if (offStruct < 40 || offStruct >= limit) {
    findings.report('table-malformed', header('off_dt_struct', 8), `the structure block offset ${hex32(offStruct)} is ${offStruct < 40 ? 'inside the header' : 'past the end of the blob'}; no nodes read`);
    return fdt;
  }
  let structEnd = offStruct + sizeStruct;
  if (structEnd > limit) {
    findings.report('table-malformed', header('size_dt_struct', 36), `the structure block (${hex32(offStruct)} + ${hex32(sizeStruct)}) reaches past the end of the blob (${hex32(limit)}); reading up to the end`);
    structEnd = limit;
  }
  let stringsOk = true;
  if (offStrings >= limit || offStrings + sizeStrings > limit) {
    findings.report('table-malformed', header('off_dt_strings', 12), `the strings block (${hex32(offStrings)} + ${hex32(sizeStrings)}) lies outside the blob (${hex32(limit)}); property names cannot be read`);
    stringsOk = false;
  }
  const strings = stringsOk ? b.slice(offStrings, sizeStrings)! : null;
  const s = b.slice(0, structEnd)!;

  let o = offStruct;
  let cur: DtNode | null = null;
  let sawRoot = false;
  const align = (x: number) => (x + 3) & ~3;
  while (o < structEnd) {
    const token = s.be32(o);
    if (token === null) {
      findings.report('table-malformed', loc(artifact, cur?.path ?? '/', o, structEnd - o), `stray bytes at ${hex32(o)} at the end of the structure block`);
      break;
    }
    if (token === TOKEN.BEGIN_NODE) {
      const name = s.cstring(o + 4, structEnd);
      if (name === null) {
        findings.report('table-malformed', loc(artifact, cur?.path ?? '/', o, 4), `the node name at ${hex32(o + 4)} is not terminated inside the structure block`);
        break;
      }
      if (!cur) {
        if (sawRoot) {
          findings.report('table-malformed', loc(artifact, '/', o, 4), `a second root node at ${hex32(o)}; ignored with everything after it`);
          break;
        }
        sawRoot = true;
        cur = root;
        root.offset = o;
      } else {
        const path = cur.path === '/' ? `/${name}` : `${cur.path}/${name}`;
        const n: DtNode = { name, path, parent: cur, children: [], props: new Map(), offset: o };
        cur.children.push(n);
        cur = n;
      }
      o = align(o + 4 + name.length + 1);
    } else if (token === TOKEN.END_NODE) {
      if (!cur) {
        findings.report('table-malformed', loc(artifact, '/', o, 4), `END_NODE at ${hex32(o)} closes no node`);
        break;
      }
      cur = cur.parent;
      o += 4;
      if (!cur) {
        // after the root: only NOPs and END may follow
      }
    } else if (token === TOKEN.PROP) {
      const len = s.be32(o + 4);
      const nameoff = s.be32(o + 8);
      if (len === null || nameoff === null) {
        findings.report('table-malformed', loc(artifact, cur?.path ?? '/', o, structEnd - o), `the property at ${hex32(o)} is cut off by the end of the structure block`);
        break;
      }
      if (!s.has(o + 12, len)) {
        findings.report('table-malformed', loc(artifact, cur?.path ?? '/', o + 4, 4), `the property at ${hex32(o)} has length ${hex32(len)}, reaching past the end of the structure block (${hex32(structEnd)}); the rest of the tree is not read`);
        break;
      }
      const pname = strings ? strings.cstring(nameoff) : null;
      if (pname === null) {
        findings.report('table-malformed', loc(artifact, cur?.path ?? '/', o + 8, 4), `the property at ${hex32(o)} names string offset ${hex32(nameoff)}, ${strings && nameoff < strings.length ? 'which is not terminated inside' : 'outside'} the strings block; property skipped`);
      } else if (!cur) {
        findings.report('table-malformed', loc(artifact, '/', o, 12 + len), `the property '${pname}' at ${hex32(o)} belongs to no node; skipped`);
      } else {
        cur.props.set(pname, { name: pname, value: s.slice(o + 12, len)!, offset: o, length: 12 + len });
      }
      o = align(o + 12 + len);
    } else if (token === TOKEN.NOP) {
      o += 4;
    } else if (token === TOKEN.END) {
      if (cur) findings.report('table-malformed', loc(artifact, cur.path, o, 4), `the structure block ends (END at ${hex32(o)}) while ${cur.path} is still open`);
      break;
    } else {
      findings.report('table-malformed', loc(artifact, cur?.path ?? '/', o, 4), `unknown token ${hex32(token)} at ${hex32(o)}; the rest of the tree is not read`);
      break;
    }
  }
  if (o >= structEnd && cur) findings.report('table-malformed', loc(artifact, cur.path, structEnd, 0), `the structure block ends while ${cur.path} is still open`);
  // phandles
  const walk = (n: DtNode) => {
    const p = n.props.get('phandle') ?? n.props.get('linux,phandle');
    const v = p?.value.be32(0);
    if (v !== undefined && v !== null) fdt.byPhandle.set(v, n);
    n.children.forEach(walk);
  };
  walk(root);
  return fdt;
}

// ---- property helpers ---------------------------------------------------------------------------

export function cells(p: DtProperty): number[] {
  const out: number[] = [];
  for (let i = 0; i + 4 <= p.value.length; i += 4) out.push(p.value.be32(i)!);
  return out;
}

export function strings(p: DtProperty | undefined): string[] {
  if (!p) return [];
  const out: string[] = [];
  let cur = '';
  for (let i = 0; i < p.value.length; i++) {
    const c = p.value.u8(i)!;
    if (c === 0) {
      out.push(cur);
      cur = '';
    } else cur += String.fromCharCode(c);
  }
  if (cur) out.push(cur);
  return out;
}

/** A number of `n` cells starting at cell `i` (big-endian, most significant first). */
export function number(c: number[], i: number, n: number): bigint {
  let v = 0n;
  for (let k = 0; k < n; k++) v = (v << 32n) | BigInt(c[i + k] ?? 0);
  return v;
}

export function u32prop(n: DtNode, name: string): number | null {
  const p = n.props.get(name);
  return p && p.value.length >= 4 ? p.value.be32(0) : null;
}

/** `#address-cells` / `#size-cells` that apply to a node's `reg` (its parent's; Linux defaults 1 and 1). */
export function addressCells(parentOf: DtNode): { na: number; ns: number } {
  const p = parentOf.parent ?? parentOf;
  return { na: u32prop(p, '#address-cells') ?? 1, ns: u32prop(p, '#size-cells') ?? 1 };
}

/** The first `reg` entry: [address, size]. */
export function firstReg(n: DtNode): { address: bigint; size: bigint } | null {
  const p = n.props.get('reg');
  if (!p) return null;
  const { na, ns } = addressCells(n);
  const c = cells(p);
  if (c.length < na + ns) return null;
  return { address: number(c, 0, na), size: number(c, na, ns) };
}
