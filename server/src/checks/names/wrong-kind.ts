// `wrong-kind`: raised while parsing and building the model.

import { example, type EmittedCheck } from '../check';

const check: EmittedCheck = {
  code: 'wrong-kind',
  severity: 'error',
  family: 'syntax-and-names',
  title: 'A name of the wrong kind.',
  explanation: {
    anchor: 'the reference',
    what: 'A name of the wrong kind (`attach its0`, `msi nic`, `parent` naming a device).',
    why: 'The name exists but denotes another kind of object: `attach` takes a device or group, `msi` and map targets take an irqchip, `parent` takes a domain, `iommu` takes an iommu.',
    fix: 'Name an object of the kind the statement takes: `attach` a device or group, `msi` an irqchip, `parent` a domain.',
    fires: example`
      iommu smmu0 { model smmuv3 }
      irqchip its0 { model gicv3-its base 0x0808_0000 }
      device nic { pci 0000:01:00.0 driver vfio-pci }
      domain vm : paging { attach its0 }
    `,
    nearMiss: example`
      iommu smmu0 { model smmuv3 }
      irqchip its0 { model gicv3-its base 0x0808_0000 }
      device nic { pci 0000:01:00.0 msi its0 driver vfio-pci }
      domain vm : paging { attach nic }
    `,
  },
  emittedBy: 'model',
};

export default check;
