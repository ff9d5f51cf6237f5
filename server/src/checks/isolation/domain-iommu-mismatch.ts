// domain-iommu-mismatch: identity and blocked domains are static per driver (one
// `arm_smmu_identity_domain`, one VT-d identity domain), so they only mismatch across IOMMU
// models (different ops, R4); paging, DMA and nested domains are finalised per instance.

import type { Loc, Related } from '../../model/types';
import { example, type AnalysisCheck } from '../check';

const check: AnalysisCheck = {
  code: 'domain-iommu-mismatch',
  severity: 'error',
  family: 'isolation',
  title: 'One domain used by devices behind different IOMMU instances.',
  explanation: {
    anchor: 'the `attach` (or `iommu`) that brings the second instance',
    what: "One domain used by devices behind different IOMMU instances, or a domain's `iommu` differing from an attached device's.",
    why: "A domain belongs to one IOMMU instance: attaching it to a device behind another instance fails with -EINVAL (R4). Use one domain per IOMMU instance (iommufd's auto domains do this silently).",
    fix: 'Use one domain per IOMMU instance, with the same maps.',
    fires: example`
      iommu smmu0 { model smmuv3 }
      iommu smmu1 { model smmuv3 }
      device a { pci 0000:01:00.0 iommu smmu0 driver vfio-pci }
      device b { pci 0000:02:00.0 iommu smmu1 driver vfio-pci }
      domain vm : paging { attach a  attach b }
    `,
    nearMiss: example`
      iommu smmu0 { model smmuv3 }
      iommu smmu1 { model smmuv3 }
      device a { pci 0000:01:00.0 iommu smmu0 driver vfio-pci }
      device b { pci 0000:02:00.0 iommu smmu1 driver vfio-pci }
      domain vm0 : paging { attach a }
      domain vm1 : paging { attach b }
    `,
  },
  rules: 'R4, M7',
  run(ctx) {
    for (const dom of ctx.config.domains) {
      if (dom.broken) continue;
      const declared = dom.iommuRef ? dom.iommu : null;
      let ref: { name: string; loc: Loc; what: string } | null = declared
        ? { name: declared.name, loc: { file: dom.nameLoc.file, span: dom.iommuRef!.span }, what: `domain '${dom.name}' is declared on iommu '${declared.name}'` }
        : null;
      for (const a of dom.attaches) {
        if (!a.group) continue;
        const members = a.group.members.filter((m) => m.iommu && !m.broken);
        if (members.length === 0) continue;
        if (!ref) {
          const m0 = members[0]!;
          ref = { name: m0.iommu!.name, loc: a.loc, what: `'${m0.name}' behind '${m0.iommu!.name}' is attached first` };
        }
        // identity and blocked domains are static per driver, not per instance (SMMUv3, VT-d):
        // only a different driver (model) refuses them
        const refIommu = ctx.config.iommus.find((i) => i.name === ref!.name);
        const perDriver = dom.type === 'identity' || dom.type === 'blocked';
        const odd = members.find((m) => (perDriver ? m.iommu!.model !== refIommu?.model : m.iommu!.name !== ref!.name));
        if (!odd) continue;
        const related: Related[] = [{ loc: ref.loc, message: ref.what }];
        if (odd.iommu) related.push({ loc: odd.iommu.nameLoc, message: `iommu '${odd.iommu.name}'` });
        ctx.report(
          'domain-iommu-mismatch',
          a.loc,
          `'${odd.name}' sits behind iommu '${odd.iommu!.name}', but domain '${dom.name}' belongs to '${ref.name}': a domain is tied to one IOMMU instance, so the attach fails with -EINVAL (use one domain per instance)`,
          related,
        );
      }
    }
  },
};

export default check;
