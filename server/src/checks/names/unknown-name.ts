// `unknown-name`: raised while parsing and building the model.

import { example, type EmittedCheck } from '../check';

const check: EmittedCheck = {
  code: 'unknown-name',
  severity: 'error',
  family: 'syntax-and-names',
  title: 'A name that no declaration defines.',
  explanation: {
    anchor: 'the reference',
    what: 'A name that no declaration defines.',
    why: 'Every name used (an attached device, an irqchip, a parent domain, an iommu) must be declared somewhere in the configuration: in this file or a file it includes. Names are visible regardless of declaration order.',
    fix: 'Declare the object, or correct the spelling. Names are visible across includes and regardless of order.',
    fires: example`
      iommu smmu0 { model smmuv3 }
      device gpu { pci 0000:01:00.0 driver vfio-pci }
      domain vm : paging { attach gpu0 }
    `,
    nearMiss: example`
      iommu smmu0 { model smmuv3 }
      device gpu { pci 0000:01:00.0 driver vfio-pci }
      domain vm : paging { attach gpu }
    `,
  },
  emittedBy: 'model',
  // data: { candidates } — declared names of the right kind closest to the unknown one
  fixes(d) {
    const candidates = d.data?.candidates;
    if (!Array.isArray(candidates)) return [];
    return candidates
      .filter((c): c is string => typeof c === 'string')
      .map((name, i) => ({ title: `Did you mean '${name}'?`, edits: [{ path: d.loc.file.path, span: d.loc.span, newText: name }], safe: false, preferred: i === 0 }));
  },
};

export default check;
