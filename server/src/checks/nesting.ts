// Nesting checks (checks.md "Nesting"): the parent of a nested domain, nesting support of the
// IOMMU, stage-2 coverage of the guest's stage-1 output and PASID table, and the PASID table
// format and granularity of the IOMMU model (R43, R47).

import { formatInterval, formatSize, mergeTouching, sizeOf, type Interval } from '../model/intervals';
import type { Translation } from '../model/translation';
import type { Domain, Loc } from '../model/types';
import { registerCheck } from './registry';

/** The union of a paging domain's maps (explicit and implicit) as sorted, merged intervals. */
function coverage(tx: Translation, dom: Domain): Interval[] {
  return mergeTouching(
    tx.mapsOf(dom).map((m) => ({ start: m.input.start, last: m.input.last })),
    (_first, start, last) => ({ start, last }),
  );
}

/** The parts of `want` that `cover` (sorted, merged, disjoint) leaves out. */
export function uncovered(cover: readonly Interval[], want: Interval): Interval[] {
  const out: Interval[] = [];
  // first interval whose last >= want.start
  let lo = 0;
  let hi = cover.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (cover[mid]!.last < want.start) lo = mid + 1;
    else hi = mid;
  }
  let cur = want.start;
  for (let i = lo; i < cover.length; i++) {
    const c = cover[i]!;
    if (c.start > want.last) break;
    if (c.start > cur) out.push({ start: cur, last: c.start - 1n });
    if (c.last >= want.last) return out;
    cur = c.last + 1n;
  }
  out.push({ start: cur, last: want.last });
  return out;
}

function describeGaps(gaps: Interval[]): string {
  const total = gaps.reduce((s, g) => s + sizeOf(g), 0n);
  const shown = gaps.slice(0, 3).map(formatInterval).join(', ');
  return `${shown}${gaps.length > 3 ? ` and ${gaps.length - 3} more` : ''} (${formatSize(total)} in all)`;
}

registerCheck({
  codes: ['bad-nest-parent', 'nesting-unsupported'],
  run(ctx) {
    for (const dom of ctx.config.domains) {
      if (dom.type === null) continue;
      // nesting-unsupported: the domain's IOMMU cannot host nesting
      if ((dom.nestParent || dom.type === 'nested') && dom.iommu && !dom.iommu.broken && dom.iommu.model && !dom.iommu.nesting) {
        const io = dom.iommu;
        ctx.report(
          'nesting-unsupported',
          dom.nameLoc,
          `${dom.type === 'nested' ? 'nested domain' : 'nest-parent domain'} '${dom.name}' is on iommu '${io.name}' (${io.model}), which has no nesting support: IOMMU_HWPT_ALLOC fails (-EOPNOTSUPP)`,
          [{ loc: io.nameLoc, message: `iommu '${io.name}' (${io.model})${io.decl.props.some((p) => p.kind === 'no-nesting') ? ' is declared no-nesting' : ': nesting is off for this model unless declared'}` }],
        );
      }
      if (dom.type !== 'nested' || !dom.parentStmt || !dom.parent) continue;
      const p = dom.parent;
      if (p.broken || p.type === null) continue;
      const loc: Loc = { file: dom.nameLoc.file, span: dom.parentStmt.span };
      const rel = [{ loc: p.nameLoc, message: `'${p.name}' is declared here as a ${p.type} domain${p.nestParent ? ' with nest-parent' : ''}` }];
      if (p === dom) {
        ctx.report('bad-nest-parent', loc, `nested domain '${dom.name}' names itself as parent: a nested domain cannot be its own stage 2 (-EINVAL)`, rel);
      } else if (p.type === 'nested') {
        ctx.report('bad-nest-parent', loc, `parent '${p.name}' is itself a nested domain: nesting on a nested HWPT is refused (-EINVAL); name its nest-parent paging domain instead`, rel);
      } else if (p.type !== 'paging') {
        ctx.report('bad-nest-parent', loc, `parent '${p.name}' is a ${p.type} domain: a nested domain's parent must be a paging domain allocated with nest-parent (-EINVAL)`, rel);
      } else if (!p.nestParent) {
        ctx.report('bad-nest-parent', loc, `parent '${p.name}' is a paging domain without nest-parent (IOMMU_HWPT_ALLOC_NEST_PARENT): it cannot serve as stage 2 (-EINVAL)`, rel);
      } else if (dom.iommu && p.iommu && dom.iommu !== p.iommu) {
        ctx.report('bad-nest-parent', loc, `parent '${p.name}' is on iommu '${p.iommu.name}', but '${dom.name}' is on '${dom.iommu.name}': a stage 2 belongs to one IOMMU instance (-EINVAL)`, [
          ...rel,
          { loc: dom.iommuRef ? { file: dom.nameLoc.file, span: dom.iommuRef.span } : dom.nameLoc, message: `'${dom.name}' is on iommu '${dom.iommu.name}'` },
        ]);
      }
    }
  },
});

registerCheck({
  codes: ['s2-unmapped'],
  run(ctx) {
    const { tx } = ctx;
    const covers = new Map<Domain, Interval[]>();
    for (const dom of ctx.config.domains) {
      if (dom.broken || dom.type !== 'nested' || dom.stage1 !== 'translate') continue;
      const p = dom.parent;
      if (!p || p.broken || p.type !== 'paging' || !p.nestParent) continue;
      let cover = covers.get(p);
      if (!cover) covers.set(p, (cover = coverage(tx, p)));
      const rel = { loc: p.nameLoc, message: `stage-2 parent '${p.name}'` };
      for (const m of dom.maps) {
        const ipa = { start: m.output, last: m.output + (m.input.last - m.input.start) };
        const gaps = uncovered(cover, ipa);
        if (gaps.length === 0) continue;
        ctx.report(
          's2-unmapped',
          m.loc,
          `this stage-1 map outputs IPA ${formatInterval(ipa)}, but parent '${p.name}' does not map ${describeGaps(gaps)}: the device's DMA there faults at stage 2`,
          [rel],
        );
      }
      const t = dom.pasidTable;
      if (t) {
        const gaps = uncovered(cover, t.range);
        if (gaps.length > 0)
          ctx.report(
            's2-unmapped',
            t.loc,
            `the guest PASID table at IPA ${formatInterval(t.range)} is not fully mapped by parent '${p.name}' (missing ${describeGaps(gaps)}): the IOMMU's table walk faults at stage 2`,
            [rel],
          );
      }
    }
  },
});

registerCheck({
  codes: ['pasid-table-format'],
  run(ctx) {
    const { tx } = ctx;
    for (const dom of ctx.config.domains) {
      const t = dom.pasidTable;
      if (dom.broken || dom.type !== 'nested' || !t || !t.format || !t.stmt.format) continue;
      const io = dom.iommu;
      if (!io || io.broken || !io.model) continue;
      const loc: Loc = { file: dom.nameLoc.file, span: t.stmt.format.span };
      const rel = [{ loc: io.nameLoc, message: `iommu '${io.name}' is ${io.model}` }];
      if (io.model === 'smmuv3' || io.model === 'vtd') {
        if (t.format !== io.model) {
          ctx.report(
            'pasid-table-format',
            loc,
            io.model === 'smmuv3'
              ? `a ${t.format} PASID table on SMMUv3 iommu '${io.name}': the guest owns a context-descriptor table (format smmuv3) through the vSTE`
              : `a ${t.format} PASID table on VT-d iommu '${io.name}': VT-d binds first-stage tables per PASID (format vtd)`,
            rel,
          );
          continue;
        }
        if (io.model === 'vtd') {
          const devs = tx.devicesIn(dom);
          if (devs.length > 1)
            ctx.report(
              'pasid-table-format',
              loc,
              `VT-d binds the guest's first-stage tables per (device, PASID): one guest PASID table cannot be shared by ${devs.length} devices (${devs.map((d) => `'${d.name}'`).join(', ')})`,
              rel,
            );
        } else {
          const viaPasid = dom.attaches.find((a) => a.pasid !== null);
          if (viaPasid)
            ctx.report(
              'pasid-table-format',
              loc,
              `on SMMUv3 the guest's CD table belongs to the whole STE (every PASID of the device): it cannot be attached to PASID ${viaPasid.pasid} alone`,
              [...rel, { loc: viaPasid.loc, message: 'the PASID attachment' }],
            );
        }
        continue;
      }
      // Other models have neither table format; without nesting, nesting-unsupported says it already.
      if (io.model !== 'generic' && io.nesting)
        ctx.report('pasid-table-format', loc, `iommu '${io.name}' is ${io.model}: it has no ${t.format} guest PASID table format`, rel);
    }
  },
});
