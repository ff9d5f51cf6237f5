// `host-bridge-iommu-addresses`: raised by import-dt about iommu-addresses naming a host bridge.

import type { EmittedCheck } from '../check';
import { dts } from './examples';

const board = (target: string) => dts(`
	pcie: pcie@10000000 {
		compatible = "pci-host-ecam-generic";
		device_type = "pci";
		reg = <0x40 0x10000000 0x0 0x10000000>;
		bus-range = <0x0 0xff>;
		#address-cells = <3>;
		#size-cells = <2>;
		iommu-map = <0x0 &smmu 0x0 0x10000>;
		memory-region = <&fb>;
	};
	display: display@9200000 {
		reg = <0x0 0x09200000 0x0 0x1000>;
		iommus = <&smmu 0x10000>;
		memory-region = <&fb>;
	};
	reserved-memory {
		#address-cells = <2>;
		#size-cells = <2>;
		ranges;
		fb: framebuffer@80000000 {
			reg = <0x0 0x80000000 0x0 0x800000>;
			iommu-addresses = <&${target} 0x0 0x80000000 0x0 0x800000>;
		};
	};
`);

const check: EmittedCheck = {
  code: 'host-bridge-iommu-addresses',
  severity: 'warning',
  family: 'firmware',
  title: 'A reserved-memory region with iommu-addresses names a PCI host bridge.',
  explanation: {
    anchor: 'the iommu-addresses property',
    what: 'An iommu-addresses entry of a reserved-memory node names a PCI host bridge.',
    why: "of_iommu_get_resv_regions applies an iommu-addresses entry only to the device whose own node it names (and that lists the region in its memory-region). PCI endpoints below a host bridge are not that node, so none of them gets the reservation: the firmware DMA it was meant to keep alive faults once the SMMU translates.",
    fix: 'Name the platform device that does the DMA, or describe PCI reservations another way (an IORT RMR on ACPI machines).',
    fires: { format: 'dts', source: board('pcie') },
    nearMiss: { format: 'dts', source: board('display') },
  },
  emittedBy: 'firmware',
};

export default check;
