// group-split: a second attach of a group's members to another domain.

import { statementAt } from '../../ide/common';
import { domainLabel } from '../../model/labels';
import { deleteStatement } from '../edits';
import { example, type AnalysisCheck } from '../check';
import { orderedAttaches } from './common';

const check: AnalysisCheck = {
  code: 'group-split',
  severity: 'error',
  family: 'isolation',
  title: 'Members of one IOMMU group would translate through different domains.',
  explanation: {
    anchor: 'the later `attach` that puts a group member in a second RID domain',
    what: 'Members of one group would translate through different domains (-EINVAL).',
    why: 'A domain is always set for a whole group: the kernel walks every device of the group when attaching (R1), and iommufd returns -EINVAL when a second member of a group names a different HWPT (R16a). Attach the whole group to one domain.',
    fix: 'Attach the whole group (or every member) to one domain.',
    fires: example`
      iommu smmu0 { model smmuv3 }
      device gpu { pci 0000:01:00.0 driver vfio-pci }
      device audio { pci 0000:01:00.1 driver vfio-pci }
      group g { gpu audio }
      domain a : paging { attach gpu }
      domain b : paging { attach audio }
    `,
    nearMiss: example`
      iommu smmu0 { model smmuv3 }
      device gpu { pci 0000:01:00.0 driver vfio-pci }
      device audio { pci 0000:01:00.1 driver vfio-pci }
      group g { gpu audio }
      domain a : paging { attach g }
    `,
  },
  rules: 'R1, R16a, M1',
  run(ctx) {
    for (const a of ctx.shared(orderedAttaches)) {
      if (a.pasid !== null || !a.group) continue;
      const first = a.group.ridAttach;
      if (!first || first === a || first.domain === a.domain) continue;
      if (a.domain.broken || first.domain.broken || a.group.broken || (a.target && a.target.broken)) continue;
      const g = a.group;
      const who = a.target?.kind === 'device' ? `device '${a.target.name}'` : `group '${g.name}'`;
      const groupText = g.implicit ? (g.members.length === 1 && a.target?.kind === 'device' ? 'its singleton group' : `group '${g.name}'`) : `group '${g.name}'`;
      const firstWho = first.target?.kind === 'device' ? `'${first.target.name}'` : `group '${first.group?.name ?? '?'}'`;
      ctx.report(
        'group-split',
        a.loc,
        `${who} is in ${groupText}, already attached to domain ${domainLabel(first.domain)} (by ${firstWho}): a group translates through one domain, so attaching it to '${a.domain.name}' fails with -EINVAL`,
        [{ loc: first.loc, message: `${groupText === 'its singleton group' ? `'${g.name}'` : `group '${g.name}'`} is first attached to '${first.domain.name}' here` }],
        { group: g.name, domain: a.domain.name, first: first.domain.name },
      );
    }
  },
  // data: { group, domain (of this attach), first (the domain the group is attached to first) }.
  // Two fixes, a person's choice: drop this attach, or move the whole group here.
  fixes(d, { config }) {
    const { top, inner } = statementAt(d.loc.file, d.loc.span.start);
    if (top?.kind !== 'domain' || inner?.kind !== 'attach') return [];
    const dom = config.domains.find((x) => x.decl === top);
    const entry = dom?.attaches.find((a) => a.stmt === inner);
    if (!dom || !entry?.group || entry.group.name !== d.data?.group || dom.name !== d.data?.domain) return [];
    const g = entry.group;
    const others = config.domains.flatMap((x) => x.attaches).filter((a) => a !== entry && a.pasid === null && a.group === g && a.domain !== dom);
    if (others.length === 0) return [];
    const where = others[0]!.domain;
    return [
      {
        title: `Remove 'attach ${entry.target?.name ?? g.name}' from '${dom.name}': group '${g.name}' is attached to '${where.name}'`,
        edits: [deleteStatement(d.loc.file, inner)],
        safe: false,
        preferred: true,
      },
      {
        title: `Attach the whole group '${g.name}' to '${dom.name}' instead`,
        edits: [
          ...others.map((a) => deleteStatement(a.loc.file, a.stmt)),
          ...(entry.target === g ? [] : [{ path: d.loc.file.path, span: inner.ref!.span, newText: g.implicit ? entry.target!.name : g.name }]),
        ],
        safe: false,
      },
    ];
  },
};

export default check;
