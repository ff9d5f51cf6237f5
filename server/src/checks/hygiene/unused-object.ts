// unused-object (checks.md "Assertions and hygiene").
// A domain with maps and no devices is trap T10 (an IOAS before its devices attach): silent.
//
// "Refers to" means a reference by name other than the declaration itself, plus the uses the
// language makes implicit: a device behind the only declared iommu (no `iommu` line needed),
// a domain whose iommu is derived, and a declared group whose members are attached by device
// name (`attach gpu` attaches gpu's whole group, so the group is what the attach acts on), and
// a group declared with its default domain type (`group g : dma { … }`): as every group of a
// running kernel, it is attached to that default domain.
// Nothing is reported while a name is unresolved, a file has a syntax error or an include
// cannot be read (the missing use may be there), nor for a group one of whose listings failed.

import type { Symbol } from '../../model/types';
import { example, type AnalysisCheck } from '../check';

const check: AnalysisCheck = {
  code: 'unused-object',
  severity: 'information',
  family: 'hygiene',
  title: 'An iommu, irqchip, group or domain nothing refers to.',
  explanation: {
    anchor: 'the name',
    what: 'An `iommu`, `irqchip` or `group` nothing refers to (a group written with its default domain type, `group g : dma { … }`, is in use by that domain), or a domain nothing is attached to and no nested domain uses as parent (legal: T10).',
    why: 'Legal (a domain with maps and no devices is a valid IOAS, T10), but often a leftover or a typo.',
    fix: 'Remove the leftover, or use it (a typo in a reference often leaves the intended object unused).',
    fires: example`
      iommu smmu0 { model smmuv3 }
      device gpu { pci 0000:01:00.0 driver vfio-pci }
      irqchip spare { model gicv3-its base 0x1000_0000 }
    `,
    nearMiss: example`
      iommu smmu0 { model smmuv3 }
      device gpu { pci 0000:01:00.0 driver vfio-pci }
      irqchip its0 { model gicv3-its base 0x1000_0000 }
      device nic { pci 0000:02:00.0 msi its0 }
    `,
  },
  run(ctx) {
    const { config } = ctx;
    // An unresolved name, a syntax error or an unreadable include may hide the very use that is
    // missing: say nothing rather than pile on.
    if (config.references.some((r) => !r.target)) return;
    if (config.diagnostics.some((d) => d.code === 'syntax' || d.code === 'include-error')) return;
    const used = new Set<Symbol>();
    for (const r of config.references) {
      if (!r.target) continue;
      if (r.loc.file === r.target.nameLoc.file && r.loc.span.start === r.target.nameLoc.span.start) continue; // the declaration
      used.add(r.target);
    }
    for (const d of config.devices) if (d.iommu) used.add(d.iommu);
    for (const dom of config.domains) {
      if (dom.iommu) used.add(dom.iommu);
      if (dom.parent) used.add(dom.parent);
    }
    // an attachment counts as a use even when it is refused (unsupported-feature)
    for (const dom of config.domains) for (const a of dom.attaches) if (a.group) used.add(a.group);

    for (const io of config.iommus)
      if (!used.has(io) && !io.broken)
        ctx.report('unused-object', io.nameLoc, `iommu '${io.name}' is declared but no device or domain uses it`);
    for (const chip of config.irqchips)
      if (!used.has(chip) && !chip.broken)
        ctx.report('unused-object', chip.nameLoc, `irqchip '${chip.name}' is declared but no device sends MSIs to it and no map or expect names it`);
    for (const g of config.groups)
      if (!g.implicit && !used.has(g) && !g.broken && g.declaredType === null && g.decl && g.decl.members.length === g.members.length)
        ctx.report('unused-object', g.nameLoc, `group '${g.name}' is declared but nothing is attached to it or to its members`);
    // A domain with maps and nothing attached is an IOAS prepared ahead of its devices: a trap
    // that must stay silent (T10). Only an empty domain nothing uses is reported.
    for (const dom of config.domains) {
      if (dom.broken || dom.attaches.length > 0 || used.has(dom) || dom.maps.length > 0) continue;
      ctx.report('unused-object', dom.nameLoc, `domain '${dom.name}' has no maps, nothing attached, and no nested domain uses it as parent`);
    }
  },
};

export default check;
