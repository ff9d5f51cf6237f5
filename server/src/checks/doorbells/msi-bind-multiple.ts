// msi-bind-multiple: more than one msi-bind in one nested domain.

import { formatInterval, hex } from '../../model/intervals';
import type { AnalysisCheck } from '../check';

const check: AnalysisCheck = {
  code: 'msi-bind-multiple',
  severity: 'error',
  family: 'doorbells',
  title: 'More than one msi-bind in one nested domain.',
  explain:
    'The bind_guest_msi design allows one gIOVA/gDB binding per domain (R40).',
  rules: 'R40, M36',
  run(ctx) {
    for (const dom of ctx.config.domains) {
      if (dom.type !== 'nested' || dom.msiBinds.length === 0) continue;
      const first = dom.msiBinds[0]!;
      for (const b of dom.msiBinds.slice(1))
        ctx.report('msi-bind-multiple', b.loc, `nested domain '${dom.name}' already has an msi-bind: one gIOVA/doorbell binding per domain (iommu_bind_guest_msi)`, [
          { loc: first.loc, message: `first msi-bind: ${formatInterval(first.giova)} -> ${hex(first.gpa)}` },
        ]);
    }
  },
};

export default check;
