// `table-malformed`: raised by the firmware importers about a length or offset they cannot follow.

import type { EmittedCheck } from '../check';
import { dmarDump } from './examples';

const check: EmittedCheck = {
  code: 'table-malformed',
  severity: 'error',
  family: 'firmware',
  title: 'A firmware table or blob that cannot be read in full.',
  explanation: {
    anchor: 'the bad length or offset field (TABLE+0xOFFSET, or the devicetree node)',
    what: 'A length or offset field points outside its table, node or structure, a structure is cut short, or the blob is not what it says it is. One finding per bad field; the rest of the table is still imported.',
    why: 'The kernel stops walking a table at such a field (for example "IORT node pointer overflows, bad table!") or reads whatever lies beyond it, so the devices and reservations described after it are lost or garbage.',
    fix: 'Correct the field in the table source and rebuild the firmware; with a dump from a bug report, check that it was not cut off while copying.',
    fires: { format: 'acpidump', source: dmarDump('50', '40') },
    nearMiss: { format: 'acpidump', source: dmarDump('80', '10') },
  },
  emittedBy: 'firmware',
};

export default check;
