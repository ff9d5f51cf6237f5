// `internal-error`: raised by the engine when a check throws (that check's findings are left out)
// and by the project when the analysis of a configuration fails as a whole (engine.ts,
// project/project.ts). A bug in iommu-check, never a finding about the configuration.

import { example, type EmittedCheck } from '../check';

/** Any configuration: the code says nothing about it, only about the checker. */
const CONFIGURATION = example`
  iommu smmu0 { model smmuv3 }
  device gpu { pci 0000:01:00.0 driver vfio-pci }
  domain vm : paging {
    attach gpu
    map 0x4000_0000 -> 0x8_0000_0000 size 1G
  }
`;

const check: EmittedCheck = {
  code: 'internal-error',
  severity: 'error',
  family: 'hygiene',
  title: 'iommu-check itself failed on this configuration (a bug; please report it).',
  explanation: {
    anchor: "the text of the first line of the configuration's root file",
    what: "A check threw an exception (its findings are left out; every other check's are reported), or the analysis of the whole configuration failed (nothing in it is checked until its text changes). The message names the check and the exception.",
    why: 'This is a bug in iommu-check, not a problem the kernel would see: a finding the failed check would have made may be missing. The command line prints the exception on standard error and exits with status 2; the language server writes it to its log, once.',
    fix: 'Report it with the configuration and the logged message. Until it is fixed, the other findings stand; `--rule internal-error=off` hides the diagnostic (the exit status stays 2).',
    fires: `# fires only when a check has a bug: the tests make map-overlap throw here\n${CONFIGURATION}`,
    nearMiss: CONFIGURATION,
  },
  emittedBy: 'engine',
};

export default check;
