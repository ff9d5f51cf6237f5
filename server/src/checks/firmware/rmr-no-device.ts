// `rmr-no-device`: raised by the firmware importers about reservations that reach no device.

import type { EmittedCheck } from '../check';
import { dts } from './examples';

const board = (memoryRegion: string) => dts(`
	display: display@9200000 {
		reg = <0x0 0x09200000 0x0 0x1000>;
		iommus = <&smmu 0x20>;${memoryRegion}
	};
	reserved-memory {
		#address-cells = <2>;
		#size-cells = <2>;
		ranges;
		fb: framebuffer@80000000 {
			reg = <0x0 0x80000000 0x0 0x800000>;
			iommu-addresses = <&display 0x0 0x80000000 0x0 0x800000>;
		};
	};
`);

const check: EmittedCheck = {
  code: 'rmr-no-device',
  severity: 'warning',
  family: 'firmware',
  title: 'A firmware reservation scoped to a device that does not exist or that the table does not map.',
  explanation: {
    anchor: 'the reservation\'s device scope or ID mapping',
    what: 'An IORT RMR whose StreamIDs no root complex or named component maps; an RMRR or IVMD naming a PCI function the imported machine does not have, or a DeviceID no IVHD translates; a devicetree iommu-addresses entry naming a device whose memory-region does not list the region.',
    why: 'The kernel attaches reserved regions only to the devices it finds through these references, so such a reservation protects nothing: either the scope is wrong (and the firmware DMA it was written for faults once the IOMMU translates) or the reservation is stale.',
    fix: 'Scope the reservation to the device that does the DMA (its StreamID, its BDF, its node), or remove it.',
    fires: { format: 'dts', source: board('') },
    nearMiss: { format: 'dts', source: board('\n\t\tmemory-region = <&fb>;') },
  },
  emittedBy: 'firmware',
};

export default check;
