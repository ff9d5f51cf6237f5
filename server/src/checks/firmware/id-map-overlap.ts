// `id-map-overlap`: raised by the firmware importers about mappings of one node that overlap.

import type { EmittedCheck } from '../check';
import { dts } from './examples';

const HOST = (map: string) => dts(`
	pcie@10000000 {
		compatible = "pci-host-ecam-generic";
		device_type = "pci";
		reg = <0x40 0x10000000 0x0 0x10000000>;
		bus-range = <0x0 0xff>;
		#address-cells = <3>;
		#size-cells = <2>;
		iommu-map = ${map};
	};
`);

const check: EmittedCheck = {
  code: 'id-map-overlap',
  severity: 'error',
  family: 'firmware',
  title: 'Two ID mappings of one node accept the same input IDs.',
  explanation: {
    anchor: 'the later mapping (IORT) or the map property (devicetree)',
    what: 'Two ID mappings of one IORT node, or two entries of one iommu-map or msi-map, whose input ranges intersect.',
    why: 'For an input ID matched by two mappings the kernel keeps the first match: iort_id_map logs "conflicting mapping for input ID", of_map_id stops at the first entry. The other mapping is dead for those IDs, so those devices do not get the StreamIDs the table meant.',
    fix: 'Give every input ID exactly one mapping: shorten or move one of the ranges (mind that an IORT "Number of IDs" is the count minus one).',
    fires: { format: 'dts', source: HOST('<0x0 &smmu 0x0 0x8000>, <0x4000 &smmu 0x20000 0xc000>') },
    nearMiss: { format: 'dts', source: HOST('<0x0 &smmu 0x0 0x8000>, <0x8000 &smmu 0x20000 0x8000>') },
  },
  emittedBy: 'firmware',
};

export default check;
