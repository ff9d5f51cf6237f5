// `missing-property`: raised while parsing and building the model.

import { example, type EmittedCheck } from '../check';

const check: EmittedCheck = {
  code: 'missing-property',
  severity: 'error',
  family: 'syntax-and-names',
  title: 'A required property is absent.',
  explanation: {
    anchor: "the object's name",
    what: 'A required property is absent (`model`; `iommu` of a device when several IOMMUs exist; `parent` of a nested domain).',
    why: 'Every iommu and irqchip needs a `model`; a device needs `iommu NAME` when several IOMMU instances are declared; a nested domain needs `parent`; an irqchip needs `base` or `doorbell` so that its doorbell address is known.',
    fix: "Add the property the message names (`model`, a device's `iommu` when several exist, a nested domain's `parent`, an irqchip's `base` or `doorbell`).",
    fires: example`
      iommu smmu0 { ias 48 }
    `,
    nearMiss: example`
      iommu smmu0 { model smmuv3  ias 48 }
    `,
  },
  emittedBy: 'model',
};

export default check;
