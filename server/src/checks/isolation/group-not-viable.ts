// group-not-viable: a user-owned group with a member bound to a kernel driver.

import { example, type AnalysisCheck } from '../check';
import { driverLoc, ownerApi, userOwnedGroups } from './common';

const check: AnalysisCheck = {
  code: 'group-not-viable',
  severity: 'error',
  family: 'isolation',
  title: 'A group is given to user space while a member is bound to a kernel driver.',
  explanation: {
    anchor: 'the `attach` that makes the group user-owned',
    what: `A member is bound to a kernel driver while the group's domain is \`paging\`, \`nested\` or \`blocked\` under \`vfio-type1\`/\`iommufd\` (-EPERM, "group is not viable").`,
    why: 'User DMA ownership is claimed for the whole group. With a kernel driver (not vfio-pci, vfio-platform, pci-stub, pcieport) bound to any member, the claim fails with -EPERM and VFIO reports "group N is not viable: Please ensure all devices within the iommu_group are bound to their vfio bus driver" (R5–R7). Bind the sibling to vfio-pci (or unbind it), or do not assign the group.',
    fix: 'Bind every member to `vfio-pci` (or leave it unbound; `pcieport` and `pci-stub` are fine too), or do not assign the group.',
    fires: example`
      iommu smmu0 { model smmuv3 }
      device gpu { pci 0000:01:00.0 driver vfio-pci }
      device audio { pci 0000:01:00.1 driver snd_hda_intel }
      group g { gpu audio }
      domain vm : paging { attach g }
    `,
    nearMiss: example`
      iommu smmu0 { model smmuv3 }
      device gpu { pci 0000:01:00.0 driver vfio-pci }
      device audio { pci 0000:01:00.1 driver vfio-pci }
      group g { gpu audio }
      domain vm : paging { attach g }
    `,
  },
  rules: 'R5–R7, M2, M3',
  run(ctx) {
    const { config } = ctx;
    for (const [g, owner] of ctx.shared(userOwnedGroups)) {
      const kernel = g.members.filter((m) => !m.neutralDriver);
      if (kernel.length === 0) continue;
      const list = kernel.map((m) => `'${m.name}' (driver ${m.driver})`).join(', ');
      ctx.report(
        'group-not-viable',
        owner.loc,
        `attaching ${g.members.length > 1 ? `group '${g.name}'` : `'${g.name}'`} to ${owner.domain.type} domain '${owner.domain.name}' makes it user-owned, but ${list} ${kernel.length > 1 ? 'are' : 'is'} bound to a kernel driver: the DMA ownership claim fails with -EPERM (${ownerApi(config)}: "group is not viable"); bind ${kernel.length > 1 ? 'them' : 'it'} to vfio-pci or unbind ${kernel.length > 1 ? 'them' : 'it'}`,
        kernel.map((m) => ({ loc: driverLoc(m), message: `'${m.name}' is bound to the kernel driver ${m.driver}` })),
      );
    }
  },
};

export default check;
