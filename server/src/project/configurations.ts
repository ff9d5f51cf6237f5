// Which files form which configuration. An `include` makes files one configuration; the roots are
// the files nothing else includes. Files that include each other (a cycle, directly or through
// others) form one configuration too: its root is the first of them in path order, so the cycle
// is found once, at the same include, however the files were named. Strongly connected
// components (Tarjan, iterative) of the include graph; a component no outside file includes is a
// configuration, checked from its root.

export interface IncludeGraph {
  /** The files `file` includes (absolute paths; may name files outside the known set). */
  includesOf(file: string): readonly string[];
}

/**
 * The configuration roots of `files` (absolute paths), with every file reachable from them through
 * includes taken into account. Returned in path order.
 */
export function configurationRoots(files: Iterable<string>, graph: IncludeGraph): string[] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const component = new Map<string, number>();
  const members: string[][] = [];
  let counter = 0;

  const strongConnect = (start: string) => {
    const work: { node: string; next: readonly string[]; i: number }[] = [];
    const enter = (node: string) => {
      index.set(node, counter);
      low.set(node, counter);
      counter++;
      stack.push(node);
      onStack.add(node);
      work.push({ node, next: graph.includesOf(node), i: 0 });
    };
    enter(start);
    while (work.length > 0) {
      const top = work[work.length - 1]!;
      if (top.i < top.next.length) {
        const w = top.next[top.i++]!;
        if (!index.has(w)) enter(w);
        else if (onStack.has(w)) low.set(top.node, Math.min(low.get(top.node)!, index.get(w)!));
        continue;
      }
      work.pop();
      if (work.length > 0) {
        const parent = work[work.length - 1]!.node;
        low.set(parent, Math.min(low.get(parent)!, low.get(top.node)!));
      }
      if (low.get(top.node) === index.get(top.node)) {
        const id = members.length;
        const group: string[] = [];
        for (;;) {
          const w = stack.pop()!;
          onStack.delete(w);
          component.set(w, id);
          group.push(w);
          if (w === top.node) break;
        }
        members.push(group);
      }
    }
  };

  const sorted = [...new Set(files)].sort();
  for (const f of sorted) if (!index.has(f)) strongConnect(f);

  // A component included from outside itself is not a configuration of its own.
  const included = new Set<number>();
  for (const [node, id] of component) for (const w of graph.includesOf(node)) if (component.get(w) !== id) included.add(component.get(w)!);
  const roots: string[] = [];
  for (let id = 0; id < members.length; id++) if (!included.has(id)) roots.push(members[id]!.sort()[0]!);
  return roots.sort();
}
