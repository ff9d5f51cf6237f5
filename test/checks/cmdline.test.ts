// The kernel command line on realistic machines: one fixture per parameter of issue 15, and the
// conflicts. Each states the whole diagnostic output (position, code and message).

import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { check, FIXTURE_ROOT } from '../helpers/check';
import { fixesFor } from '../../server/src/checks/fixes';

/** `check` (exactly the marked diagnostics), then the whole output as `line:col code: message`. */
function checkAll(text: string, expected: string[]) {
  const a = check(text);
  const out = a.diagnostics.map((d) => {
    const p = d.loc.file.lines.position(d.loc.span.start);
    return `${path.relative(FIXTURE_ROOT, d.loc.file.path)}:${p.line + 1}:${p.character + 1} ${d.code}: ${d.message}`;
  });
  expect(out).toEqual(expected);
  return a;
}

/** A marker line for the `nth` occurrence of `sub` in `line` (a cmdline statement). */
function mark(line: string, sub: string, code: string, nth = 0): string {
  let i = -1;
  for (let k = 0; k <= nth; k++) i = line.indexOf(sub, i + 1);
  if (i < 2) throw new Error(`cannot mark ${sub}`);
  return `//${' '.repeat(i - 2)}${'^'.repeat(sub.length)} ${code}`;
}

/** A `cmdline` statement followed by the markers of the parameters it should flag. */
function line(text: string, ...marks: [string, string, number?][]): string {
  const l = `cmdline "${text}"`;
  return [l, ...marks.map(([sub, code, nth]) => mark(l, sub, code, nth))].join('\n') + '\n';
}

/** A desktop with VT-d: the iGPU and the NVMe stay with the host, the NIC goes to a VM. */
const DESKTOP = `kernel 6.8
backend iommufd
iommu dmar0 { model vtd }
irqchip ir0 { model x86-remap }
device igpu { pci 0000:00:02.0 msi ir0 driver i915 }
device nvme { pci 0000:02:00.0 msi ir0 driver nvme }
device nic { pci 0000:03:00.0 msi ir0 driver vfio-pci }
domain vm : paging {
  attach nic
  map 0x0 -> 0x1_0000_0000 size 2G
}
`;

/** An Arm server: SMMUv3 and a GICv3 ITS, a NIC handed to a VM through iommufd. */
const ARM = `backend iommufd
iommu smmu0 { model smmuv3 ias 48 oas 44 }
irqchip its0 { model gicv3-its base 0x0808_0000 }
device nvme { pci 0000:01:00.0 iommu smmu0 msi its0 driver nvme }
device nic { pci 0000:02:00.0 iommu smmu0 msi its0 driver vfio-pci }
domain vm : paging {
  attach nic
  map 0x4000_0000 -> 0x8_0000_0000 size 1G
}
`;

/** An AMD EPYC host. */
const EPYC = `kernel 6.12
backend vfio-type1
iommu ivhd0 { model amd-vi }
irqchip ir0 { model x86-remap }
device nvme { pci 0000:41:00.0 msi ir0 driver nvme }
device gpu { pci 0000:c1:00.0 msi ir0 driver vfio-pci }
domain vm : paging {
  attach gpu
  map 0x0 -> 0x10_0000_0000 size 2G
}
`;

describe('every parameter of issue 15 on a realistic machine', () => {
  it('iommu=pt: host devices in identity domains, not protected; the VM still gets its own domain', () => {
    const a = checkAll(
      `${line('BOOT_IMAGE=/vmlinuz-6.8.0 root=UUID=2f6c ro quiet intel_iommu=on iommu=pt', ['iommu=pt', 'cmdline-passthrough'])}${DESKTOP}expect nvme 0x1234_5000 -> 0x1234_5000
expect nic 0x1000 -> 0x1_0000_1000
`,
      [
        "main.iommu:1:75 cmdline-passthrough: 'iommu=pt' makes default domains identity: 'igpu' (i915), 'nvme' (nvme) do DMA untranslated, with no IOMMU protection; passthrough is not needed to assign devices (VFIO and iommufd attach their own domains)",
      ],
    );
    expect(a.config.groups.map((g) => `${g.name}: ${a.tx.groupRidDomain(g).type}`)).toEqual(['igpu: identity', 'nvme: identity', 'nic: paging']);
  });

  it('iommu.passthrough=1 on Arm (where iommu=pt does nothing)', () => {
    checkAll(
      `${line('earlycon iommu=pt iommu.passthrough=1', ['iommu=pt', 'cmdline-no-effect'], ['iommu.passthrough=1', 'cmdline-passthrough'])}${ARM}expect nvme 0x1234_5000 -> 0x1234_5000
`,
      [
        "main.iommu:1:19 cmdline-no-effect: 'iommu=pt' does nothing here: only x86 kernels read 'iommu' (this configuration has no VT-d or AMD IOMMU and no x86 irqchip); write 'iommu.passthrough=1'",
        "main.iommu:1:28 cmdline-passthrough: 'iommu.passthrough=1' makes default domains identity: 'nvme' (nvme) do DMA untranslated, with no IOMMU protection; passthrough is not needed to assign devices (VFIO and iommufd attach their own domains)",
      ],
    );
  });

  it('iommu.strict=0: translated default domains with a flush queue (DMA-FQ), no diagnostic', () => {
    const a = checkAll(`cmdline "quiet iommu.strict=0"\n${DESKTOP}expect nvme 0x1234_5000 fault\n`, []);
    expect(a.config.groups.map((g) => `${g.name}: ${a.tx.groupRidDomain(g).type}`)).toEqual(['igpu: dma-fq', 'nvme: dma-fq', 'nic: paging']);
  });

  it('intel_iommu=on,sm_on: scalable mode, nested translation allowed; sm_off takes nesting away', () => {
    const nested = `kernel 6.8
backend iommufd
iommu dmar0 { model vtd }
irqchip ir0 { model x86-remap }
device nic { pci 0000:03:00.0 msi ir0 driver vfio-pci }
domain s2 : paging {
  nest-parent
  map 0x0 -> 0x1_0000_0000 size 2G
}
domain guest : nested {
  parent s2
  attach nic
}
`;
    checkAll(`cmdline "intel_iommu=on,sm_on"\n${nested}`, []);
    checkAll(
      `cmdline "intel_iommu=on,sm_off"
${nested.replace('domain s2 : paging {', 'domain s2 : paging {\n//     ^^ nesting-unsupported').replace('domain guest : nested {', 'domain guest : nested {\n//     ^^^^^ nesting-unsupported')}`,
      [
        "main.iommu:7:8 nesting-unsupported: nest-parent domain 's2' is on iommu 'dmar0' (vtd), which has no nesting support (scalable mode is off: intel_iommu=sm_off): IOMMU_HWPT_ALLOC fails (-EOPNOTSUPP)",
        "main.iommu:12:8 nesting-unsupported: nested domain 'guest' is on iommu 'dmar0' (vtd), which has no nesting support (scalable mode is off: intel_iommu=sm_off): IOMMU_HWPT_ALLOC fails (-EOPNOTSUPP)",
      ],
    );
  });

  it('intel_iommu=sm_off also takes PASID away: a PASID attachment is refused', () => {
    const pasid = `kernel 6.17
backend iommufd
iommu dmar0 { model vtd }
irqchip ir0 { model x86-remap }
device dsa { pci 0000:6a:01.0 msi ir0 driver vfio-pci pasid 20 }
domain rid : paging { attach dsa }
domain sva : paging {
  attach dsa pasid 1
  map 0x0 -> 0x2_0000_0000 size 1G
}
`;
    checkAll(`cmdline "intel_iommu=on,sm_on"\n${pasid}`, []);
    checkAll(
      `cmdline "intel_iommu=on,sm_off"\n${pasid.replace('  attach dsa pasid 1\n', '  attach dsa pasid 1\n//                 ^ pasid-invalid\n')}`,
      ["main.iommu:9:20 pasid-invalid: 'intel_iommu=sm_off' turns VT-d scalable mode off: 'dsa' behind 'dmar0' gets no PASID support (max_pasids 0), so the PASID attach fails with -EINVAL"],
    );
  });

  it('amd_iommu=: there is no "on"; off disables the IOMMU and its interrupt remapping', () => {
    checkAll(
      `${line('root=/dev/nvme0n1p2 amd_iommu=on iommu=pt', ['amd_iommu=on', 'cmdline-no-effect'], ['iommu=pt', 'cmdline-passthrough'])}${EPYC}`,
      [
        `main.iommu:1:30 cmdline-no-effect: 'amd_iommu=' has no option 'on': the kernel logs "Unknown option - 'on'" and ignores it (the AMD IOMMU is on whenever the firmware has an IVRS; there is nothing to switch on)`,
        "main.iommu:1:43 cmdline-passthrough: 'iommu=pt' makes default domains identity: 'nvme' (nvme) do DMA untranslated, with no IOMMU protection; passthrough is not needed to assign devices (VFIO and iommufd attach their own domains)",
      ],
    );
    const a = checkAll(
      `cmdline "root=/dev/nvme0n1p2 amd_iommu=off"
${EPYC.replace('  attach gpu\n', '  attach gpu\n//^^^^^^^^^^ iommu-off\n')}`,
      [
        "main.iommu:9:3 iommu-off: 'amd_iommu=off' turns iommu 'ivhd0' (amd-vi) off: 'gpu' has no IOMMU group and its DMA is untranslated, so it cannot be attached to paging domain 'vm'; vfio-pci finds no iommu_group (-EINVAL)",
      ],
    );
    expect(a.config.irqchips[0]!.isolated).toBe(false);
    expect(a.config.iommus[0]!.pgsizes).toEqual([4096n, 2097152n, 1073741824n]);
    expect(check(`cmdline "amd_iommu=nohugepages"\n${EPYC}`).config.iommus[0]!.pgsizes).toEqual([4096n]);
  });

  it('intremap=off: x86 MSIs are no longer isolated, so VFIO/iommufd refuse the NIC', () => {
    checkAll(
      `cmdline "quiet intremap=off"
${DESKTOP.replace('  attach nic\n', '  attach nic\n//^^^^^^^^^^ msi-not-isolated\n')}`,
      [
        "main.iommu:10:3 msi-not-isolated: 'nic' is handed to user space (paging domain 'vm') but the MSIs of 'nic' (ir0, interrupt remapping off by intremap=off) are not isolated: iommufd bind fails with -EPERM (\"No interrupt remapping support. Use the module param allow_unsafe_interrupts…\")",
      ],
    );
  });

  it('vfio_iommu_type1.allow_unsafe_interrupts=1: the VFIO container takes the NIC anyway (warning); iommufd does not read it', () => {
    const type1 = DESKTOP.replace('backend iommufd', 'backend vfio-type1');
    checkAll(
      `${line('intremap=off vfio_iommu_type1.allow_unsafe_interrupts=1', ['vfio_iommu_type1.allow_unsafe_interrupts=1', 'unsafe-interrupts'])}${type1}`,
      [
        "main.iommu:1:23 unsafe-interrupts: 'vfio_iommu_type1.allow_unsafe_interrupts=1' lets VFIO take 'nic' (ir0: interrupt remapping off by intremap=off) although its MSIs are not isolated: the device can write any interrupt message (inject interrupts into the host or other guests)",
      ],
    );
    checkAll(
      `${line('intremap=off vfio_iommu_type1.allow_unsafe_interrupts=1', ['vfio_iommu_type1.allow_unsafe_interrupts=1', 'cmdline-no-effect'])}${DESKTOP.replace('  attach nic\n', '  attach nic\n//^^^^^^^^^^ msi-not-isolated\n')}`,
      [
        "main.iommu:1:23 cmdline-no-effect: 'vfio_iommu_type1.allow_unsafe_interrupts=1' does nothing with backend iommufd: iommufd (VFIO device cdevs, or its VFIO container) reads iommufd.allow_unsafe_interrupts",
        "main.iommu:11:3 msi-not-isolated: 'nic' is handed to user space (paging domain 'vm') but the MSIs of 'nic' (ir0, interrupt remapping off by intremap=off) are not isolated: iommufd bind fails with -EPERM (\"No interrupt remapping support. Use the module param allow_unsafe_interrupts…\")",
      ],
    );
  });

  it('pcie_acs_override= (either spelling): groups finer than the topology allows', () => {
    checkAll(
      `cmdline "quiet pcie-acs-override=downstream,multifunction"
backend iommufd
iommu dmar0 { model vtd }
irqchip ir0 { model x86-remap }
device rp0 { pci 0000:00:1c.0  port root  driver pcieport }
device gpu { pci 0000:01:00.0  behind rp0  msi ir0  driver vfio-pci }
device gpu_audio { pci 0000:01:00.1  behind rp0  msi ir0  driver snd_hda_intel }
group g_gpu { gpu }
// iommu-check: ignore unused-object -- stays with the host
group g_audio { gpu_audio }
//    ^^^^^^^ acs-override
domain vm : paging { attach g_gpu }
`,
      [
        "main.iommu:10:7 acs-override: group 'g_audio' is isolated from group 'g_gpu' only by pcie_acs_override: without it the kernel would merge them because 'gpu_audio' and 'gpu' meet at 'rp0': 'gpu_audio': rp0 (0000:00:1c.0) above it has no ACS capability: peer-to-peer below it bypasses the IOMMU (pci_acs_path_enabled, REQ_ACS_FLAGS SV RR CR UF); peer-to-peer DMA between them bypasses the IOMMU",
      ],
    );
  });
});

describe('conflicts: which parameter wins, and why', () => {
  it('iommu=pt then iommu.passthrough=0: the last early parameter wins', () => {
    const a = checkAll(
      `cmdline "iommu=pt intel_iommu=on iommu.passthrough=0"
//       ^^^^^^^^ cmdline-overridden
${DESKTOP}`,
      [
        "main.iommu:1:10 cmdline-overridden: 'iommu=pt' is overridden by 'iommu.passthrough=0': early parameters are handled in line order, so the last write wins; the kernel ends up with translated (DMA) default domains",
      ],
    );
    const d = a.diagnostics[0]!;
    const fixes = fixesFor(d, a);
    expect(fixes.map((f) => [f.title, f.safe, f.edits.map((e) => [e.span.start, e.span.end, e.newText])])).toEqual([["Remove 'iommu=pt'", true, [[9, 18, '']]]]);
  });
  it('iommu.strict=0 loses to intel_iommu=strict wherever it stands (a __setup parameter)', () => {
    checkAll(
      `${line('intel_iommu=on,strict iommu.strict=0', ['strict', 'cmdline-deprecated'], ['iommu.strict=0', 'cmdline-overridden'])}${DESKTOP}`,
      [
        `main.iommu:1:25 cmdline-deprecated: 'intel_iommu=strict' is deprecated (the kernel logs "intel_iommu=strict deprecated; use iommu.strict=1 instead"); it still forces strict invalidation (iommu_set_dma_strict)`,
        "main.iommu:1:32 cmdline-overridden: 'iommu.strict=0' is overridden by 'intel_iommu=strict': 'intel_iommu=' is a __setup parameter, handled after every early parameter wherever it stands on the line, and iommu_set_dma_strict() forces strict invalidation; the kernel ends up with strict IOTLB invalidation (DMA domains)",
      ],
    );
  });
  it('intremap=off undone by a later intremap=on; intel_iommu=on,off inside one list; iommu=off beats intel_iommu=on', () => {
    checkAll(
      `${line('intremap=off intremap=on', ['intremap=off', 'cmdline-overridden'])}${DESKTOP}`,
      ["main.iommu:1:10 cmdline-overridden: 'intremap=off' is overridden by 'intremap=on': early parameters are handled in line order, so the last write wins; the kernel ends up with interrupt remapping on"],
    );
    checkAll(
      `${line('intel_iommu=on,off iommu=off intel_iommu=on', ['off', 'cmdline-overridden'], ['intel_iommu=on', 'cmdline-overridden', 1])}${DESKTOP.replace('  attach nic\n', '  attach nic\n//^^^^^^^^^^ iommu-off\n')}`,
      [
        "main.iommu:1:25 cmdline-overridden: 'intel_iommu=off' is overridden by 'intel_iommu=on': the kernel handles them in line order, so the last write wins; the kernel ends up with VT-d DMA remapping on",
        "main.iommu:1:39 cmdline-overridden: 'intel_iommu=on' is overridden by 'iommu=off': iommu=off sets no_iommu, and intel_iommu_init gives up when no_iommu is set whatever dmar_disabled says; the kernel ends up with no DMA translation by the VT-d and AMD IOMMUs (no_iommu)",
        "main.iommu:12:3 iommu-off: 'iommu=off' turns iommu 'dmar0' (vtd) off: 'nic' has no IOMMU group and its DMA is untranslated, so it cannot be attached to paging domain 'vm'; iommufd bind fails with -ENODEV",
      ],
    );
  });
  it('unknown IOMMU parameters with did-you-mean, parameters after --, unknown options', () => {
    const a = checkAll(
      `${line('iommu.passthru=1 intel_iommu=on,sm-on intremap=of -- intel_iommu=off', ['iommu.passthru=1', 'cmdline-unknown'], ['sm-on', 'cmdline-no-effect'], ['intremap=of', 'cmdline-no-effect'], ['intel_iommu=off', 'cmdline-no-effect'])}${DESKTOP}`,
      [
        "main.iommu:1:10 cmdline-unknown: the kernel has no parameter 'iommu.passthru': the kernel passes it to init and nothing happens; did you mean 'iommu.passthrough'?",
        `main.iommu:1:42 cmdline-no-effect: 'intel_iommu=' has no option 'sm-on': the kernel logs "Unknown option - 'sm-on'" and ignores it`,
        "main.iommu:1:48 cmdline-no-effect: 'intremap=' has no option 'of': setup_irqremap ignores it silently",
        "main.iommu:1:63 cmdline-no-effect: 'intel_iommu' comes after '--': the kernel hands it to init and does not read it",
      ],
    );
    expect(fixesFor(a.diagnostics[0]!, a).map((f) => [f.title, f.edits.map((e) => e.newText)])).toEqual([["Replace with 'iommu.passthrough'", ['iommu.passthrough']]]);
  });
  it('ranges stay right after escaped quotes in the string', () => {
    const a = checkAll(`${line('acpi_osi=\\"Windows 2020\\" iommu=on', ['iommu=on', 'cmdline-no-effect'])}${DESKTOP}`, [
      "main.iommu:1:36 cmdline-no-effect: 'iommu=' has no option 'on': iommu_setup ignores it silently (nothing switches the IOMMU on here: VT-d needs intel_iommu=on when the kernel is built without CONFIG_INTEL_IOMMU_DEFAULT_ON; the AMD IOMMU is on whenever the firmware has an IVRS)",
    ]);
    expect(a.config.commandLine!.parsed.params.map((p) => [p.name, p.value])).toEqual([
      ['acpi_osi', 'Windows 2020'],
      ['iommu', 'on'],
    ]);
  });
  it('allow-unsafe-interrupts as a statement on an Arm machine with GICv2m', () => {
    checkAll(
      `  allow-unsafe-interrupts
//^^^^^^^^^^^^^^^^^^^^^^^ unsafe-interrupts
iommu smmu0 { model smmuv2 }
irqchip v2m { model gicv2m base 0x0802_0000 }
device nic { pci 0000:01:00.0 msi v2m driver vfio-pci }
domain vm : paging { attach nic }
`,
      ["main.iommu:1:3 unsafe-interrupts: 'allow-unsafe-interrupts' lets iommufd take 'nic' (v2m, gicv2m) although its MSIs are not isolated: the device can write any interrupt message (inject interrupts into the host or other guests)"],
    );
  });
});
describe('written markers', () => {
  it('one fixture per code, markers as written', () => {
    check(`cmdline "iommu=pt"
//       ^^^^^^^^ cmdline-no-effect
${ARM.replace(/driver nvme/, 'driver none')}`);
    check(`cmdline "iommu.passtrough=1"
//       ^^^^^^^^^^^^^^^^^^ cmdline-unknown
${ARM.replace(/driver nvme/, 'driver none')}`);
    check(`cmdline "amd_iommu=fullflush"
//       ^^^^^^^^^^^^^^^^^^^ cmdline-deprecated
${EPYC}`);
    check(`cmdline "iommu.passthrough=1"
//       ^^^^^^^^^^^^^^^^^^^ cmdline-passthrough
${ARM}`);
  });
});
