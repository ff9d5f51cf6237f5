// `id-count-off-by-one`: raised by import-acpi about an IORT "Number of IDs" written as a count.

import type { EmittedCheck } from '../check';
import { aslHeader } from './examples';

const iort = (count: string) => `${aslHeader('IORT', '00')}
[0004]                         Node Count : 00000002
[0004]                        Node Offset : 00000030
[0004]                           Reserved : 00000000

/* IORT+0x30: ITS group */
[0001]                               Type : 00
[0002]                             Length : 0018
[0001]                           Revision : 00
[0004]                           Reserved : 00000000
[0004]                      Mapping Count : 00000000
[0004]                     Mapping Offset : 00000000
[0004]                           ItsCount : 00000001
[0004]                        Identifiers : 00000000

/* IORT+0x48: PCI root complex, two ID mappings */
[0001]                               Type : 02
[0002]                             Length : 004C
[0001]                           Revision : 00
[0004]                           Reserved : 00000000
[0004]                      Mapping Count : 00000002
[0004]                     Mapping Offset : 00000024

[0008]                  Memory Properties : [IORT Memory Access Properties]
[0004]                    Cache Coherency : 00000001
[0001]              Hints (decoded below) : 00
                                Transient : 0
                           Write Allocate : 0
                            Read Allocate : 0
                                 Override : 0
[0002]                           Reserved : 0000
[0001]       Memory Flags (decoded below) : 03
                                Coherency : 1
                         Device Attribute : 1
[0004]                      ATS Attribute : 00000000
[0004]                 PCI Segment Number : 00000000
[0001]                  Memory Size Limit : 00
[0003]                           Reserved : 000000

[0004]                         Input base : 00000000
[0004]                           ID Count : ${count}
[0004]                        Output Base : 00000000
[0004]                   Output Reference : 00000030
[0004]              Flags (decoded below) : 00000000
                           Single Mapping : 0

[0004]                         Input base : 00000100
[0004]                           ID Count : 000000FF
[0004]                        Output Base : 00001000
[0004]                   Output Reference : 00000030
[0004]              Flags (decoded below) : 00000000
                           Single Mapping : 0
`;

const check: EmittedCheck = {
  code: 'id-count-off-by-one',
  severity: 'warning',
  family: 'firmware',
  title: 'An ID mapping whose last input ID is the first of the next mapping: "Number of IDs" written as a count.',
  explanation: {
    anchor: 'the first of the two IORT ID mappings',
    what: 'An IORT ID mapping whose range (input base + "Number of IDs") ends exactly on the input base of another mapping of the same node.',
    why: 'The IORT "Number of IDs" field holds the count minus one; writing the count is a classic firmware bug. The kernel recognises the pattern (iort_id_map returns -EAGAIN and the later mapping wins the shared ID) but other consumers, and older kernels, do not (M15).',
    fix: 'Write the count minus one (0xFF for 256 IDs).',
    fires: { format: 'asl', source: iort('00000100') },
    nearMiss: { format: 'asl', source: iort('000000FF') },
  },
  rules: 'M15',
  emittedBy: 'firmware',
};

export default check;
