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
    what: 'Its doorbell page\'s slot lies past the end of the window (the kernel maps it there anyway, into IOVA space nothing reserves; the message names that IOVA, and the slot resolves like any other), or it would be the 65th doorbell map under `iommufd` (-EOVERFLOW: MSI allocation fails).',
    why: 'The SW_MSI window holds one page per distinct doorbell. Neither iommufd_sw_msi nor the dma-iommu MSI cookie checks its length: a doorbell page past the end is mapped all the same, into IOVA space nothing reserves (the message names that IOVA), where a user map collides with it. iommufd also allows at most 64 doorbell maps per context: the 65th fails with -EOVERFLOW and MSI allocation fails (R35c).',
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
    const { tx } = ctx;
    for (const { d, chip, dom } of ctx.shared(msiDevices)) {
      const slot = tx.deviceSlots.get(d);
      if (!slot || slot.full === null) continue;
      const page = tx.doorbellPageOf(chip)!;
      const w = slot.window;
      const pages = sizeOf(w) / tx.pageSize;
      const head =
        slot.full === 'iommufd-64'
          ? `${chip.name}'s doorbell page ${hex(page)} gets no SW_MSI slot for '${d.name}': it would be the 65th SW_MSI doorbell map of the iommufd context, which holds at most 64: MSI allocation fails with -EOVERFLOW`
          : `${chip.name}'s doorbell page ${hex(page)} does not fit the SW_MSI window for '${d.name}': the window ${formatInterval(w)} holds ${pages} page${pages === 1n ? '' : 's'} of ${hex(tx.pageSize)} bytes and the page is slot ${slot.k}; ` +
            `${tx.iommufdSwMsi() ? 'iommufd_sw_msi' : 'the MSI cookie (iommu_dma_get_msi_page)'} does not check the window's length and maps it at IOVA ${hex(slot.address!)}, past the window, in IOVA space nothing reserves (a user map there collides with it)`;
      ctx.report('sw-msi-exhausted', d.msi!.loc, head, [windowRelated(w), chipRelated(tx, chip), domRelated(dom)]);
    }
  },
};

export default check;
