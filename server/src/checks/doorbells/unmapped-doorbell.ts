// unmapped-doorbell: a device's MSI write, followed through its domain, does not land on its
// irqchip's doorbell page with write permission.

import { hex } from '../../model/intervals';
import { example, type AnalysisCheck } from '../check';
import { chipRelated, domRelated, explainMiss, msiDevices, rmrData, rmrFixes, rmrMismatch } from './common';

const check: AnalysisCheck = {
  code: 'unmapped-doorbell',
  severity: 'error',
  family: 'doorbells',
  title: "A device's MSI write does not reach its irqchip's doorbell.",
  explanation: {
    anchor: "the device's `msi`",
    what: "The address the device is programmed with does not resolve, for a write, to its irqchip's doorbell page. The message names the hop that broke: stage-1 miss (no RMR / identity map), stage-2 miss, a map to memory instead of the doorbell, a read-only map, a `blocked` domain (the RID of a PASID-only device under iommufd included), no SW_MSI window in a `paging` domain. From v6.15 a device with translated MSIs in a paging domain without an MSI cookie (`vfio-type1` when the first attached group reports a hardware MSI region; a driver's paging domain under `dma-api`) cannot allocate them at all (-EOPNOTSUPP); before v6.15 it keeps the physical doorbell. Devices whose driver allocates no MSIs (`none`, `pci-stub`) are not checked. When the cause is a missing SW_MSI slot, `sw-msi-exhausted` is reported instead.",
    why: 'On Arm, MSI writes are DMA: the address the device is programmed with is translated by its domain, and must land on the doorbell page with write permission, or the interrupt is lost as a translation fault (R32–R40). From v6.15 iommu_dma_prepare_msi refuses translated MSIs of a non-identity domain with no MSI cookie (-EOPNOTSUPP), so MSI allocation fails; before v6.15 the address stayed physical.',
    fix: 'Make the programmed address reach the doorbell page with write permission: keep a SW_MSI window (the kernel maps the doorbell there), map the doorbell (`map IOVA -> its0 w`), give nested guests an `rmr` over the window or an `msi-bind`.',
    fires: example`
      iommu smmu0 { model smmuv3  sw-msi none }
      irqchip its0 { model gicv3-its base 0x0808_0000 }
      device nic { pci 0000:01:00.0 msi its0 driver vfio-pci }
      domain vm : paging {
        attach nic
        map 0x4000_0000 -> 0x8_0000_0000 size 1G
      }
    `,
    nearMiss: example`
      iommu smmu0 { model smmuv3 }
      irqchip its0 { model gicv3-its base 0x0808_0000 }
      device nic { pci 0000:01:00.0 msi its0 driver vfio-pci }
      domain vm : paging {
        attach nic
        map 0x4000_0000 -> 0x8_0000_0000 size 1G
      }
    `,
  },
  rules: 'R32–R40, M24–M27, M31, M35',
  run(ctx) {
    const { tx, config } = ctx;
    for (const { d, chip, dom, prog } of ctx.shared(msiDevices)) {
      const msi = d.msi!;
      if (prog.kind === 'kernel' || prog.kind === 'none' || prog.kind === 'exhausted') continue;
      if (prog.kind === 'unsupported') {
        ctx.report('unmapped-doorbell', msi.loc, `MSIs of '${d.name}' cannot be allocated: ${prog.how}`, [domRelated(prog.domain), chipRelated(tx, chip)]);
        continue;
      }
      const db = chip.doorbell!;
      const page = tx.doorbellPageOf(chip)!;
      const addr = prog.address;
      const r = tx.resolve(d, null, addr, 'write');
      if (tx.reachesDoorbell(r, chip)) continue;

      // dma-api: a user map over the physical doorbell is reported on the map (map-overlaps-reserved)
      const last = r.hops[r.hops.length - 1];
      if (config.backend === 'dma-api' && dom.type === 'paging' && addr === db && r.end.kind === 'address' && last && typeof last.via === 'object' && last.via.origin === 'map') continue;

      const mis = rmrMismatch(tx, dom, d);
      if (mis && r.end.kind === 'fault' && r.end.cause === 'stage1-unmapped') continue; // reported as rmr-mismatch

      const head = `MSI writes of '${d.name}' to ${hex(addr)} (${prog.how}) do not reach ${chip.name}'s doorbell ${hex(db)}`;
      const { why, related } = explainMiss(tx, d, r, chip, dom);
      let hint = '';
      const slot = tx.deviceSlots.get(d);
      if (msi.at !== null && slot?.address != null) {
        const want = slot.address + (db - page);
        hint = `; the kernel maps the doorbell at SW_MSI slot ${slot.k} (${hex(slot.address)}), so the device must be programmed with ${hex(want)}`;
      }
      // a stage-1 miss in a nested domain: the guest's rmr must cover the host SW_MSI window
      const window = tx.swMsiWindow(d);
      const fix = dom.type === 'nested' && r.end.kind === 'fault' && r.end.cause === 'stage1-unmapped' && window ? rmrData(dom, window) : undefined;
      ctx.report('unmapped-doorbell', msi.loc, `${head}: ${why}${hint}`, [...related, chipRelated(tx, chip)], fix);
    }
  },
  fixes: (d, { config }) => rmrFixes(d, config),
};

export default check;
