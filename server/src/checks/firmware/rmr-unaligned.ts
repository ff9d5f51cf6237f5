// `rmr-unaligned`: raised by the firmware importers about misaligned firmware reservations.

import type { EmittedCheck } from '../check';
import { dmar, rmrr } from './examples';

const check: EmittedCheck = {
  code: 'rmr-unaligned',
  severity: 'warning',
  family: 'firmware',
  title: 'A firmware reserved region that is not aligned as the kernel expects.',
  explanation: {
    anchor: 'the region\'s base and length fields',
    what: 'An IORT RMR descriptor not 64 KiB aligned in base and length, a DMAR RMRR that does not start and end on 4 KiB pages or ends before it starts, an IVMD not page aligned, or a region of length zero.',
    why: 'The kernel logs "RMR descriptor[…] not aligned to 64K" and widens the region to pages (iort_rmr_alloc); for an RMRR it taints itself with "Your BIOS is broken; bad RMRR" (rmrr_sanity_check); for an IVMD it rounds the start up to a page, leaving the first bytes of the range unprotected (init_unity_map_range). What firmware DMA uses and what is identity-mapped then differ (M15).',
    fix: 'Align the region: RMR to 64 KiB, RMRR and IVMD to 4 KiB pages.',
    fires: { format: 'asl', source: dmar(rmrr('000000003E2E0800', '000000003E2FFFFF')) },
    nearMiss: { format: 'asl', source: dmar(rmrr('000000003E2E0000', '000000003E2FFFFF')) },
  },
  rules: 'M15',
  emittedBy: 'firmware',
};

export default check;
