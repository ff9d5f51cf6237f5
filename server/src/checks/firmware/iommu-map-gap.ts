// `iommu-map-gap`: raised by import-dt about RIDs of a host bridge that its maps leave out.

import type { EmittedCheck } from '../check';
import { dts } from './examples';

const host = (busRange: string) => dts(`
	pcie@10000000 {
		compatible = "pci-host-ecam-generic";
		device_type = "pci";
		reg = <0x40 0x10000000 0x0 0x10000000>;
		bus-range = <${busRange}>;
		#address-cells = <3>;
		#size-cells = <2>;
		iommu-map = <0x0 &smmu 0x0 0x8000>;
	};
`);

const check: EmittedCheck = {
  code: 'iommu-map-gap',
  severity: 'warning',
  family: 'firmware',
  title: "A host bridge's iommu-map (or msi-map) leaves RIDs of its bus-range unmapped.",
  explanation: {
    anchor: 'the iommu-map or msi-map property',
    what: 'Some RID of the host bridge\'s bus-range (0..0xFF without one), after iommu-map-mask, matches no iommu-map (or msi-map) entry; or the mask ignores bits of an entry\'s rid-base, which makes the kernel reject the whole map.',
    why: 'The kernel translates a RID through iommu-map only when an entry matches (of_map_id): a device on an unmapped RID logs "no iommu-map translation for id" and gets no IOMMU (its DMA bypasses the SMMU or aborts) or no MSI domain. A mask that ignores rid-base bits gives "Invalid iommu-map translation" (-EFAULT) for every RID.',
    fix: 'Extend the map over every bus of bus-range, or narrow bus-range to the buses that exist.',
    fires: { format: 'dts', source: host('0x0 0xff') },
    nearMiss: { format: 'dts', source: host('0x0 0x7f') },
  },
  emittedBy: 'firmware',
};

export default check;
