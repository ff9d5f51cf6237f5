// Fault lines of every format, explained through a configuration: the right device, domain
// and cause, and the whole explanation. Fixtures: test/fault/fixtures/DRIVER.iommu and .log.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyzeFixture } from '../helpers/check';
import { scanLog } from '../../server/src/fault/scan';
import { domainIdNotes, explainLogs } from '../../server/src/fault/explain';

const FIXTURES = path.join(__dirname, 'fixtures');

function explained(driver: string) {
  const a = analyzeFixture(fs.readFileSync(path.join(FIXTURES, `${driver}.iommu`), 'utf8'));
  const scan = scanLog(fs.readFileSync(path.join(FIXTURES, `${driver}.log`), 'utf8'));
  expect(scan.unrecognised).toEqual([]);
  return explainLogs(a, [scan.events]).map((g) => ({
    lines: g.occurrences.map((o) => o.event.lines.first + 1),
    device: g.explanation.device?.name ?? null,
    domain: g.explanation.domain?.name ?? null,
    cause: g.explanation.cause,
    message: g.explanation.message,
  }));
}

describe('vtd fault lines, explained', () => {
  const groups = explained('vtd');
  it('finds exactly these groups', () => {
    expect(groups.map((g) => [g.lines, g.cause])).toEqual([[[3, 8], "read-only"], [[4], "outside-maps"], [[5], "outside-maps"], [[6], "aperture"], [[7], "reserved-region"], [[10, 11], "interrupt-remapping"], [[13], "unknown-device"]]);
  });
  it("v5.17+ [DMA Write NO_PASID] and the v3.x two-line record: a write through a read-only map, grouped", () => {
    expect(groups[0]).toEqual({
      lines: [3, 8],
      device: "nic",
      domain: "vm",
      cause: "read-only",
      message: "'nic' (01:00.0) write at 0x80000000: map (0x80000000..0x800fffff → 0x200000000, r) in 'vm' (paging) does not allow write. The device writes into memory mapped read-only (a receive buffer mapped DMA_TO_DEVICE, or a map made without write permission): make the map `rw` if the device must write, or find why it writes there.",
    });
  });
  it("v5.17+ [DMA Read PASID 0x5] (scalable mode): outside the maps of the PASID's domain", () => {
    expect(groups[1]).toEqual({
      lines: [4],
      device: "nic",
      domain: "sva",
      cause: "outside-maps",
      message: "'nic' (01:00.0) read at 0x5000: outside every map of 'sva' (paging). The domain's owner (the VMM, a user-space driver, the kernel driver that made the domain) never mapped this IOVA or already unmapped it: a driver bug (a stale or wrong DMA address), or a map missing from the configuration (nearest: 0x1000..0x1fff).",
    });
  });
  it("v5.14-5.16 [0x00:0x14.0]: outside the maps of a DMA domain (a driver bug), VT-d reason 6 for an absent page", () => {
    expect(groups[2]).toEqual({
      lines: [5],
      device: "usb",
      domain: "default domain of device 'usb'",
      cause: "outside-maps",
      message: "'usb' (00:14.0) read at 0x1000: outside every map of default domain of device 'usb' (dma). The kernel's DMA API maps buffers on demand, so this is DMA to an address the driver had not mapped or had already unmapped (a driver bug: use after dma_unmap, a stale descriptor), or firmware-initiated DMA (USB legacy, a display scan-out, a BMC) whose memory the firmware does not reserve with an RMRR / IVMD / RMR. (VT-d reports a page that is not mapped at all as \"PTE Read access is not set\".)",
    });
  });
  it("v5.0-5.13 PASID ffffffff, decimal reason 04: beyond the 39-bit input width", () => {
    expect(groups[3]).toEqual({
      lines: [6],
      device: "nic",
      domain: "vm",
      cause: "aperture",
      message: "'nic' (01:00.0) read at 0x8000000000: the address is beyond the 39-bit input range of 'dmar0' (domain 'vm' (paging)), so no map can ever cover it. The device or its driver uses addresses wider than the IOMMU translates (a DMA mask wider than the domain's address width, a guest given a wider IOMMU than the host has); narrow the DMA mask or the IOVA allocation, or give the IOMMU its real width in the configuration.",
    });
  });
  it("v4.x one-line record: inside a reserved region", () => {
    expect(groups[4]).toEqual({
      lines: [7],
      device: "gpu",
      domain: "vm2",
      cause: "reserved-region",
      message: "'gpu' (02:00.0) read at 0x7e000000: the address is inside the reserved region 0x7e000000..0x7e0fffff of 'gpu', which 'vm2' (paging) does not map. Nothing may be mapped in a reserved region, so DMA there always faults: if the firmware does DMA into it, its RMRR / IVMD / RMR is missing or has the wrong type (firmware); otherwise the driver used a bad address.",
    });
  });
  it("INTR-REMAP, modern and v3.x two-line: interrupt remapping, grouped", () => {
    expect(groups[5]).toEqual({
      lines: [10, 11],
      device: "nic",
      domain: "vm",
      cause: "interrupt-remapping",
      message: "'nic' (01:00.0) sent an interrupt that interrupt remapping refused: fault reason 0x22 (Present field in the IRTE entry is clear). This is no DMA fault: the device's MSI (or its interrupt-remapping table entry) is not set up as the IOMMU expects (its MSIs go to ir, x86-remap); a device that raises MSIs after its driver freed them, or one that was reset while its vectors were live, does this.",
    });
  });
  it("a requester the configuration does not have", () => {
    expect(groups[6]).toEqual({
      lines: [13],
      device: null,
      domain: null,
      cause: "unknown-device",
      message: "03:00.0 is no device of the configuration: no device of the configuration has pci 03:00.0. Declare the device (with its `pci` address and `iommu`) to have its faults explained, or check that the log comes from the machine this configuration describes.",
    });
  });
});

describe('amd-vi fault lines, explained', () => {
  const groups = explained('amd-vi');
  it('finds exactly these groups', () => {
    expect(groups.map((g) => [g.lines, g.cause])).toEqual([[[1], "outside-maps"], [[2], "blocked"], [[3], "config-translates"], [[4], "not-attached"], [[5], "interrupt-remapping"], [[6], "not-attached"], [[8], "blocked"], [[9], "iommu-error"]]);
  });
  it("pci_err form (requester in the prefix): outside every map", () => {
    expect(groups[0]).toEqual({
      lines: [1],
      device: "nic",
      domain: "vm",
      cause: "outside-maps",
      message: "'nic' (0000:01:00.0) write at 0xc0000000: outside every map of 'vm' (paging). The domain's owner (the VMM, a user-space driver, the kernel driver that made the domain) never mapped this IOVA or already unmapped it: a driver bug (a stale or wrong DMA address), or a map missing from the configuration (nearest: 0x0..0x7fffffff).",
    });
  });
  it("device= with segment: a blocked domain", () => {
    expect(groups[1]).toEqual({
      lines: [2],
      device: "hba",
      domain: "off",
      cause: "blocked",
      message: "'hba' (0000:05:00.0) read at 0x1000: domain 'off' (blocked) is blocked: all DMA is refused. The IOMMU refuses all DMA of 'hba' there: attach a domain to its RID (or its group) if it must do DMA.",
    });
  });
  it("older device= without segment, PR flag: the configuration translates it", () => {
    expect(groups[2]).toEqual({
      lines: [3],
      device: "nic",
      domain: "vm",
      cause: "config-translates",
      message: "'nic' (01:00.0) read at 0x2000: the configuration translates this read ('vm' (paging): map (0x0..0x7fffffff → 0x100000000, rw) → PA 0x100002000), yet the hardware reported a fault (flags 0x0010 [PR]: the page was present). The running system does not match the configuration: the map was not made yet or was already removed, the device was in another domain at the time, or the permissions differ.",
    });
  });
  it("ILLEGAL_DEV_TABLE_ENTRY: the device has no valid device-table entry", () => {
    expect(groups[3]).toEqual({
      lines: [4],
      device: "nic",
      domain: "vm",
      cause: "not-attached",
      message: "ILLEGAL_DEV_TABLE_ENTRY: the IOMMU found no valid entry for 'nic' (0000:01:00.0) (ILLEGAL_DEV_TABLE_ENTRY flags 0x0a00). The configuration puts it in 'vm' (paging), so at the time of the fault the device was not (or no longer) attached: it did DMA while its driver was unbound, during a reset, before VFIO/iommufd attached it, or the firmware describes it with another requester ID.",
    });
  });
  it("I flag: an interrupt request refused", () => {
    expect(groups[4]).toEqual({
      lines: [5],
      device: "nic",
      domain: "vm",
      cause: "interrupt-remapping",
      message: "'nic' (0000:01:00.0) sent an interrupt (a write to 0xfee00000) that interrupt remapping refused: flags 0x0028 [I RW]: interrupt request. This is no DMA fault: the device's MSI (or its interrupt-remapping table entry) is not set up as the IOMMU expects (its MSIs go to ir, x86-remap); a device that raises MSIs after its driver freed them, or one that was reset while its vectors were live, does this.",
    });
  });
  it("\"Device not attached to domain properly\" with its device line", () => {
    expect(groups[5]).toEqual({
      lines: [6],
      device: "ssd",
      domain: "default domain of device 'ssd'",
      cause: "not-attached",
      message: "Device not attached to domain properly: the IOMMU found no valid entry for 'ssd' (0000:0a:00.0) (the device faulted while the kernel had no domain for it). The configuration puts it in default domain of device 'ssd' (dma), so at the time of the fault the device was not (or no longer) attached: it did DMA while its driver was unbound, during a reset, before VFIO/iommufd attached it, or the firmware describes it with another requester ID.",
    });
  });
  it("GN flag: the domain field is the PASID, which has no domain", () => {
    expect(groups[6]).toEqual({
      lines: [8],
      device: "nic",
      domain: null,
      cause: "blocked",
      message: "'nic' (0000:01:00.0) read at 0x7000: no domain is attached to PASID 3 of 'nic'. Attach a domain to that PASID, or find why the device uses it.",
    });
  });
  it("IOTLB_INV_TIMEOUT: an IOMMU error", () => {
    expect(groups[7]).toEqual({
      lines: [9],
      device: "ssd",
      domain: "default domain of device 'ssd'",
      cause: "iommu-error",
      message: "IOTLB_INV_TIMEOUT on 'ssd' (0000:0a:00.0): IOTLB_INV_TIMEOUT. An error of the IOMMU itself (its tables, command queue or invalidation), not of the device's address: the configuration cannot explain it; look for firmware or hardware errata.",
    });
  });
});

describe('smmuv3 fault lines, explained', () => {
  const groups = explained('smmuv3');
  it('finds exactly these groups', () => {
    expect(groups.map((g) => [g.lines, g.cause])).toEqual([[[1], "msi-doorbell"], [[8], "host-stage2"], [[13], "read-only"], [[15], "unknown-device"], [[16], "outside-maps"], [[18], "aperture"], [[20], "guest-stage1"]]);
  });
  it("raw record + decoded lines, stage 1: an MSI write the guest's stage 1 does not map (missing rmr)", () => {
    expect(groups[0]).toEqual({
      lines: [1],
      device: "nic",
      domain: "guest",
      cause: "msi-doorbell",
      message: "'nic' (0000:01:00.0) write at 0x8000040: an MSI write ('nic' is programmed with MSI address 0x8000040: SW_MSI slot 0 at 0x8000000 + doorbell offset 0x40) that the guest's stage 1 of 'guest' (nested) does not map. The guest's stage 1 needs an identity map of the host SW_MSI window: add `rmr 0x8000000..0x80fffff` (the vIORT RMR) to 'guest', or an `msi-bind`.",
    });
  });
  it("raw record only (older kernels), stage 2: the nest parent maps nothing at the IPA (StreamID = RID)", () => {
    expect(groups[1]).toEqual({
      lines: [8],
      device: "nic",
      domain: "guest",
      cause: "host-stage2",
      message: "'nic' (StreamID 0x100 on arm-smmu-v3.0.auto) read at 0x200000000: a fault in the host's stage 2 — stage-2 fault: 's2' (paging) maps nothing at 0x80000000 (IPA 0x80000000 after the guest's stage 1). The guest's stage 1 translated, but the nest parent maps nothing at that IPA: the VMM did not map this guest-physical range (guest RAM, a BAR, an MSI page) into stage 2.",
    });
  });
  it("decoded lines only, F_PERMISSION: a write through a read-only map", () => {
    expect(groups[2]).toEqual({
      lines: [13],
      device: "nvme",
      domain: "vm",
      cause: "read-only",
      message: "'nvme' (0000:02:00.0) write at 0x50000000: map (0x50000000..0x50000fff → 0xa00000000, r) in 'vm' (paging) does not allow write. The device writes into memory mapped read-only (a receive buffer mapped DMA_TO_DEVICE, or a map made without write permission): make the map `rw` if the device must write, or find why it writes there.",
    });
  });
  it("C_BAD_STE from an unassigned sid: a device nobody knows", () => {
    expect(groups[3]).toEqual({
      lines: [15],
      device: null,
      domain: null,
      cause: "unknown-device",
      message: "StreamID 0x300 on arm-smmu-v3.0.auto is no device of the configuration: no device of the configuration has StreamID 0x300 (taken as the requester ID 03:00.0 of a PCI device behind an smmuv3 SMMU). The kernel itself has no device for this StreamID (\"unassigned sid\"): something DMAs with a StreamID no firmware description (IORT, devicetree iommus / iommu-map) gives a device. Declare the device (with its `pci` address and `iommu`) to have its faults explained, or check that the log comes from the machine this configuration describes.",
    });
  });
  it("a platform client named by the kernel: outside the maps of its DMA domain", () => {
    expect(groups[4]).toEqual({
      lines: [16],
      device: "ethernet",
      domain: "default domain of device 'ethernet'",
      cause: "outside-maps",
      message: "'ethernet' (StreamID 0x11 (9000000.ethernet) on arm-smmu-v3.0.auto) read at 0xffff0000: outside every map of default domain of device 'ethernet' (dma). The kernel's DMA API maps buffers on demand, so this is DMA to an address the driver had not mapped or had already unmapped (a driver bug: use after dma_unmap, a stale descriptor), or firmware-initiated DMA (USB legacy, a display scan-out, a BMC) whose memory the firmware does not reserve with an RMRR / IVMD / RMR.",
    });
  });
  it("F_ADDR_SIZE: beyond the 48-bit input width", () => {
    expect(groups[5]).toEqual({
      lines: [18],
      device: "nvme",
      domain: "vm",
      cause: "aperture",
      message: "'nvme' (0000:02:00.0) read at 0x1000000000000: the address is beyond the 48-bit input range of 'smmu0' (domain 'vm' (paging)), so no map can ever cover it. The device or its driver uses addresses wider than the IOMMU translates (a DMA mask wider than the domain's address width, a guest given a wider IOMMU than the host has); narrow the DMA mask or the IOVA allocation, or give the IOMMU its real width in the configuration.",
    });
  });
  it("stage 1 of a nested domain: the guest's own page table", () => {
    expect(groups[6]).toEqual({
      lines: [20],
      device: "nic",
      domain: "guest",
      cause: "guest-stage1",
      message: "'nic' (0000:01:00.0) read at 0x140000000: a fault in the guest's stage 1 — stage-1 fault: the guest's stage 1 of 'guest' maps nothing at 0x140000000 (no rmr identity map). The guest's own IOMMU driver (its page table, not the host's) maps nothing there: a guest driver bug or a guest mapping not yet made. Under iommufd such faults go to the VMM's vIOMMU; seeing them in the host log means they were not forwarded (no vIOMMU for the device).",
    });
  });
});

describe('smmuv2 fault lines, explained', () => {
  const groups = explained('smmuv2');
  it('finds exactly these groups', () => {
    expect(groups.map((g) => [g.lines, g.cause])).toEqual([[[1, 4], "outside-maps"], [[5], "config-translates"], [[6], "not-attached"], [[8], "unknown-device"]]);
  });
  it("context fault with cbfrsynra (v5.2+), twice in one page: outside every map, grouped", () => {
    expect(groups[0]).toEqual({
      lines: [1, 4],
      device: "gpu",
      domain: "vm",
      cause: "outside-maps",
      message: "'gpu' (StreamID 0x100 on 2b400000.iommu) write at 0x20000000: outside every map of 'vm' (paging). The domain's owner (the VMM, a user-space driver, the kernel driver that made the domain) never mapped this IOVA or already unmapped it: a driver bug (a stale or wrong DMA address), or a map missing from the configuration (nearest: 0x10000000..0x1fffffff).",
    });
  });
  it("context fault without cbfrsynra (older): the only device behind the SMMU; the map allows the read", () => {
    expect(groups[1]).toEqual({
      lines: [5],
      device: "gpu",
      domain: "vm",
      cause: "config-translates",
      message: "'gpu' read at 0x10000000: the configuration translates this read ('vm' (paging): map (0x10000000..0x1fffffff → 0x800000000, rw) → PA 0x800000000), yet the hardware reported a permission fault (fsr 0x8 [PF], read, context bank 3). The running system does not match the configuration: the map was not made yet or was already removed, the device was in another domain at the time, or the permissions differ.",
    });
  });
  it("Blocked unknown Stream ID: the known device had no stream-mapping entry", () => {
    expect(groups[2]).toEqual({
      lines: [6],
      device: "gpu",
      domain: "vm",
      cause: "not-attached",
      message: "unknown Stream ID: the IOMMU found no valid entry for 'gpu' (StreamID 0x100 on 2b400000.iommu) (the stream matched no stream-mapping entry (GFSR.USF): no device was set up with this StreamID). The configuration puts it in 'vm' (paging), so at the time of the fault the device was not (or no longer) attached: it did DMA while its driver was unbound, during a reset, before VFIO/iommufd attached it, or the firmware describes it with another requester ID.",
    });
  });
  it("Unexpected global fault with GFSR: a StreamID the configuration does not have", () => {
    expect(groups[3]).toEqual({
      lines: [8],
      device: null,
      domain: null,
      cause: "unknown-device",
      message: "StreamID 0x820 on 2b400000.iommu is no device of the configuration: no device of the configuration has StreamID 0x820 (taken as the requester ID 08:04.0 of a PCI device behind an smmuv2 SMMU). Declare the device (with its `pci` address and `iommu`) to have its faults explained, or check that the log comes from the machine this configuration describes.",
    });
  });
});

describe('AMD-Vi domain IDs across the log', () => {
  it('devices faulting with one domain ID, against the configuration\'s domains; a device with two IDs', () => {
    const a = analyzeFixture(`backend vfio-type1
iommu ivhd0 { model amd-vi }
device nic { pci 0000:01:00.0 iommu ivhd0 driver vfio-pci }
device gpu { pci 0000:02:00.0 iommu ivhd0 driver vfio-pci }
device hda { pci 0000:02:00.1 iommu ivhd0 driver vfio-pci }
group g { gpu hda }
domain vm : paging { attach nic }
domain vm2 : paging { attach g }
`);
    const scan = scanLog(
      [
        'vfio-pci 0000:01:00.0: AMD-Vi: Event logged [IO_PAGE_FAULT domain=0x000d address=0x1000 flags=0x0000]',
        'vfio-pci 0000:02:00.0: AMD-Vi: Event logged [IO_PAGE_FAULT domain=0x000d address=0x2000 flags=0x0000]',
        'vfio-pci 0000:02:00.0: AMD-Vi: Event logged [IO_PAGE_FAULT domain=0x000e address=0x2000 flags=0x0000]',
        'vfio-pci 0000:02:00.1: AMD-Vi: Event logged [IO_PAGE_FAULT domain=0x000e address=0x3000 flags=0x0000]',
        // domain ID 0 is no domain, and interrupt requests say nothing of the DMA domain
        'vfio-pci 0000:01:00.0: AMD-Vi: Event logged [IO_PAGE_FAULT domain=0x0000 address=0x4000 flags=0x0000]',
        'vfio-pci 0000:02:00.1: AMD-Vi: Event logged [IO_PAGE_FAULT domain=0x000f address=0xfee00000 flags=0x0028]',
      ].join('\n'),
    );
    expect(domainIdNotes(explainLogs(a, [scan.events]), a)).toEqual([
      "AMD-Vi domain ID 0x000d: 'nic', 'gpu' faulted in one domain on the machine, but the configuration puts them in 'vm' (paging), 'vm2' (paging).",
      "AMD-Vi domain ID 0x000e: 'gpu', 'hda' faulted in one domain, as the configuration has them ('vm2' (paging)).",
      "'gpu' faulted with AMD-Vi domain IDs 0x000d, 0x000e: it changed domain while the log was written.",
    ]);
  });
});

describe('a DMA read of the interrupt window', () => {
  it('is refused whatever the domain maps: only writes there are interrupts', () => {
    const a = analyzeFixture(fs.readFileSync(path.join(FIXTURES, 'vtd.iommu'), 'utf8'));
    const scan = scanLog('DMAR: [DMA Read NO_PASID] Request device [01:00.0] fault addr 0xfee00000 [fault reason 0x06] PTE Read access is not set\n');
    const [g] = explainLogs(a, [scan.events]);
    expect([g!.explanation.device?.name, g!.explanation.domain?.name, g!.explanation.cause, g!.explanation.message]).toEqual([
      'nic',
      'vm',
      'reserved-region',
      "'nic' (01:00.0) read at 0xfee00000: the address is in the hardware MSI window 0xfee00000..0xfeefffff, where only writes are interrupt requests: a DMA read of it is refused whatever the domain maps. The driver used an MSI doorbell address as a buffer address, or its DMA addresses run into the interrupt range (an IOVA allocator or a guest that does not reserve it).",
    ]);
    expect(g!.explanation.related.map((r) => r.message)).toEqual(['hardware MSI window 0xfee00000..0xfeefffff', "device 'nic'", "domain 'vm' (paging)"]);
  });
});

describe('a fault of a device the configuration has in an identity domain', () => {
  it('says the device was not in it on the machine', () => {
    const a = analyzeFixture(`iommu dmar0 { model vtd default-domain identity }
device nic { pci 0000:01:00.0 iommu dmar0 driver e1000e }
`);
    const [g] = explainLogs(a, [scanLog('DMAR: [DMA Read NO_PASID] Request device [01:00.0] fault addr 0x7000 [fault reason 0x06] PTE Read access is not set\n').events]);
    expect([g!.explanation.cause, g!.explanation.domain?.type, g!.explanation.message]).toEqual([
      'config-translates',
      'identity',
      "'nic' (01:00.0) read at 0x7000: the configuration translates this read (default domain of device 'nic' (identity): identity, PA = IOVA → PA 0x7000), yet the hardware reported a fault (fault reason 0x06 (PTE Read access is not set)). An identity (passthrough) domain translates every address, so on the machine 'nic' was not in it: its group had another default domain (check the kernel command line — iommu=pt, iommu.passthrough — and the group's type file), or a driver attached it to a domain of its own.",
    ]);
  });
});

describe('an SMMUv3 client that is a platform device', () => {
  it('is found under the name import-dt gives it (NODE_ADDRESS) or its node name', () => {
    for (const name of ['ethernet_9000000', 'ethernet']) {
      const a = analyzeFixture(`iommu smmu0 { model smmuv3 }\ndevice ${name} { iommu smmu0 driver macb }\n`);
      const ev = scanLog('arm-smmu-v3 arm-smmu-v3.0.auto: event: F_TRANSLATION client: 9000000.ethernet sid: 0x11 ssid: 0 iova: 0x1000 ipa: 0\narm-smmu-v3 arm-smmu-v3.0.auto: unpriv data read s1 "Input address caused fault" stag: 0\n').events;
      const [g] = explainLogs(a, [ev]);
      expect([g!.explanation.device?.name, g!.explanation.requester.how]).toEqual([name, 'client 9000000.ethernet of StreamID 0x11']);
    }
  });
});

describe('more formats, explained', () => {
  const LABELS = ["AMD-Vi 2.6/3.x: an event split in KERN_CONT pieces", "AMD-Vi INVALID_DEVICE_REQUEST: no translation fault", "SMMUv3 /dev/kmsg record (tabs escaped as \\\\x09)", "SMMUv2 context fault with its fields reordered (vendor kernels)", "VT-d DMAR-IR prefix"];
  const cases: [string, string][] = [
    ['amd-vi', '[ 1.4] AMD-Vi: Event logged [\n[ 1.4] IO_PAGE_FAULT device=01:00.0 domain=0x0000 address=0x00000000bdf6e000 flags=0x0010]\n'],
    ['amd-vi', 'iommu ivhd0: AMD-Vi: Event logged [INVALID_DEVICE_REQUEST device=0000:01:00.0 pasid=0x00000 address=0xfffff000 flags=0x0100]\n'],
    ['smmuv3', '3,1,1,-;arm-smmu-v3 arm-smmu-v3.0.auto: event 0x10 received:\n3,2,1,-;arm-smmu-v3 arm-smmu-v3.0.auto: \\x090x0000020000000010\n3,3,1,-;arm-smmu-v3 arm-smmu-v3.0.auto: \\x090x0000020000000000\n3,4,1,-;arm-smmu-v3 arm-smmu-v3.0.auto: \\x090x0000000050000000\n3,5,1,-;arm-smmu-v3 arm-smmu-v3.0.auto: \\x090x0000000000000000\n'],
    ['smmuv2', 'arm-smmu 2b400000.iommu: Unhandled context fault: iova=0x10000040, fsr=0x8, fsynr=0x10, cb=1, cbfrsynra=0x100\n'],
    ['vtd', 'DMAR-IR: [INTR-REMAP] Request device [01:00.0] fault index 0x7 [fault reason 0x25] Blocked a compatibility format interrupt request\n'],
  ];
  const expected = [
    {
      "device": "nic",
      "domain": "vm",
      "cause": "outside-maps",
      "message": "'nic' (01:00.0) read at 0xbdf6e000: outside every map of 'vm' (paging). The domain's owner (the VMM, a user-space driver, the kernel driver that made the domain) never mapped this IOVA or already unmapped it: a driver bug (a stale or wrong DMA address), or a map missing from the configuration (nearest: 0x0..0x7fffffff)."
    },
    {
      "device": "nic",
      "domain": "vm",
      "cause": "unexplained",
      "message": "INVALID_DEVICE_REQUEST on 'nic' (0000:01:00.0) at 0xfffff000: INVALID_DEVICE_REQUEST flags 0x0100. The device sent a request its device-table entry does not allow: an ATS translation request while ATS is off for it, or a PASID-tagged or privileged request its domain does not enable. Check the device's ATS/PASID setup against the domain it is attached to. (The configuration faults there too: fault: 'vm' (paging) maps nothing at 0xfffff000.)"
    },
    {
      "device": "nvme",
      "domain": "vm",
      "cause": "read-only",
      "message": "'nvme' (StreamID 0x200 on arm-smmu-v3.0.auto) write at 0x50000000: map (0x50000000..0x50000fff → 0xa00000000, r) in 'vm' (paging) does not allow write. The device writes into memory mapped read-only (a receive buffer mapped DMA_TO_DEVICE, or a map made without write permission): make the map `rw` if the device must write, or find why it writes there."
    },
    {
      "device": "gpu",
      "domain": "vm",
      "cause": "config-translates",
      "message": "'gpu' (StreamID 0x100 on 2b400000.iommu) write at 0x10000040: the configuration translates this write ('vm' (paging): map (0x10000000..0x1fffffff → 0x800000000, rw) → PA 0x800000040), yet the hardware reported a permission fault (fsr 0x8 [PF], write, context bank 1). The running system does not match the configuration: the map was not made yet or was already removed, the device was in another domain at the time, or the permissions differ."
    },
    {
      "device": "nic",
      "domain": "vm",
      "cause": "interrupt-remapping",
      "message": "'nic' (01:00.0) sent an interrupt that interrupt remapping refused: fault reason 0x25 (Blocked a compatibility format interrupt request). This is no DMA fault: the device's MSI (or its interrupt-remapping table entry) is not set up as the IOMMU expects (its MSIs go to ir, x86-remap); a device that raises MSIs after its driver freed them, or one that was reset while its vectors were live, does this."
    }
  ];
  cases.forEach(([fixture, log], i) => {
    it(LABELS[i]!, () => {
      const a = analyzeFixture(fs.readFileSync(path.join(FIXTURES, `${fixture}.iommu`), 'utf8'));
      const scan = scanLog(log);
      expect(scan.unrecognised).toEqual([]);
      const groups = explainLogs(a, [scan.events]);
      expect(groups).toHaveLength(1);
      const x = groups[0]!.explanation;
      expect({ device: x.device?.name ?? null, domain: x.domain?.name ?? null, cause: x.cause, message: x.message }).toEqual(expected[i]);
    });
  });
});
