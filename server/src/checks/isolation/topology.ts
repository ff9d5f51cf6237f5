// Shared by group-topology and acs-override: declared groups that the PCI topology puts in one
// group (pci_device_group, domain.md R8), found through the derivation's classes.

import { sameDerivedGroup } from '../../model/build';
import type { GroupingEdge } from '../../model/topology';
import type { Configuration, Device, Group, TopologyModel } from '../../model/types';

export interface MergedGroups {
  /** The later group (in declaration order): the diagnostic's anchor. */
  group: Group;
  /** The first declared group of the same derived group. */
  first: Group;
  /** Why the kernel would put them together. */
  why: string;
}

/** Whether the configuration says the kernel runs with the out-of-tree ACS override. */
export function acsOverride(config: Configuration): boolean {
  return config.commandLine?.effects.acsOverride != null;
}

export function mergedGroups(config: Configuration): MergedGroups[] {
  const t = config.topology;
  if (!t) return [];
  const out: MergedGroups[] = [];
  const firstOfClass = new Map<number, Group>();
  for (const g of config.groups) {
    if (g.implicit || g.broken) continue;
    const roots = new Set<number>();
    for (const m of g.members) {
      const i = t.index.get(m);
      if (i !== undefined) roots.add(t.derivation.root[i]!);
    }
    let reported = false;
    for (const r of roots) {
      const first = firstOfClass.get(r);
      if (!first) {
        firstOfClass.set(r, g);
        continue;
      }
      if (first === g || reported) continue;
      reported = true;
      const x = g.members.find((m) => t.index.get(m) !== undefined && t.derivation.root[t.index.get(m)!] === r)!;
      const y = first.members.find((m) => t.index.get(m) !== undefined && t.derivation.root[t.index.get(m)!] === r)!;
      const why = connection(t, t.index.get(x)!, t.index.get(y)!);
      out.push({ group: g, first, why });
    }
  }
  return out;
}

/** The relations that join devices `from` and `to` (a shortest path through the derived group). */
function connection(t: TopologyModel, from: number, to: number): string {
  const d = t.derivation;
  const members = sameDerivedGroup(t, t.devices[from]!).map((m: Device) => t.index.get(m)!);
  const adj = new Map<number, { to: number; edge: GroupingEdge; at: number }[]>();
  const add = (a: number, b: number, edge: GroupingEdge, at: number) => {
    let l = adj.get(a);
    if (!l) adj.set(a, (l = []));
    l.push({ to: b, edge, at });
  };
  for (const i of members) {
    const e = d.edge[i];
    if (e) {
      add(i, e.other, e, i);
      add(e.other, i, e, i);
    }
    for (const f of d.functionEdges[i] ?? []) {
      add(i, f.other, f, i);
      add(f.other, i, f, i);
    }
  }
  const prev = new Map<number, { from: number; edge: GroupingEdge; at: number }>();
  const queue = [from];
  const seen = new Set([from]);
  while (queue.length > 0) {
    const cur = queue.shift()!;
    if (cur === to) break;
    for (const n of adj.get(cur) ?? []) {
      if (seen.has(n.to)) continue;
      seen.add(n.to);
      prev.set(n.to, { from: cur, edge: n.edge, at: n.at });
      queue.push(n.to);
    }
  }
  // The path's highest node (nearest the root) is where the two sides meet: the relation into it says why.
  const steps: { from: number; edge: GroupingEdge; at: number; to: number }[] = [];
  for (let cur = to; cur !== from && prev.has(cur); cur = prev.get(cur)!.from) steps.unshift({ ...prev.get(cur)!, to: cur });
  if (steps.length === 0) return 'they share a group derived from the topology';
  const depth = (i: number) => {
    let n = 0;
    for (let b = t.devices[i]!.topology.behind; b && n < 256; b = b.topology.behind) n++;
    return n;
  };
  const nodes = [from, ...steps.map((s) => s.to)];
  const peak = nodes.reduce((best, i) => (depth(i) < depth(best) ? i : best), nodes[0]!);
  const into = steps.find((s) => s.edge.other === peak && s.at !== peak) ?? steps.find((s) => s.edge.rule === 'function') ?? steps[0]!;
  const a = t.devices[from]!.name;
  const b = t.devices[to]!.name;
  const meet = peak === from || peak === to ? '' : ` meet at '${t.devices[peak]!.name}':`;
  return `'${a}' and '${b}'${meet || ' are joined:'} '${t.devices[into.at]!.name}': ${into.edge.why}`;
}
