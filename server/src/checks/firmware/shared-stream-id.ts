// `shared-stream-id`: raised by the firmware importers about requesters sharing a StreamID.

import type { EmittedCheck } from '../check';
import { dts } from './examples';

const two = (a: string, b: string) => dts(`
	dma@9100000 {
		reg = <0x0 0x09100000 0x0 0x1000>;
		iommus = <&smmu ${a}>;
	};
	crypto@9110000 {
		reg = <0x0 0x09110000 0x0 0x1000>;
		iommus = <&smmu ${b}>;
	};
`);

const check: EmittedCheck = {
  code: 'shared-stream-id',
  severity: 'error',
  family: 'firmware',
  title: 'Two requesters map to one StreamID.',
  explanation: {
    anchor: 'the later requester\'s mapping (IORT) or its iommus / iommu-map property (devicetree)',
    what: 'Two requesters (PCI RIDs of different mappings, named components, platform devices) reach the same StreamID of one SMMU through IORT ID mappings or devicetree iommus / iommu-map entries.',
    why: 'The SMMU identifies a requester only by its StreamID, so the two cannot be isolated from each other: SMMUv2 stream matching folds them into one group, and SMMUv3 refuses the second master ("Aliasing StreamID"), which then gets no IOMMU. They can never be given to different owners (M6).',
    fix: 'Give each requester its own StreamID, or declare them as one group on purpose.',
    fires: { format: 'dts', source: two('0x10', '0x10') },
    nearMiss: { format: 'dts', source: two('0x10', '0x11') },
  },
  rules: 'R8a, M6',
  emittedBy: 'firmware',
};

export default check;
