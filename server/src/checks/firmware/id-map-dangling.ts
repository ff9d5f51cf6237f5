// `id-map-dangling`: raised by the firmware importers about references that name no usable node.

import type { EmittedCheck } from '../check';
import { dts } from './examples';

const check: EmittedCheck = {
  code: 'id-map-dangling',
  severity: 'error',
  family: 'firmware',
  title: 'An ID mapping whose output reference names no node of the right type.',
  explanation: {
    anchor: 'the ID mapping (IORT) or the property (devicetree)',
    what: 'An IORT ID mapping whose output reference is zero, points between nodes or past the table, or names a node of the wrong type; an ITS group naming an ITS the MADT does not declare; a devicetree iommus, iommu-map, msi-map, msi-parent or iommu-addresses phandle naming no node, or a node that is no IOMMU or MSI controller.',
    why: 'With a zero reference the kernel logs "ID map has NULL parent reference"; with a reference elsewhere it follows a pointer into whatever lies there. The devices behind the mapping get no IOMMU (their DMA bypasses translation or aborts) and no MSI domain.',
    fix: 'Point the reference at the SMMU, ITS group or MSI controller the devices sit behind.',
    fires: { format: 'dts', source: dts(`
	dma@9100000 {
		reg = <0x0 0x09100000 0x0 0x1000>;
		iommus = <&its 0x10>;
	};
`) },
    nearMiss: { format: 'dts', source: dts(`
	dma@9100000 {
		reg = <0x0 0x09100000 0x0 0x1000>;
		iommus = <&smmu 0x10>;
	};
`) },
  },
  emittedBy: 'firmware',
};

export default check;
