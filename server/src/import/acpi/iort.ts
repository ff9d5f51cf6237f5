// IORT (IO Remapping Table, Arm DEN 0049): nodes for ITS groups, named components, PCI root
// complexes, SMMUv1/v2 and SMMUv3 instances, PMCGs and RMRs, each with ID mappings that send
// input IDs (RIDs, StreamIDs) on to an output node. Field offsets follow ACPICA's actbl2.h.
// Every length and offset is checked before it is followed; a bad node is reported and the walk
// goes on where the kernel's would (iort_scan_node stops at a node pointer outside the table).

import type { Bytes } from '../bytes';
import type { Findings } from '../findings';
import { hex32 } from '../findings';
import type { AcpiTable } from './tables';

export const IORT_NODE = { ITS_GROUP: 0, NAMED_COMPONENT: 1, ROOT_COMPLEX: 2, SMMU: 3, SMMU_V3: 4, PMCG: 5, RMR: 6 } as const;
const NODE_NAMES = ['ITS group', 'named component', 'PCI root complex', 'SMMUv1/v2', 'SMMUv3', 'PMCG', 'RMR'];
export const IORT_MAX_REVISION = 7;
const NODE_HEADER = 16;
const MAPPING_SIZE = 20;
const RMR_DESC_SIZE = 20;

export function nodeTypeName(type: number): string {
  return NODE_NAMES[type] ?? `type ${type}`;
}

export interface IdMapping {
  index: number;
  /** Offset of the mapping in the table. */
  offset: number;
  inputBase: number;
  /** The table's "Number of IDs": the count minus one. */
  idCount: number;
  outputBase: number;
  outputRef: number;
  single: boolean;
}

interface NodeBase {
  offset: number;
  type: number;
  length: number;
  revision: number;
  identifier: number;
  mappings: IdMapping[];
}

export interface ItsGroupNode extends NodeBase { type: 0; its: number[] }
export interface NamedComponentNode extends NodeBase { type: 1; name: string; memoryLimit: number }
export interface RootComplexNode extends NodeBase { type: 2; segment: number; ats: boolean; memoryLimit: number | null }
export interface SmmuNode extends NodeBase { type: 3; base: bigint; span: bigint; model: number }
export interface SmmuV3Node extends NodeBase {
  type: 4;
  base: bigint;
  flags: number;
  model: number;
  gsiv: [number, number, number, number];
  /** The mapping index that gives the SMMU's own MSI DeviceID, when the kernel honours it. */
  deviceIdIndex: number | null;
}
export interface PmcgNode extends NodeBase { type: 5; base: bigint; overflowGsiv: number; nodeRef: number }
export interface RmrDescriptor { offset: number; base: bigint; length: bigint }
export interface RmrNode extends NodeBase { type: 6; flags: number; descriptors: RmrDescriptor[] }

export type IortNode = ItsGroupNode | NamedComponentNode | RootComplexNode | SmmuNode | SmmuV3Node | PmcgNode | RmrNode;

export interface Iort {
  table: AcpiTable;
  revision: number;
  nodes: IortNode[];
  byOffset: Map<number, IortNode>;
}

/** Fixed data each node type needs after the 16-byte header, by the oldest layout. */
const MIN_DATA: Record<number, number> = { 0: 4, 1: 13, 2: 16, 3: 60, 4: 44, 5: 16, 6: 12 };

export function parseIort(table: AcpiTable, findings: Findings): Iort {
  const b = table.bytes;
  const at = (offset: number, length: number) => ({ kind: 'table' as const, table: table.source, offset, length });
  const iort: Iort = { table, revision: table.revision, nodes: [], byOffset: new Map() };
  if (table.revision > IORT_MAX_REVISION) {
    findings.report('table-revision', at(8, 1), `IORT revision ${table.revision} is newer than the newest this importer knows (${IORT_MAX_REVISION}); nodes are read with the newest known layout`);
  }
  const count = b.u32(36);
  const first = b.u32(40);
  if (count === null || first === null) {
    findings.report('table-malformed', at(36, Math.max(0, b.length - 36)), `IORT: the table ends at ${hex32(b.length)}, before its node count and node offset (0x24..0x2B); no nodes imported`);
    return iort;
  }
  if (count > 0 && (first < 48 || first >= b.length)) {
    findings.report('table-malformed', at(40, 4), `IORT: node offset ${hex32(first)} is ${first < 48 ? 'inside the table header' : `outside the table (length ${hex32(b.length)})`}; no nodes imported`);
    return iort;
  }
  let off = first;
  for (let i = 0; i < count; i++) {
    if (!b.has(off, NODE_HEADER)) {
      findings.report('table-malformed', at(off < b.length ? off : 36, off < b.length ? b.length - off : 4),
        `IORT: node ${i} of ${count} would start at ${hex32(off)}, ${off >= b.length ? 'past the end of the table' : 'with no room for its 16-byte header'} (length ${hex32(b.length)}): the node count is too large or a node length is wrong; ${count - i} node${count - i === 1 ? '' : 's'} not imported`);
      break;
    }
    const type = b.u8(off)!;
    const length = b.u16(off + 1)!;
    if (length < NODE_HEADER) {
      findings.report('table-malformed', at(off + 1, 2), `IORT: ${nodeTypeName(type)} node at ${hex32(off)} has length ${hex32(length)}, less than its 16-byte header; the walk cannot go on, ${count - i} node${count - i === 1 ? '' : 's'} not imported`);
      break;
    }
    if (!b.has(off, length)) {
      findings.report('table-malformed', at(off + 1, 2), `IORT: ${nodeTypeName(type)} node at ${hex32(off)} has length ${hex32(length)}, reaching past the end of the table (${hex32(b.length)}); ${count - i} node${count - i === 1 ? '' : 's'} not imported`);
      break;
    }
    const node = parseNode(b.slice(off, length)!, off, type, findings, at);
    if (node) {
      iort.nodes.push(node);
      iort.byOffset.set(off, node);
    }
    off += length;
  }
  return iort;
}

type At = (offset: number, length: number) => { kind: 'table'; table: AcpiTable['source']; offset: number; length: number };

function parseNode(n: Bytes, off: number, type: number, findings: Findings, at: At): IortNode | null {
  const revision = n.u8(3)!;
  const base: NodeBase = { offset: off, type, length: n.length, revision, identifier: n.u32(4)!, mappings: [] };
  const what = `${nodeTypeName(type)} node at ${hex32(off)}`;
  if (!(type in MIN_DATA)) {
    findings.report('table-revision', at(off, 1), `IORT: node type ${type} at ${hex32(off)} is not one this importer knows; skipped`);
    return null;
  }
  if (n.length < NODE_HEADER + MIN_DATA[type]!) {
    findings.report('table-malformed', at(off + 1, 2), `IORT: ${what} has length ${hex32(n.length)}, too short for its fields (at least ${hex32(NODE_HEADER + MIN_DATA[type]!)}); node skipped`);
    return null;
  }
  // ID mappings
  const mapCount = n.u32(8)!;
  const mapOffset = n.u32(12)!;
  if (mapCount > 0) {
    if (mapOffset < NODE_HEADER || mapOffset >= n.length) {
      findings.report('table-malformed', at(off + 12, 4), `IORT: ${what}: mapping offset ${hex32(mapOffset)} is ${mapOffset < NODE_HEADER ? 'inside the node header' : `outside the node (length ${hex32(n.length)})`}; its ${mapCount} ID mapping${mapCount === 1 ? '' : 's'} not imported`);
    } else {
      const fit = Math.floor((n.length - mapOffset) / MAPPING_SIZE);
      if (fit < mapCount) {
        findings.report('table-malformed', at(off + 8, 4), `IORT: ${what}: ${mapCount} ID mappings at ${hex32(off + mapOffset)} need ${hex32(mapCount * MAPPING_SIZE)} bytes but the node ends after ${fit} of them; the rest not imported`);
      }
      for (let i = 0; i < Math.min(fit, mapCount); i++) {
        const m = mapOffset + i * MAPPING_SIZE;
        base.mappings.push({
          index: i,
          offset: off + m,
          inputBase: n.u32(m)!,
          idCount: n.u32(m + 4)!,
          outputBase: n.u32(m + 8)!,
          outputRef: n.u32(m + 12)!,
          single: (n.u32(m + 16)! & 1) === 1,
        });
      }
    }
  }
  switch (type) {
    case IORT_NODE.ITS_GROUP: {
      const c = n.u32(16)!;
      const fit = Math.floor((n.length - 20) / 4);
      if (fit < c) findings.report('table-malformed', at(off + 16, 4), `IORT: ${what}: ${c} ITS identifiers do not fit in the node (room for ${fit}); the rest not imported`);
      const its: number[] = [];
      for (let i = 0; i < Math.min(c, fit); i++) its.push(n.u32(20 + i * 4)!);
      return { ...base, type: 0, its };
    }
    case IORT_NODE.NAMED_COMPONENT: {
      const limit = mapCount > 0 && mapOffset > 29 && mapOffset <= n.length ? mapOffset : n.length;
      let name = n.cstring(29, limit);
      if (name === null) {
        findings.report('table-malformed', at(off + 29, limit - 29), `IORT: ${what}: the device name is not NUL-terminated inside the node`);
        name = n.ascii(29, Math.max(0, limit - 29)) ?? '';
      }
      return { ...base, type: 1, name, memoryLimit: n.u8(28)! };
    }
    case IORT_NODE.ROOT_COMPLEX:
      return { ...base, type: 2, segment: n.u32(28)!, ats: (n.u32(24)! & 1) === 1, memoryLimit: revision >= 1 ? n.u8(32) : null };
    case IORT_NODE.SMMU:
      return { ...base, type: 3, base: n.u64(16)!, span: n.u64(24)!, model: n.u32(32)! };
    case IORT_NODE.SMMU_V3: {
      const flags = n.u32(24)!;
      const gsiv: [number, number, number, number] = [n.u32(44)!, n.u32(48)!, n.u32(52)!, n.u32(56)!];
      const index = n.u32(64);
      // iort_get_id_mapping_index: no index before node revision 1; until node revision 5 (E.e)
      // the index is ignored when all four interrupts are wired (GSIVs); from 5 on, flag bit 4 says.
      let deviceIdIndex: number | null = null;
      if (revision >= 1 && index !== null) {
        const valid = revision < 5 ? !(gsiv[0] && gsiv[1] && gsiv[2] && gsiv[3]) : (flags & 0x10) !== 0;
        if (valid) {
          if (index >= mapCount) {
            findings.report('table-malformed', at(off + 64, 4), `IORT: ${what}: DeviceID mapping index ${index} is not below the mapping count ${mapCount} (the kernel logs "ID mapping index overflows valid mappings")`);
          } else deviceIdIndex = index;
        }
      }
      return { ...base, type: 4, base: n.u64(16)!, flags, model: n.u32(40)!, gsiv, deviceIdIndex };
    }
    case IORT_NODE.PMCG:
      return { ...base, type: 5, base: n.u64(16)!, overflowGsiv: n.u32(24)!, nodeRef: n.u32(28)! };
    case IORT_NODE.RMR: {
      const flags = n.u32(16)!;
      const c = n.u32(20)!;
      const o = n.u32(24)!;
      const descriptors: RmrDescriptor[] = [];
      if (c > 0) {
        if (o < NODE_HEADER || o >= n.length) {
          findings.report('table-malformed', at(off + 24, 4), `IORT: ${what}: memory range offset ${hex32(o)} is ${o < NODE_HEADER ? 'inside the node header' : `outside the node (length ${hex32(n.length)})`}; its ${c} memory range${c === 1 ? '' : 's'} not imported`);
        } else {
          const fit = Math.floor((n.length - o) / RMR_DESC_SIZE);
          if (fit < c) findings.report('table-malformed', at(off + 20, 4), `IORT: ${what}: ${c} memory range descriptors at ${hex32(off + o)} need ${hex32(c * RMR_DESC_SIZE)} bytes but the node ends after ${fit} of them; the rest not imported`);
          for (let i = 0; i < Math.min(c, fit); i++) {
            const d = o + i * RMR_DESC_SIZE;
            descriptors.push({ offset: off + d, base: n.u64(d)!, length: n.u64(d + 8)! });
          }
        }
      }
      return { ...base, type: 6, flags, descriptors };
    }
  }
  return null;
}
