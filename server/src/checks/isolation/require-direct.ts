// require-direct: the core refuses a blocking domain for a require_direct device
// (`__iommu_device_set_domain`), and VFIO/iommufd ownership passes through blocking (R13).
// So under `vfio-type1`/`iommufd` it fires for paging, nested and blocked domains; under
// `dma-api` only for `blocked` (a driver may attach an UNMANAGED domain to such a device).

import { formatInterval } from '../../model/intervals';
import type { AttachEntry, Device, Domain, Loc } from '../../model/types';
import { example, type AnalysisCheck } from '../check';
import { before } from './common';
import { GATES, since } from '../../model/kernel';

const check: AnalysisCheck = {
  code: 'require-direct',
  severity: 'error',
  family: 'isolation',
  title: 'A device with a `direct` reserved region is put in a user or blocked domain.',
  explanation: {
    anchor: 'the `attach`',
    what: 'A device with a `direct` reserved region is put in a `paging`, `nested` or `blocked` domain: the kernel refuses to block it, so it cannot be assigned.',
    why: 'A device with an IOMMU_RESV_DIRECT region (RMRR, IORT RMR without remap-permitted) gets require_direct: the kernel refuses to attach a blocking domain ("Firmware has requested this device have a 1:1 IOMMU mapping, rejecting configuring the device without a 1:1 mapping"), and user ownership passes through blocking, so the device cannot be assigned (R13).',
    fix: 'Leave the device in its default (DMA or identity) domain, or get firmware that marks the region relaxable (remap permitted).',
    fires: example`
      iommu smmu0 { model smmuv3 }
      device ncsi { pci 0000:05:00.0 driver vfio-pci  reserved 0xEC00_0000 size 64K direct }
      domain vm : paging { attach ncsi }
    `,
    nearMiss: example`
      iommu smmu0 { model smmuv3 }
      device ncsi { pci 0000:05:00.0 driver vfio-pci  reserved 0xEC00_0000 size 64K direct-relaxable }
      domain vm : paging { attach ncsi }
    `,
  },
  rules: 'R13, M11',
  run(ctx) {
    const { config, tx } = ctx;
    // the attach that puts the group in a domain the kernel would refuse
    // before v6.3 only the VT-d driver refused, and only UNMANAGED (user) domains
    const core = since(config.kernel, GATES.requireDirect);
    const refusing = (d: Domain) => (core && d.type === 'blocked') || (config.backend !== 'dma-api' && (d.type === 'paging' || d.type === 'nested'));
    for (const g of config.groups) {
      if (g.broken) continue;
      let at: AttachEntry | null = null;
      if (g.ridAttach && refusing(g.ridAttach.domain)) at = g.ridAttach;
      else for (const a of g.pasidAttaches.values()) if (refusing(a.domain) && config.backend !== 'dma-api' && (!at || before(a, at))) at = a;
      if (!at || at.domain.broken) continue;
      const direct: { dev: Device; loc: Loc; text: string }[] = [];
      for (const { dev: m, region: r } of tx.requireDirectMembers(g)) {
        if (m.broken) continue;
        direct.push({ dev: m, loc: r.loc, text: formatInterval(r) });
      }
      if (direct.length === 0) continue;
      const list = direct.map((x) => `'${x.dev.name}' (${x.text})`).join(', ');
      const why = at.domain.type === 'blocked'
        ? 'the kernel refuses to block a require_direct device'
        : `user ownership passes through the blocking domain, which the kernel refuses for a require_direct device, so it cannot be assigned`;
      const text = core
        ? `attaching to ${at.domain.type} domain '${at.domain.name}' fails with -EINVAL: ${why} ("Firmware has requested this device have a 1:1 IOMMU mapping, rejecting configuring the device without a 1:1 mapping")`
        : `attaching to ${at.domain.type} domain '${at.domain.name}' fails with -EPERM: before v6.3 the VT-d driver refuses an unmanaged domain for a device with an RMRR (${tx.kernelText()}: "Device is ineligible for IOMMU domain attach due to platform RMRR requirement")`;
      ctx.report(
        'require-direct',
        at.loc,
        `${list} ${direct.length > 1 ? 'have' : 'has'} a firmware 'direct' region that must stay identity-mapped; ${text}`,
        direct.map((x) => ({ loc: x.loc, message: `direct region of '${x.dev.name}'` })),
      );
    }
  },
};

export default check;
