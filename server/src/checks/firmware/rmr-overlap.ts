// `rmr-overlap`: raised by import-acpi about overlapping firmware reservations.

import type { EmittedCheck } from '../check';
import { dmar, rmrr } from './examples';

const check: EmittedCheck = {
  code: 'rmr-overlap',
  severity: 'warning',
  family: 'firmware',
  title: 'Two memory ranges of one firmware reservation overlap.',
  explanation: {
    anchor: 'the later range',
    what: 'Two memory range descriptors of one IORT RMR node overlap, or two DMAR RMRRs partly overlap (identical or nested RMRRs merge silently).',
    why: 'The kernel logs "RMR descriptor[…] overlaps, continue anyway" (iort_rmr_desc_check_overlap). Regions of one type merge into one reserved region, so nothing breaks at once, but firmware that meant two regions rarely writes them this way: one of them is usually wrong (M15).',
    fix: 'Correct the bases and lengths so that the ranges are disjoint (or merge them into one).',
    fires: { format: 'asl', source: dmar(rmrr('000000003E2E0000', '000000003E2FFFFF') + rmrr('000000003E2F0000', '000000003E30FFFF', '02,00')) },
    nearMiss: { format: 'asl', source: dmar(rmrr('000000003E2E0000', '000000003E2FFFFF') + rmrr('000000003E300000', '000000003E30FFFF', '02,00')) },
  },
  rules: 'M15',
  emittedBy: 'firmware',
};

export default check;
