// pasid-shared-group: the first valid attachment of a PASID on a device whose group has other
// members.

import type { AnalysisCheck } from '../check';
import { attachesInOrder, names } from './common';
import { pasidAttaches } from './pasid';

const check: AnalysisCheck = {
  code: 'pasid-shared-group',
  severity: 'warning',
  family: 'isolation',
  title: 'A PASID attachment on a device whose group has other members.',
  explain:
    'PASID attachments are group-wide, and enabling PASID needs ACS isolation on the whole path, which multi-device groups usually lack (R45).',
  rules: 'R45, M42',
  run(ctx) {
    for (const { dev, group, loc, pasid: p, invalid, first } of pasidAttaches(attachesInOrder(ctx.config))) {
      if (invalid || first || group.members.length <= 1) continue;
      const others = group.members.filter((m) => m !== dev);
      ctx.report(
        'pasid-shared-group',
        loc,
        `'${dev.name}' shares group '${group.name}' with ${names(others)}: PASID attachments are group-wide, so they share PASID ${p}, and enabling PASID needs ACS isolation on the whole path, which a multi-device group usually lacks`,
        [{ loc: group.nameLoc, message: `group '${group.name}' has ${group.members.length} members` }],
      );
    }
  },
};

export default check;
