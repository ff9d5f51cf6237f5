// The driver parsers: every fault and event format the kernel prints (old and new), with the
// prefixes saved logs carry, and malformed or cut-short lines counted as unrecognised.

import { describe, expect, it } from 'vitest';
import { scanLog } from '../../server/src/fault/scan';
import { logLines } from '../../server/src/fault/logLine';
import { decodeRecord } from '../../server/src/fault/smmuv3';
import type { FaultEvent } from '../../server/src/fault/event';

/** The one event of a log, with nothing unrecognised. */
function one(text: string): FaultEvent {
  const r = scanLog(text);
  expect(r.unrecognised).toEqual([]);
  expect(r.events).toHaveLength(1);
  return r.events[0]!;
}

/** The fields that say what happened (without the detail and columns). */
function gist(e: FaultEvent) {
  return { driver: e.driver, name: e.name, kind: e.kind, requester: e.requester, address: e.address, ipa: e.ipa, access: e.access, pasid: e.pasid, stage: e.stage, lines: e.lines };
}

const pci = (bus: number, device: number, fn: number, segment: number | null = null) => ({ kind: 'pci', bdf: { segment, bus, device, fn } });

describe('log prefixes', () => {
  it('strips dmesg stamps, caller ids, -T dates, syslog, journalctl, ISO stamps, kmsg records, console levels', () => {
    const lines = logLines(
      [
        '[   12.345678] DMAR: x',
        '[   12.345678][    T1] DMAR: x',
        '[Tue Dec  1 10:00:00 2026] DMAR: x',
        'Dec  1 10:00:00 host kernel: [   12.345678] DMAR: x',
        'Dec 01 10:00:00.123456 host kernel: DMAR: x',
        '2026-12-01T10:00:00.123456+00:00 host kernel: DMAR: x',
        '3,1234,5678901,-;DMAR: x',
        '<3>[   12.345678] DMAR: x',
        'MESSAGE=DMAR: x',
        '{"__REALTIME_TIMESTAMP":"1","MESSAGE":"DMAR: x","PRIORITY":"3"}',
        'DMAR: x',
      ].join('\r\n') + '\n',
    );
    expect(lines.map((l) => l.message)).toEqual(Array(11).fill('DMAR: x'));
    expect(lines[0]!.column).toBe(15);
    expect(lines[6]!.column).toBe(17);
  });
  it('a log without a final newline, and an empty log', () => {
    expect(logLines('a\nb').map((l) => l.message)).toEqual(['a', 'b']);
    expect(scanLog('')).toEqual({ events: [], unrecognised: [], lines: 1, context: 0 });
  });
});

describe('VT-d (dmar_fault_do_one)', () => {
  it('v5.17+: [DMA Read NO_PASID] with 0x reason', () => {
    const line = '[  100.000002] DMAR: [DMA Read NO_PASID] Request device [01:00.0] fault addr 0xfee00000 [fault reason 0x06] PTE Read access is not set';
    const e = one(line + '\n');
    expect(gist(e)).toEqual({ driver: 'vtd', name: 'DMA Read', kind: 'translation', requester: pci(1, 0, 0), address: 0xfee00000n, ipa: null, access: 'read', pasid: null, stage: null, lines: { first: 0, last: 0 } });
    expect(e.reason).toBe('fault reason 0x06 (PTE Read access is not set)');
    expect(e.columns).toEqual({ start: 15, end: line.length });
  });
  it('v5.17+: [DMA Write PASID 0x5] with a scalable-mode reason', () => {
    const e = one('DMAR: [DMA Write PASID 0x5] Request device [3a:00.1] fault addr 0x7f0000 [fault reason 0x85] SM: No write permission for Write/AtomicOp request\n');
    expect(gist(e)).toEqual({ driver: 'vtd', name: 'DMA Write', kind: 'permission', requester: pci(0x3a, 0, 1), address: 0x7f0000n, ipa: null, access: 'write', pasid: 5, stage: null, lines: { first: 0, last: 0 } });
  });
  it('v5.14–5.16: the bus and device printed with 0x', () => {
    const e = one('DMAR: [DMA Write NO_PASID] Request device [0x01:0x1f.7] fault addr 0x1000 [fault reason 0x05] PTE Write access is not set');
    expect(e.requester).toEqual(pci(1, 0x1f, 7));
    expect(e.detail['reasonCode']).toBe(5);
  });
  it('v5.0–5.13: PASID ffffffff (none) and a decimal reason', () => {
    const e = one('DMAR: [DMA Read] Request device [01:00.0] PASID ffffffff fault addr fee00000 [fault reason 12] non-zero reserved fields in PTE');
    expect(gist(e)).toEqual({ driver: 'vtd', name: 'DMA Read', kind: 'other', requester: pci(1, 0, 0), address: 0xfee00000n, ipa: null, access: 'read', pasid: null, stage: null, lines: { first: 0, last: 0 } });
    expect(e.detail['reasonCode']).toBe(12);
  });
  it('v4.x: one line, decimal reason, address without 0x', () => {
    const e = one('[ 5.1] DMAR: [DMA Write] Request device [00:02.0] fault addr 7e000 [fault reason 05] PTE Write access is not set');
    expect(gist(e)).toEqual({ driver: 'vtd', name: 'DMA Write', kind: 'translation', requester: pci(0, 2, 0), address: 0x7e000n, ipa: null, access: 'write', pasid: null, stage: null, lines: { first: 0, last: 0 } });
  });
  it('v3.x: the record over two lines, with or without a stamp on the second', () => {
    for (const text of [
      '[ 9731.055098] dmar: DMAR:[DMA Read] Request device [01:00.1] fault addr 2231b8000 \nDMAR:[fault reason 12] non-zero reserved fields in PTE\n',
      'kernel: [ 2892.897750] DMAR:[DMA Write] Request device [04:00.0] fault addr fde00000\nkernel: [ 2892.897751] DMAR:[fault reason 05] PTE Write access is not set\n',
    ]) {
      const e = one(text);
      expect(e.lines).toEqual({ first: 0, last: 1 });
      expect(e.reason).toMatch(/^fault reason 0x0[5c] \((non-zero reserved fields in PTE|PTE Write access is not set)\)$/);
    }
  });
  it('the DMAR-IR prefix of interrupt-remapping messages', () => {
    expect(one('DMAR-IR: [INTR-REMAP] Request device [00:1f.0] fault index 0x7 [fault reason 0x25] Blocked a compatibility format interrupt request').detail['reasonCode']).toBe(0x25);
  });
  it('INTR-REMAP, modern and v3.x', () => {
    const m = one('DMAR: [INTR-REMAP] Request device [f0:1f.0] fault index 0x2 [fault reason 0x22] Present field in the IRTE entry is clear');
    expect(gist(m)).toEqual({ driver: 'vtd', name: 'INTR-REMAP', kind: 'interrupt', requester: pci(0xf0, 0x1f, 0), address: null, ipa: null, access: 'write', pasid: null, stage: null, lines: { first: 0, last: 0 } });
    expect(m.detail).toEqual({ reasonCode: 0x22, reasonText: 'Present field in the IRTE entry is clear', irteIndex: '0x2' });
    const o = one('INTR-REMAP: Request device [[f0:1f.0] fault index 2\nINTR-REMAP:[fault reason 34] Present field in the IRTE entry is clear\n');
    expect(o.detail).toEqual({ reasonCode: 0x22, reasonText: 'Present field in the IRTE entry is clear', irteIndex: '0x2' });
    expect(o.lines).toEqual({ first: 0, last: 1 });
  });
  it('the fault-status line is context; cut-short and broken lines are unrecognised, never a crash', () => {
    const r = scanLog(
      [
        'DMAR: DRHD: handling fault status reg 2',
        'DMAR: [DMA Read NO_PASID] Request device [01:00',
        'DMAR: [DMA Read NO_PASID] Request device [01:40.0] fault addr 0x1000 [fault reason 0x06] x',
        'DMAR:[DMA Write] Request device [00:02.0] fault addr 7e000',
        'something else entirely',
        'DMAR:[fault reason 05] PTE Write access is not set',
        'DMAR: [DMA Read NO_PASID] Request device [01:00.0] fault addr 0x12345678901234567 [fault reason 0x06] x',
      ].join('\n'),
    );
    expect(r.events).toEqual([]);
    expect(r.context).toBe(1);
    expect(r.unrecognised.map((u) => [u.line, u.why])).toEqual([
      [1, 'a VT-d fault line that does not parse'],
      [2, 'the requester or the address does not parse'],
      [3, 'the fault record is cut short: no [fault reason] follows'],
      [5, 'a fault reason without its record line'],
      [6, 'the requester or the address does not parse'],
    ]);
  });
});

describe('AMD-Vi (iommu_print_event, amd_iommu_report_page_fault)', () => {
  it('pci_err form: the requester in the device prefix', () => {
    const e = one('[ 3.2] vfio-pci 0000:01:00.0: AMD-Vi: Event logged [IO_PAGE_FAULT domain=0x000d address=0xfee00000 flags=0x0020]');
    expect(gist(e)).toEqual({ driver: 'amd-vi', name: 'IO_PAGE_FAULT', kind: 'translation', requester: pci(1, 0, 0, 0), address: 0xfee00000n, ipa: null, access: 'write', pasid: null, stage: null, lines: { first: 0, last: 0 } });
    expect(e.reason).toBe('flags 0x0020 [RW]: no translation for the page');
    expect(e.detail).toEqual({ domainId: '0x000d', flags: '0x0020', flagNames: 'RW' });
  });
  it('device= with a segment (v6.0+) and without (older), zero-padded address', () => {
    const a = one('AMD-Vi: Event logged [IO_PAGE_FAULT device=0000:0a:00.0 domain=0x001d address=0x1000 flags=0x0050]');
    expect(gist(a)).toEqual({ driver: 'amd-vi', name: 'IO_PAGE_FAULT', kind: 'permission', requester: pci(0x0a, 0, 0, 0), address: 0x1000n, ipa: null, access: 'read', pasid: null, stage: null, lines: { first: 0, last: 0 } });
    expect(a.reason).toBe('flags 0x0050 [PR PE]: permission violation on a present page');
    const b = one('AMD-Vi: Event logged [IO_PAGE_FAULT device=01:00.0 domain=0x0012 address=0x00000000bea106c0 flags=0x0010]');
    expect(b.requester).toEqual(pci(1, 0, 0));
    expect(b.address).toBe(0xbea106c0n);
  });
  it('2.6/3.x: the KERN_CONT pieces of one event split over two lines', () => {
    const e = one('[ 1.4] AMD-Vi: Event logged [\n[ 1.4] IO_PAGE_FAULT device=00:14.2 domain=0x0000 address=0x00000000bdf6e000 flags=0x0010]\n');
    expect(gist(e)).toEqual({ driver: 'amd-vi', name: 'IO_PAGE_FAULT', kind: 'translation', requester: pci(0, 0x14, 2), address: 0xbdf6e000n, ipa: null, access: 'read', pasid: null, stage: null, lines: { first: 0, last: 1 } });
  });
  it('flags: GN means the domain field is the PASID; I is an interrupt request', () => {
    expect(one('AMD-Vi: Event logged [IO_PAGE_FAULT device=0000:01:00.0 domain=0x0003 address=0x2000 flags=0x0001]').pasid).toBe(3);
    expect(one('AMD-Vi: Event logged [IO_PAGE_FAULT device=0000:01:00.0 domain=0x0000 address=0xfee00000 flags=0x0008]').kind).toBe('interrupt');
  });
  it('other events, on the IOMMU device', () => {
    const e = one('iommu ivhd0: AMD-Vi: Event logged [ILLEGAL_DEV_TABLE_ENTRY device=0000:02:00.0 pasid=0x00000 address=0xfffffff0 flags=0x0a00]');
    expect(gist(e)).toEqual({ driver: 'amd-vi', name: 'ILLEGAL_DEV_TABLE_ENTRY', kind: 'context', requester: pci(2, 0, 0, 0), address: 0xfffffff0n, ipa: null, access: null, pasid: null, stage: null, lines: { first: 0, last: 0 } });
    expect(e.instance).toBe('ivhd0');
    expect(one('iommu ivhd0: AMD-Vi: Event logged [INVALID_DEVICE_REQUEST device=0000:02:00.0 pasid=0x00000 address=0x0 flags=0x0100]').kind).toBe('other');
    expect(one('iommu ivhd0: AMD-Vi: Event logged [IOTLB_INV_TIMEOUT device=0000:02:00.0 address=0x4000]').kind).toBe('hardware');
    expect(one('iommu ivhd0: AMD-Vi: Event logged [ILLEGAL_COMMAND_ERROR address=0x1234]').requester).toBeNull();
  });
  it('"Device not attached to domain properly" takes the device line after it', () => {
    for (const second of ['AMD-Vi:   device=0000:01:00.0 domain=0x0000', '  device=0000:01:00.0 domain=0x0000']) {
      const e = one(`AMD-Vi: Event logged [Device not attached to domain properly]\n${second}\n`);
      expect(gist(e)).toEqual({ driver: 'amd-vi', name: 'Device not attached to domain properly', kind: 'context', requester: pci(1, 0, 0, 0), address: null, ipa: null, access: null, pasid: null, stage: null, lines: { first: 0, last: 1 } });
    }
    expect(one('AMD-Vi: Event logged [Device not attached to domain properly]\n').requester).toBeNull();
  });
  it('cut short or malformed: unrecognised', () => {
    const r = scanLog(
      [
        'AMD-Vi: Event logged [IO_PAGE_FAULT device=0000:01:00.0 domain=0x000d address=0xfee0',
        'AMD-Vi: Event logged [IO_PAGE_FAULT domain=0x000d address=0xfee00000 flags=0x0020]',
        'AMD-Vi: Event logged [BOGUS_EVENT device=0000:01:00.0]',
        'AMD-Vi: Event logged [IO_PAGE_FAULT device=0000:01:00.0 domain=0x000d address=0x1ffffffffffffffff flags=0x0020]',
      ].join('\n'),
    );
    expect(r.events).toEqual([]);
    expect(r.unrecognised.map((u) => u.why)).toEqual([
      "the IO_PAGE_FAULT event is cut short (no closing ']')",
      'IO_PAGE_FAULT without device, domain, address or flags',
      "unknown AMD-Vi event type 'BOGUS_EVENT'",
      'address=0x1ffffffffffffffff is not a 64-bit number',
    ]);
  });
});

describe('SMMUv3 (arm_smmu_dump_raw_event, arm_smmu_dump_event)', () => {
  const P = 'arm-smmu-v3 arm-smmu-v3.0.auto: ';
  it('decodes the raw record (older kernels: the words alone)', () => {
    const e = one([`${P}event 0x10 received:`, `${P}\t0x0000020000000010`, `${P}\t0x0000020000000000`, `${P}\t0x0000000040000000`, `${P}\t0x0000000000000000`].join('\n'));
    expect(gist(e)).toEqual({ driver: 'smmuv3', name: 'F_TRANSLATION', kind: 'translation', requester: { kind: 'stream', sid: 0x200, smmu: 'arm-smmu-v3.0.auto', client: null }, address: 0x40000000n, ipa: null, access: 'write', pasid: null, stage: 'stage-1', lines: { first: 0, last: 4 } });
    expect(e.detail).toEqual({ eventId: '0x10', sid: '0x200', client: null, stag: '0x0', stall: false, privileged: false, instruction: false, class: 'Input address caused fault' });
  });
  it('recent kernels: the raw record then the decoded lines (client, s1/s2)', () => {
    const e = one(
      [
        `${P}event 0x10 received:`,
        `${P}\t0x0000010000000010`,
        `${P}\t0x0000028800000000`,
        `${P}\t0x0000000200000000`,
        `${P}\t0x0000000080000000`,
        `${P}event: F_TRANSLATION client: 0000:01:00.0 sid: 0x100 ssid: 0 iova: 0x200000000 ipa: 0x80000000`,
        `${P}unpriv data read s2 "Input address caused fault" stag: 0`,
      ].join('\n'),
    );
    expect(gist(e)).toEqual({ driver: 'smmuv3', name: 'F_TRANSLATION', kind: 'translation', requester: pci(1, 0, 0, 0), address: 0x200000000n, ipa: 0x80000000n, access: 'read', pasid: null, stage: 'stage-2', lines: { first: 0, last: 6 } });
  });
  it('the decoded lines alone (an excerpt), and a configuration event with no address', () => {
    const e = one(`${P}event: F_PERMISSION client: 0000:02:00.0 sid: 0x200 ssid: 0x3 iova: 0x80000000 ipa: 0\n${P}unpriv data write s1 "Input address caused fault" stag: 0\n`);
    expect(gist(e)).toEqual({ driver: 'smmuv3', name: 'F_PERMISSION', kind: 'permission', requester: pci(2, 0, 0, 0), address: 0x80000000n, ipa: null, access: 'write', pasid: 3, stage: 'stage-1', lines: { first: 0, last: 1 } });
    const c = one(`${P}event: C_BAD_STE client: (unassigned sid) sid: 0x300 ssid: 0\n`);
    expect(gist(c)).toEqual({ driver: 'smmuv3', name: 'C_BAD_STE', kind: 'context', requester: { kind: 'stream', sid: 0x300, smmu: 'arm-smmu-v3.0.auto', client: null }, address: null, ipa: null, access: null, pasid: null, stage: null, lines: { first: 0, last: 0 } });
    expect(c.detail['client']).toBe('(unassigned sid)');
  });
  it('/dev/kmsg records: the tab before each word escaped as \\x09', () => {
    const k = (seq: number, msg: string) => `3,${seq},100000000,-;arm-smmu-v3 arm-smmu-v3.0.auto: ${msg}`;
    const e = one([k(1, 'event 0x10 received:'), k(2, '\\x090x0000020000000010'), k(3, '\\x090x0000020000000000'), k(4, '\\x090x0000000040000000'), k(5, '\\x090x0000000000000000')].join('\n'));
    expect([e.name, e.requester, e.address, e.lines]).toEqual(['F_TRANSLATION', { kind: 'stream', sid: 0x200, smmu: 'arm-smmu-v3.0.auto', client: null }, 0x40000000n, { first: 0, last: 4 }]);
  });
  it('the record layout: SSV and SSID, SID, PnU/InD/RnW/S2, class, IPA', () => {
    const d = decodeRecord([0x0000_0abc_0000_5810n, 0x0000_0288_0000_0007n, 0xdead_b000n, 0x0000_0000_1234_5fffn]);
    expect(d).toEqual({ id: 0x10, sid: 0xabc, ssid: 5, address: 0xdeadb000n, ipa: 0x12345000n, read: true, s2: true, detail: { stag: '0x7', stall: false, privileged: false, instruction: false, class: 'Input address caused fault' } });
  });
  it('cut-short records, a mismatched ID and orphan words are unrecognised; overflow is context', () => {
    const r = scanLog(
      [
        `${P}event 0x10 received:`,
        `${P}\t0x0000020000000010`,
        `${P}\t0x0000020000000000`,
        `[ 1.0] some other line`,
        `${P}event 0x11 received:`,
        `${P}\t0x0000020000000010`,
        `${P}\t0x0000020000000000`,
        `${P}\t0x0000000040000000`,
        `${P}\t0x0000000000000000`,
        `${P}\t0x0000000000000000`,
        `${P}EVTQ overflow detected -- events lost`,
        `${P}event: F_TRANSLATION client: 0000:01:00.0 sid: 0x100 ssid: 0 iova: 0x1000 ipa: 0`,
      ].join('\n'),
    );
    expect(r.events).toEqual([]);
    expect(r.context).toBe(1);
    expect(r.unrecognised.map((u) => [u.line, u.why])).toEqual([
      [0, 'the event record is cut short: 2 of its 4 words follow'],
      [4, "the record's event ID 0x10 is not the announced 0x11"],
      [9, 'a piece of an event record whose head (event 0x.. received) is missing'],
      [11, 'the decoded event is cut short: the access line (read/write, s1/s2) does not follow'],
    ]);
  });
});

describe('SMMUv2 (arm_smmu_context_fault, arm_smmu_global_fault)', () => {
  const P = 'arm-smmu 2b400000.iommu: ';
  it('context fault with cbfrsynra (the StreamID), and the v6.11 register lines as context', () => {
    const r = scanLog(`${P}Unhandled context fault: fsr=0x402, iova=0x12345000, fsynr=0x1b0013, cbfrsynra=0x100, cb=3\n${P}FSR    = 00000402 [Format=2 TF], SID=0x100\n${P}FSYNR0 = 001b0013 [S1CBNDX=27 WNR PLVL=3]\n`);
    expect(r.context).toBe(2);
    expect(r.events.map(gist)).toEqual([{ driver: 'smmuv2', name: 'context fault', kind: 'translation', requester: { kind: 'stream', sid: 0x100, smmu: '2b400000.iommu', client: null }, address: 0x12345000n, ipa: null, access: 'write', pasid: null, stage: null, lines: { first: 0, last: 0 } }]);
    expect(r.events[0]!.reason).toBe('fsr 0x402 [TF], write, context bank 3');
  });
  it('older forms: without cbfrsynra, without fsr', () => {
    expect(one(`${P}Unhandled context fault: fsr=0x8, iova=0x1000, fsynr=0x0, cb=0`).kind).toBe('permission');
    const e = one(`${P}Unhandled context fault: iova=0x1000, fsynr=0x10`);
    expect([e.requester, e.access, e.kind]).toEqual([null, 'write', 'translation']);
  });
  it('fields in another order (vendor kernels)', () => {
    const e = one(`${P}Unhandled context fault: iova=0x5000, fsr=0x8, fsynr=0x10, cb=1, cbfrsynra=0x3a00`);
    expect([e.kind, e.access, e.address, e.requester]).toEqual(['permission', 'write', 0x5000n, { kind: 'stream', sid: 0x3a00, smmu: '2b400000.iommu', client: null }]);
  });
  it('global faults: a blocked unknown StreamID, and the GFSR line', () => {
    const b = one(`${P}Blocked unknown Stream ID 0x820; boot with "arm-smmu.disable_bypass=0" to allow, but this may have security implications\n${P}\tGFSR 0x80000002, GFSYNR0 0x00000000, GFSYNR1 0x00000820, GFSYNR2 0x00000000\n`);
    expect(gist(b)).toEqual({ driver: 'smmuv2', name: 'unknown Stream ID', kind: 'context', requester: { kind: 'stream', sid: 0x820, smmu: '2b400000.iommu', client: null }, address: null, ipa: null, access: null, pasid: null, stage: null, lines: { first: 0, last: 1 } });
    const k = one(`3,1,1,-;${P}Unexpected global fault, this could be serious\n3,2,1,-;${P}\\x09GFSR 0x80000002, GFSYNR0 0x00000000, GFSYNR1 0x00000400, GFSYNR2 0x00000000\n`);
    expect(k.lines).toEqual({ first: 0, last: 1 });
    const g = one(`${P}Unexpected global fault, this could be serious\n${P}\tGFSR 0x80000002, GFSYNR0 0x00000000, GFSYNR1 0x00000400, GFSYNR2 0x00000000\n`);
    expect([g.name, g.requester]).toEqual(['unknown Stream ID', { kind: 'stream', sid: 0x400, smmu: '2b400000.iommu', client: null }]);
  });
  it('malformed: unrecognised', () => {
    const r = scanLog(`${P}Unhandled context fault: fsr=0x402, iova=0x1234\n${P}\tGFSR 0x80000002, GFSYNR0 0x0, GFSYNR1 0x0, GFSYNR2 0x0\n`);
    expect(r.unrecognised.map((u) => u.why)).toEqual(['a context fault without iova and fsynr, or with a field that is not a number', 'a GFSR line whose global-fault headline is missing']);
  });
});

describe('hostile input', () => {
  it('binary noise, huge lines, control characters: no crash', () => {
    let noise = '';
    for (let i = 0; i < 2000; i++) noise += String.fromCharCode((i * 7919) % 256);
    const text = `${noise}\nDMAR: [DMA Read NO_PASID] Request device [${'9'.repeat(10000)}\n\u0000AMD-Vi: Event logged [\u001b[31m]\narm-smmu-v3 x: event 0x\n`;
    const r = scanLog(text);
    expect(r.events).toEqual([]);
    expect(r.unrecognised.length).toBe(3);
  });
});
