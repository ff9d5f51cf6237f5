// sw-msi-exhausted: a device's doorbell page gets no SW_MSI slot.

import { formatInterval, hex, sizeOf } from '../../model/intervals';
import { example, type AnalysisCheck } from '../check';
import { chipRelated, domRelated, msiDevices, windowRelated } from './common';

const check: AnalysisCheck = {
  code: 'sw-msi-exhausted',
  severity: 'error',
  family: 'doorbells',
  title: "A device's doorbell page gets no SW_MSI slot.",
  explanation: {
    anchor: "the device's `msi`",
    what: 'Its doorbell page gets no slot: the window holds fewer pages than distinct doorbells, or a 65th doorbell under `iommufd` (-EOVERFLOW).',
    why: 'The SW_MSI window holds one page per distinct doorbell; iommufd also allows at most 64 per context (-EOVERFLOW, R35c). Widen the window or use fewer doorbells.',
    fix: "Widen the SW_MSI window (one page per distinct doorbell) or route the devices' MSIs to fewer irqchips.",
    fires: example`
      iommu smmu0 { model smmuv3  sw-msi 0x0800_0000 size 4K }
      irqchip its0 { model gicv3-its base 0x0808_0000 }
      irqchip its1 { model gicv3-its base 0x0A08_0000 }
      device a { pci 0000:01:00.0 msi its0 driver vfio-pci }
      device b { pci 0000:02:00.0 msi its1 driver vfio-pci }
      domain vm : paging { attach a  attach b }
    `,
    nearMiss: example`
      iommu smmu0 { model smmuv3  sw-msi 0x0800_0000 size 1M }
      irqchip its0 { model gicv3-its base 0x0808_0000 }
      irqchip its1 { model gicv3-its base 0x0A08_0000 }
      device a { pci 0000:01:00.0 msi its0 driver vfio-pci }
      device b { pci 0000:02:00.0 msi its1 driver vfio-pci }
      domain vm : paging { attach a  attach b }
    `,
  },
  rules: 'R33, R35c, M28',
  run(ctx) {
    const { tx, config } = ctx;
    for (const { d, chip, dom } of msiDevices(tx, config.devices)) {
      const prog = tx.programmedAddress(d);
      if (prog.kind !== 'exhausted') continue;
      const page = tx.doorbellPageOf(chip)!;
      const slot = tx.deviceSlots.get(d)!;
      const w = prog.window;
      const pages = sizeOf(w) / tx.pageSize;
      const why =
        slot.full === 'iommufd-64'
          ? `it would be the 65th SW_MSI doorbell map of the iommufd context, which holds at most 64: MSI allocation fails with -EOVERFLOW`
          : `the SW_MSI window ${formatInterval(w)} holds ${pages} page${pages === 1n ? '' : 's'} of ${hex(tx.pageSize)} bytes and doorbell page ${hex(page)} would be slot ${slot.k}` +
            (config.backend === 'iommufd' ? ' (iommufd would map it past the window, into IOVA space that is not reserved)' : ' (the VFIO MSI cookie does not check: the map lands past the window, in IOVA space user mappings may use)');
      ctx.report('sw-msi-exhausted', d.msi!.loc, `${chip.name}'s doorbell page ${hex(page)} gets no SW_MSI slot for '${d.name}': ${why}`, [windowRelated(w), chipRelated(tx, chip), domRelated(dom)]);
    }
  },
};

export default check;
