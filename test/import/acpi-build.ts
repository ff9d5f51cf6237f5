// Test helpers: compile ACPI table sources with iasl (Debian acpica-tools) and devicetree sources
// with dtc (device-tree-compiler), and assemble IORT tables byte by byte where the packaged iasl
// lacks a structure (RMR nodes, revision 5 layouts).

import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const FIXTURES = path.join(__dirname, 'fixtures');

function tool(cmd: string, pkg: string): void {
  const r = spawnSync(cmd, ['-v'], { encoding: 'utf8' });
  if (r.error) throw new Error(`${cmd} is not installed: run scripts/test-setup.sh (Debian package ${pkg})`);
}

/** Compile an ACPI data-table source (iasl's "Field : value" format) to the table's bytes. */
export function compileAsl(source: string): Uint8Array {
  tool('iasl', 'acpica-tools');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iommu-asl-'));
  try {
    fs.writeFileSync(path.join(dir, 't.asl'), source);
    const r = spawnSync('iasl', ['-p', path.join(dir, 'out'), path.join(dir, 't.asl')], { encoding: 'utf8', timeout: 60_000 });
    const out = path.join(dir, 'out.aml');
    if (r.status !== 0 || !fs.existsSync(out)) throw new Error(`iasl failed:\n${r.stdout}\n${r.stderr}`);
    return new Uint8Array(fs.readFileSync(out));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

export function fixture(name: string): string {
  return fs.readFileSync(path.join(FIXTURES, name), 'utf8');
}

/** Compile a devicetree source to a flattened devicetree blob. */
export function compileDts(source: string): Uint8Array {
  tool('dtc', 'device-tree-compiler');
  const r = spawnSync('dtc', ['-q', '-I', 'dts', '-O', 'dtb', '-o', '-', '-'], { input: source, timeout: 60_000 });
  if (r.status !== 0) throw new Error(`dtc failed:\n${r.stderr}`);
  return new Uint8Array(r.stdout);
}

/** Recompute an ACPI table's checksum (byte 9) in place. */
export function fixChecksum(t: Uint8Array): Uint8Array {
  t[9] = 0;
  let s = 0;
  for (const b of t) s = (s + b) & 0xff;
  t[9] = (0x100 - s) & 0xff;
  return t;
}

// ---- IORT assembler ---------------------------------------------------------------------------

export interface IortMapping { input: number; count: number; output: number; ref: string; single?: boolean }
export type IortNodeSpec =
  | { name: string; type: 'its'; its: number[] }
  | { name: string; type: 'smmuv3'; base: bigint; model?: number; gsiv?: [number, number, number, number]; revision?: number; flags?: number; index?: number; mappings: IortMapping[] }
  | { name: string; type: 'rc'; segment: number; mappings: IortMapping[] }
  | { name: string; type: 'nc'; device: string; mappings: IortMapping[] }
  | { name: string; type: 'rmr'; flags: number; ranges: [bigint, bigint][]; mappings: IortMapping[] };

class Writer {
  bytes: number[] = [];
  u8(v: number) { this.bytes.push(v & 0xff); }
  u16(v: number) { this.u8(v); this.u8(v >>> 8); }
  u32(v: number) { this.u16(v & 0xffff); this.u16(Math.floor(v / 0x10000)); }
  u64(v: bigint) { this.u32(Number(v & 0xffffffffn)); this.u32(Number(v >> 32n)); }
  str(s: string, n: number) { for (let i = 0; i < n; i++) this.u8(i < s.length ? s.charCodeAt(i) : 0); }
}

/** An IORT of the given revision (default 5) with nodes laid out back to back from offset 0x30. */
export function buildIort(nodes: IortNodeSpec[], revision = 5): { bytes: Uint8Array; offsets: Record<string, number> } {
  // First pass: node sizes and offsets.
  const head = (n: IortNodeSpec): number => {
    switch (n.type) {
      case 'its': return 20 + 4 * n.its.length;
      case 'smmuv3': return 68;
      case 'rc': return 40;
      case 'nc': return 29 + ((n.device.length + 1 + 3) & ~3);
      case 'rmr': return 28;
    }
  };
  const size = (n: IortNodeSpec) => head(n) + ('mappings' in n ? n.mappings.length * 20 : 0) + (n.type === 'rmr' ? n.ranges.length * 20 : 0);
  const offsets: Record<string, number> = {};
  let at = 48;
  for (const n of nodes) {
    offsets[n.name] = at;
    at += size(n);
  }
  const w = new Writer();
  w.str('IORT', 4); w.u32(at); w.u8(revision); w.u8(0); w.str('IOMMUC', 6); w.str('TESTIORT', 8); w.u32(1); w.str('TEST', 4); w.u32(1);
  w.u32(nodes.length); w.u32(48); w.u32(0);
  const ref = (r: string) => (r in offsets ? offsets[r]! : Number(r));
  for (const n of nodes) {
    const maps = 'mappings' in n ? n.mappings : [];
    const typeCode = { its: 0, nc: 1, rc: 2, smmuv3: 4, rmr: 6 }[n.type];
    const nodeRev = { its: 1, nc: 4, rc: 4, smmuv3: n.type === 'smmuv3' ? n.revision ?? 5 : 0, rmr: 3 }[n.type];
    w.u8(typeCode); w.u16(size(n)); w.u8(nodeRev); w.u32(0); w.u32(maps.length); w.u32(maps.length ? head(n) : 0);
    switch (n.type) {
      case 'its': w.u32(n.its.length); for (const i of n.its) w.u32(i); break;
      case 'smmuv3': {
        const g = n.gsiv ?? [0x6a, 0x6b, 0x6d, 0x6c];
        w.u64(n.base); w.u32(n.flags ?? 0); w.u32(0); w.u64(0n); w.u32(n.model ?? 0); for (const x of g) w.u32(x); w.u32(0); w.u32(n.index ?? 0);
        break;
      }
      case 'rc': w.u32(1); w.u32(0); w.u32(0); w.u32(n.segment); w.u8(48); w.u16(0); w.u8(0); w.u32(0); break;
      case 'nc': w.u32(0); w.u32(0); w.u32(0); w.u8(48); w.str(n.device, (n.device.length + 1 + 3) & ~3); break;
      case 'rmr': w.u32(n.flags); w.u32(n.ranges.length); w.u32(head(n) + maps.length * 20); break;
    }
    for (const m of maps) { w.u32(m.input); w.u32(m.count); w.u32(m.output); w.u32(ref(m.ref)); w.u32(m.single ? 1 : 0); }
    if (n.type === 'rmr') for (const [b, l] of n.ranges) { w.u64(b); w.u64(l); w.u32(0); }
  }
  return { bytes: fixChecksum(Uint8Array.from(w.bytes)), offsets };
}

/** The text `acpidump` prints for a table: `SIG @ 0xADDR`, then `OFFSET: 16 hex bytes  ASCII` lines. */
export function acpidumpText(tables: [string, Uint8Array][]): string {
  const out: string[] = [];
  let addr = 0x7f000000;
  for (const [sig, t] of tables) {
    out.push(`${sig} @ 0x${addr.toString(16).padStart(16, '0')}`);
    for (let o = 0; o < t.length; o += 16) {
      const row = [...t.slice(o, o + 16)];
      const hexes = row.map((b) => b.toString(16).toUpperCase().padStart(2, '0')).join(' ');
      const ascii = row.map((b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.')).join('');
      out.push(`    ${o.toString(16).toUpperCase().padStart(4, '0')}: ${hexes.padEnd(47)}  ${ascii}`);
    }
    out.push('');
    addr += 0x1000;
  }
  return out.join('\n');
}
