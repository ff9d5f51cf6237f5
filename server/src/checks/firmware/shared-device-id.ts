// `shared-device-id`: raised by the firmware importers about requesters sharing an ITS DeviceID.

import type { EmittedCheck } from '../check';
import { dts } from './examples';

const two = (a: string, b: string) => dts(`
	dma@9100000 {
		reg = <0x0 0x09100000 0x0 0x1000>;
		iommus = <&smmu 0x10>;
		msi-parent = <&its ${a}>;
	};
	crypto@9110000 {
		reg = <0x0 0x09110000 0x0 0x1000>;
		iommus = <&smmu 0x11>;
		msi-parent = <&its ${b}>;
	};
`);

const check: EmittedCheck = {
  code: 'shared-device-id',
  severity: 'error',
  family: 'firmware',
  title: 'Two requesters map to one ITS DeviceID.',
  explanation: {
    anchor: 'the later requester\'s mapping (IORT) or its msi-parent / msi-map property (devicetree)',
    what: 'Two requesters reach the same DeviceID of one ITS (group), through IORT mappings (directly or through an SMMU) or devicetree msi-parent / msi-map entries.',
    why: 'The ITS identifies the sender of an MSI only by its DeviceID: requesters sharing one share an interrupt translation table, so each can raise the other\'s interrupts. Their MSIs are not isolated from each other and they cannot be given to different owners (M6).',
    fix: 'Give each requester its own DeviceID.',
    fires: { format: 'dts', source: two('0x20', '0x20') },
    nearMiss: { format: 'dts', source: two('0x20', '0x21') },
  },
  rules: 'M6',
  emittedBy: 'firmware',
};

export default check;
