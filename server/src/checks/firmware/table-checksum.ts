// `table-checksum`: raised by import-acpi about a table whose bytes do not sum to zero.

import type { EmittedCheck } from '../check';
import { dmarDump } from './examples';

const check: EmittedCheck = {
  code: 'table-checksum',
  severity: 'warning',
  family: 'firmware',
  title: 'An ACPI table whose bytes do not sum to zero.',
  explanation: {
    anchor: 'the checksum byte (TABLE+0x9)',
    what: "The table's bytes, over its header's length, do not sum to 0 modulo 256.",
    why: 'ACPICA verifies the checksum of every table it loads and warns ("Incorrect checksum in table") but still uses the table, as the importer does. A wrong checksum usually means the table was edited without recomputing it, or the dump is damaged, so the other findings deserve care.',
    fix: 'Recompute the checksum (iasl does it when it compiles the table), or take a fresh dump.',
    fires: { format: 'acpidump', source: dmarDump('91', '10') },
    nearMiss: { format: 'acpidump', source: dmarDump('80', '10') },
  },
  emittedBy: 'firmware',
};

export default check;
