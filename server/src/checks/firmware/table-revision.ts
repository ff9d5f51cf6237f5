// `table-revision`: raised by the firmware importers about revisions and types they do not know.

import type { EmittedCheck } from '../check';
import { dmar } from './examples';

const check: EmittedCheck = {
  code: 'table-revision',
  severity: 'warning',
  family: 'firmware',
  title: 'A table or structure revision the importer does not know.',
  explanation: {
    anchor: 'the revision or type field',
    what: 'A table revision newer than the importer knows, a node or structure type it does not know, or IORT RMR nodes in a table older than revision 5.',
    why: 'Newer layouts may add fields the importer ignores; known fields are read with the newest known layout. The kernel reads IORT RMR nodes only from table revision 5 (E.d) on (iort_find_rmrs): RMRs in an older table reserve nothing.',
    fix: 'Check the imported configuration by hand for what the newer fields say; for RMR nodes, raise the IORT revision to 5 or later.',
    fires: { format: 'asl', source: dmar('', '01', '03') },
    nearMiss: { format: 'asl', source: dmar('', '01', '01') },
  },
  emittedBy: 'firmware',
};

export default check;
