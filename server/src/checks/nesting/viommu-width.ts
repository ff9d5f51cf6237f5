// viommu-width: a VM's vIOMMU whose address width cannot reach the guest's RAM, or promises the
// guest more width than the host IOMMU has.

import { hex } from '../../model/intervals';
import type { Domain, Mapping } from '../../model/types';
import { example, type AnalysisCheck } from '../check';
import { mapText } from '../reserved/common';
import { widthLoc } from '../reserved/widths';

/** The guest's RAM (GPA ranges): the explicit maps of the domain, or of its nest parent for a nested one. */
function guestRam(dom: Domain): Mapping[] {
  const ram = dom.type === 'nested' ? dom.parent?.maps ?? [] : dom.maps;
  return ram.filter((m) => m.origin === 'map' && m.irqchip === undefined);
}

const check: AnalysisCheck = {
  code: 'viommu-width',
  severity: 'error',
  family: 'nesting',
  title: "A VM's vIOMMU address width cannot reach the guest's RAM, or exceeds the host IOMMU's width.",
  explanation: {
    anchor: 'the `viommu`',
    what: "The `viommu` of a VM's domain offers the guest an address width (QEMU `aw-bits`) that guest RAM lies beyond, or (for `vtd`) a width larger than the host IOMMU's with host devices assigned.",
    why: "With a vIOMMU the guest's DMA goes through the guest's own page tables, whose IOVAs and guest-physical outputs are limited to the vIOMMU's width: RAM at or above 2^width (a 39-bit intel-iommu and RAM above 512 GiB) can never be a DMA target through it, so guest drivers fail or corrupt memory. QEMU's intel-iommu also refuses an assigned device whose host IOMMU is narrower than `aw-bits` (\"aw-bits 48 > host aw-bits 39\", `vtd_check_hiod`), since the guest could program IOVAs the host cannot translate (R30, M18). QEMU 9.2 changed the intel-iommu default from 39 to 48 bits.",
    fix: "Raise the vIOMMU's width (`-device intel-iommu,aw-bits=48`, libvirt `<iommu model='intel'><driver aw_bits='48'/>`) to cover the guest's RAM, or lower it to the host's width; or give the guest less RAM.",
    fires: example`
      iommu dmar0 { model vtd  ias 48 }
      device gpu { pci 0000:01:00.0 driver vfio-pci }
      domain vm : paging {
        viommu vtd ias 39
        attach gpu
        map 0x0 -> 0x1_0000_0000 size 2G
        map 0x1_0000_0000 -> 0x2_0000_0000 size 600G
      }
    `,
    nearMiss: example`
      iommu dmar0 { model vtd  ias 48 }
      device gpu { pci 0000:01:00.0 driver vfio-pci }
      domain vm : paging {
        viommu vtd ias 48
        attach gpu
        map 0x0 -> 0x1_0000_0000 size 2G
        map 0x1_0000_0000 -> 0x2_0000_0000 size 600G
      }
    `,
  },
  rules: 'R30, M18',
  run(ctx) {
    for (const dom of ctx.config.domains) {
      const v = dom.viommu;
      if (!v || dom.broken || v.model === null) continue;
      const loc = v.loc;
      if (v.ias < 64) {
        const limit = 1n << BigInt(v.ias);
        const beyond = guestRam(dom).filter((m) => m.input.last >= limit);
        if (beyond.length > 0) {
          const top = beyond.reduce((a, b) => (b.input.last > a.input.last ? b : a));
          ctx.report(
            'viommu-width',
            loc,
            `the ${v.ias}-bit ${v.model} vIOMMU of '${dom.name}' reaches guest-physical ${hex(limit - 1n)} at most, but guest RAM reaches ${hex(top.input.last)}: the guest cannot DMA to RAM above ${hex(limit)} through its vIOMMU; raise its width to at least ${bitsFor(top.input.last)} bits or give the guest less RAM`,
            beyond.map((m) => ({ loc: m.loc, message: `guest RAM ${mapText(m)} lies above the vIOMMU's ${v.ias}-bit width` })),
          );
        }
      }
      // QEMU's intel-iommu compares aw-bits with the host IOMMU of every assigned device.
      const host = dom.type === 'nested' ? dom.parent?.iommu ?? dom.iommu : dom.iommu;
      const assigned = dom.attaches.some((a) => a.group !== null && a.pasid === null);
      if (v.model === 'vtd' && host && !host.broken && assigned && v.ias > host.ias) {
        ctx.report(
          'viommu-width',
          loc,
          `the ${v.ias}-bit vtd vIOMMU of '${dom.name}' is wider than the host IOMMU '${host.name}' (${host.ias} bits) of its assigned devices: QEMU refuses the device ("aw-bits ${v.ias} > host aw-bits ${host.ias}"), as the guest could program IOVAs the host cannot translate; set aw-bits to ${host.ias}`,
          [{ loc: widthLoc(host, 'ias'), message: `'${host.name}' input address width: ${host.ias} bits` }],
        );
      }
    }
  },
};

/** The smallest width covering an address. */
function bitsFor(last: bigint): number {
  let b = 1;
  while (b < 64 && last >= 1n << BigInt(b)) b++;
  return b;
}

export default check;
