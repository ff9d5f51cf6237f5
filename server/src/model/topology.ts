// IOMMU groups derived from the PCI topology, as the kernel's `pci_device_group` forms them
// (drivers/iommu/iommu.c; domain.md R8a–c):
//   a. DMA aliases (`pci_for_each_dma_alias`): a device behind a PCIe-to-PCI (or PCI-to-PCIe,
//      or conventional PCI) bridge issues DMA with that bridge's requester ID: it joins the
//      group of the lowest such bridge above it.
//   b. Otherwise, when the path from the bridge directly above it to the root bus is not
//      ACS-enabled for REQ_ACS_FLAGS (SV RR CR UF; `pci_acs_path_enabled`), it joins the group
//      of that bridge — so everything below the first bridge lacking ACS shares one group.
//   c. Otherwise, a function of a multifunction device that lacks those ACS bits shares a group
//      with the other functions of its slot that lack them (`get_pci_function_alias_group`).
// `pci_acs_enabled` decides per function: conventional PCI and PCIe/PCI bridges never have ACS;
// root and downstream ports need the flags; other PCIe functions need them only when
// multifunction. Device-specific ACS quirks are expressed by declaring the ACS they provide.
//   d. Quirk DMA aliases (`dma_alias_mask`, set by drivers/pci/quirks.c): a device whose DMA also
//      carries the requester ID of another function on its bus shares that function's group
//      (`get_pci_alias_group`, `pci_devs_are_dma_aliases`); an alias naming no device changes no
//      group.
// SR-IOV virtual functions have their own requester IDs and are never multifunction
// (`pci_iov_add_virtfn` clears it): they take no part in c. Every relation is an edge of a
// union-find over the devices; no pairwise loop over all devices.

export type PortKind = 'root' | 'upstream' | 'downstream' | 'pcie-to-pci' | 'pci-to-pcie';
export const PORT_KINDS: readonly PortKind[] = ['root', 'upstream', 'downstream', 'pcie-to-pci', 'pci-to-pcie'];
export const ACS_FLAGS = ['sv', 'tb', 'rr', 'cr', 'uf', 'ec', 'dt'] as const;
export type AcsFlagName = (typeof ACS_FLAGS)[number];
/** REQ_ACS_FLAGS of drivers/iommu/iommu.c. */
export const REQ_ACS_FLAGS: readonly AcsFlagName[] = ['sv', 'rr', 'cr', 'uf'];

export interface TopologyNode {
  name: string;
  /** Segment, bus, device, function; null for a device without a PCI address. */
  bdf: { segment: number; bus: number; device: number; fn: number } | null;
  port: PortKind | null;
  /** A conventional PCI/PCI-X function (no PCI Express capability). */
  conventional: boolean;
  /** The ACS flags it enforces; null without an ACS capability. */
  acs: ReadonlySet<AcsFlagName> | null;
  /** Index of the bridge it sits behind; null on a root bus. */
  behind: number | null;
  /** An SR-IOV virtual function (`physfn`): not a function of a multifunction device. */
  virtfn?: boolean;
  /** Quirk DMA aliases: bus and devfn (same segment) of requester IDs its DMA also carries. */
  dmaAliases?: readonly { bus: number; devfn: number }[];
}

export interface GroupingEdge {
  /** The node it is grouped with. */
  other: number;
  rule: 'alias' | 'acs-path' | 'function' | 'dma-alias';
  /** A sentence for hover and messages. */
  why: string;
}

export interface Derivation {
  /** A representative per node: nodes with the same representative share a group. */
  root: number[];
  /** For each node, why it shares a group with another (null: nothing merges it upward). */
  edge: (GroupingEdge | null)[];
  /** Edges to siblings on the same bus: function-alias edges (rule c) and quirk DMA aliases (rule d). */
  functionEdges: GroupingEdge[][];
  /** For each node: whether `pci_acs_enabled(node, REQ_ACS_FLAGS)` holds. */
  acsEnabled: boolean[];
}

const bdfText = (n: TopologyNode) =>
  n.bdf
    ? `${n.bdf.segment.toString(16).padStart(4, '0')}:${n.bdf.bus.toString(16).padStart(2, '0')}:${n.bdf.device.toString(16).padStart(2, '0')}.${n.bdf.fn}`
    : 'no PCI address';

/** Why `pci_acs_enabled` fails for a node, or null when it holds. */
function acsFailure(n: TopologyNode, multifunction: boolean): string | null {
  if (n.conventional) return 'is conventional PCI (no ACS)';
  if (n.port === 'pcie-to-pci' || n.port === 'pci-to-pcie') return `is a ${n.port === 'pcie-to-pci' ? 'PCIe-to-PCI' : 'PCI-to-PCIe'} bridge (never ACS)`;
  const needs = n.port === 'root' || n.port === 'downstream' || multifunction;
  if (!needs) return null;
  if (n.acs === null) return 'has no ACS capability';
  const missing = REQ_ACS_FLAGS.filter((f) => !n.acs!.has(f));
  return missing.length === 0 ? null : `lacks ACS ${missing.map((f) => f.toUpperCase()).join(' ')}`;
}

export function deriveGroups(nodes: readonly TopologyNode[]): Derivation {
  const n = nodes.length;
  // Functions of one slot: the same bridge above, segment, bus and device number.
  const slotKey = (x: TopologyNode) => (x.bdf && !x.virtfn ? `${x.behind ?? -1}/${x.bdf.segment}:${x.bdf.bus}:${x.bdf.device}` : null);
  const slots = new Map<string, number[]>();
  nodes.forEach((x, i) => {
    const k = slotKey(x);
    if (k === null) return;
    let list = slots.get(k);
    if (!list) slots.set(k, (list = []));
    list.push(i);
  });
  const multifunction = nodes.map((x) => {
    const k = slotKey(x);
    return k !== null && slots.get(k)!.length > 1;
  });
  const failure = nodes.map((x, i) => acsFailure(x, multifunction[i]!));
  const acsEnabled = failure.map((f) => f === null);

  // pci_acs_path_enabled(start, NULL): every node from start up to the root bus. Memoised (a
  // `behind` cycle is cut: the model reports cycles separately).
  const pathFail: (number | null | undefined)[] = new Array(n).fill(undefined);
  const firstFailOnPath = (start: number): number | null => {
    const chain: number[] = [];
    const seen = new Set<number>();
    let result: number | null = null;
    for (let cur: number | null = start; cur !== null; cur = nodes[cur]!.behind) {
      if (pathFail[cur] !== undefined) {
        result = pathFail[cur]!;
        break;
      }
      if (seen.has(cur)) break;
      seen.add(cur);
      chain.push(cur);
      if (!acsEnabled[cur]) {
        result = cur;
        break;
      }
    }
    // Nodes below the failing one on this chain fail at it too; those above it were not visited.
    for (const c of chain) pathFail[c] = result;
    return result;
  };

  const parent = Array.from({ length: n }, (_, i) => i);
  const find = (i: number): number => {
    while (parent[i] !== i) {
      parent[i] = parent[parent[i]!]!;
      i = parent[i]!;
    }
    return i;
  };
  const union = (a: number, b: number) => {
    const ra = find(a);
    const rb = find(b);
    if (ra !== rb) parent[Math.max(ra, rb)] = Math.min(ra, rb);
  };

  const edge: (GroupingEdge | null)[] = new Array(n).fill(null);
  const functionEdges: GroupingEdge[][] = nodes.map(() => []);
  nodes.forEach((x, i) => {
    if (x.bdf === null) return;
    // a. The lowest bridge above that DMA from here is aliased to.
    const seen = new Set<number>([i]);
    for (let b = x.behind; b !== null && !seen.has(b); b = nodes[b]!.behind) {
      seen.add(b);
      const br = nodes[b]!;
      if (br.port === 'root' || br.port === 'upstream' || br.port === 'downstream') continue;
      const kind = br.conventional ? 'conventional PCI bridge' : br.port === 'pci-to-pcie' ? 'PCI-to-PCIe bridge' : 'PCIe-to-PCI bridge';
      edge[i] = { other: b, rule: 'alias', why: `its DMA carries the requester ID of ${br.name} (${bdfText(br)}), the ${kind} above it (pci_for_each_dma_alias)` };
      union(i, b);
      return;
    }
    // b. The bridge directly above, unless the path from it to the root bus is ACS-enabled.
    if (x.behind !== null) {
      const fail = firstFailOnPath(x.behind);
      if (fail !== null) {
        const f = nodes[fail]!;
        const above = nodes[x.behind]!;
        const where = fail === x.behind ? `${above.name} (${bdfText(above)}) above it ${failure[fail]}` : `${f.name} (${bdfText(f)}) on its path to the root ${failure[fail]}`;
        edge[i] = { other: x.behind, rule: 'acs-path', why: `${where}: peer-to-peer below it bypasses the IOMMU (pci_acs_path_enabled, REQ_ACS_FLAGS SV RR CR UF)` };
        union(i, x.behind);
        return;
      }
    }
    // c. Functions of one multifunction device without ACS.
    if (multifunction[i] && !acsEnabled[i]) {
      for (const j of slots.get(slotKey(x)!)!) {
        if (j === i || acsEnabled[j]) continue;
        functionEdges[i]!.push({ other: j, rule: 'function', why: `${x.name} and ${nodes[j]!.name} are functions of one multifunction device and neither isolates peer-to-peer (${x.name} ${failure[i]}, ${nodes[j]!.name} ${failure[j]}; get_pci_function_alias_group)` });
        union(i, j);
      }
    }
  });
  // d. Quirk DMA aliases: a device and the device at an alias's address on its bus.
  const byRid = new Map<string, number>();
  nodes.forEach((x, i) => x.bdf && byRid.set(`${x.bdf.segment}:${x.bdf.bus}:${x.bdf.device * 8 + x.bdf.fn}`, i));
  nodes.forEach((x, i) => {
    if (!x.bdf) return;
    for (const a of x.dmaAliases ?? []) {
      const j = byRid.get(`${x.bdf.segment}:${a.bus}:${a.devfn}`);
      if (j === undefined || j === i || a.bus !== x.bdf.bus) continue;
      functionEdges[i]!.push({ other: j, rule: 'dma-alias', why: `${x.name}'s DMA also carries the requester ID of ${nodes[j]!.name} (${bdfText(nodes[j]!)}), a DMA alias quirk: the two cannot be told apart (get_pci_alias_group, pci_devs_are_dma_aliases)` });
      union(i, j);
    }
  });
  return { root: nodes.map((_, i) => find(i)), edge, functionEdges, acsEnabled };
}

/** Why node `i` shares its group with others, one sentence per relation (for hover). */
export function groupingReasons(d: Derivation, i: number): string[] {
  const out: string[] = [];
  const e = d.edge[i];
  if (e) out.push(e.why);
  for (const f of d.functionEdges[i] ?? []) out.push(f.why);
  return out;
}
