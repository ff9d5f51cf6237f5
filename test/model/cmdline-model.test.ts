// What `cmdline "…"` sets in the model (model/bootParams.ts).

import { describe, expect, it } from 'vitest';
import { analyzeFixture } from '../helpers/check';

const X86 = `backend iommufd
iommu dmar0 { model vtd }
irqchip ir0 { model x86-remap }
device nvme { pci 0000:02:00.0 msi ir0 driver nvme }
device nic { pci 0000:03:00.0 msi ir0 driver vfio-pci }
group g_nic : dma { nic }
`;

function model(cmdline: string, body = X86) {
  const a = analyzeFixture(`cmdline "${cmdline}"\n${body}`);
  const c = a.config;
  const groupType = (name: string) => c.groups.find((g) => g.name === name)!.defaultDomain.type;
  return {
    nvme: groupType('nvme'),
    g_nic: groupType('g_nic'),
    ir0Isolated: c.irqchips[0]!.isolated,
    vtdOff: c.iommus[0]!.disabledBy?.param.name ?? null,
    nesting: c.iommus[0]!.nesting,
    unsafe: c.allowUnsafeInterrupts,
  };
}

describe('default domain type of groups without a declared type', () => {
  it('no command line parameter: dma; a group statement type always wins', () => {
    expect(model('quiet splash')).toMatchObject({ nvme: 'dma', g_nic: 'dma' });
  });
  it('iommu=pt and iommu.passthrough=1: identity', () => {
    expect(model('iommu=pt')).toMatchObject({ nvme: 'identity', g_nic: 'dma' });
    expect(model('iommu.passthrough=1')).toMatchObject({ nvme: 'identity' });
  });
  it('iommu.strict=0: dma-fq, unless intel_iommu=strict forces strict', () => {
    expect(model('iommu.strict=0')).toMatchObject({ nvme: 'dma-fq' });
    expect(model('iommu.strict=0 intel_iommu=strict')).toMatchObject({ nvme: 'dma' });
  });
  it("an IOMMU's written default-domain wins over the command line", () => {
    expect(model('iommu=pt', X86.replace('model vtd', 'model vtd default-domain dma-fq'))).toMatchObject({ nvme: 'dma-fq' });
  });
  it('iommu=pt on an Arm configuration does nothing; iommu.passthrough=1 does', () => {
    const arm = `iommu smmu0 { model smmuv3 }\ndevice nvme { pci 0000:02:00.0 driver nvme }\n`;
    expect(analyzeFixture(`cmdline "iommu=pt"\n${arm}`).config.groups[0]!.defaultDomain.type).toBe('dma');
    expect(analyzeFixture(`cmdline "iommu.passthrough=1"\n${arm}`).config.groups[0]!.defaultDomain.type).toBe('identity');
  });
});

describe('interrupt remapping, scalable mode, unsafe interrupts, IOMMU off', () => {
  it('intremap=off: x86-remap no longer isolates MSIs; intremap=on later undoes it', () => {
    expect(model('intremap=off').ir0Isolated).toBe(false);
    expect(model('nointremap intremap=on').ir0Isolated).toBe(true);
    expect(model('intel_iommu=off').ir0Isolated).toBe(true);
  });
  it('amd_iommu=off takes AMD interrupt remapping with it', () => {
    const amd = X86.replace('model vtd', 'model amd-vi');
    expect(model('amd_iommu=off', amd).ir0Isolated).toBe(false);
    expect(model('amd_iommu_intr=legacy', amd).ir0Isolated).toBe(true);
  });
  it('intel_iommu=sm_off: no scalable mode, no nesting on VT-d', () => {
    expect(model('intel_iommu=on,sm_off').nesting).toBe(false);
    expect(model('intel_iommu=sm_off,sm_on').nesting).toBe(true);
  });
  it('allow_unsafe_interrupts counts only for the module of the backend', () => {
    expect(model('vfio_iommu_type1.allow_unsafe_interrupts=1').unsafe).toBe(false);
    expect(model('iommufd.allow_unsafe_interrupts=1').unsafe).toBe(true);
    expect(model('vfio_iommu_type1.allow_unsafe_interrupts=1', X86.replace('backend iommufd', 'backend vfio-type1')).unsafe).toBe(true);
  });
  it('intel_iommu=off and iommu=off disable VT-d: devices keep untranslated DMA (identity)', () => {
    expect(model('intel_iommu=off')).toMatchObject({ vtdOff: 'intel_iommu', nvme: 'identity', g_nic: 'identity' });
    expect(model('iommu=off intel_iommu=on')).toMatchObject({ vtdOff: 'iommu' });
    expect(model('amd_iommu=off').vtdOff).toBe(null);
  });
});
