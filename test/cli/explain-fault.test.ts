// `iommu-check explain-fault CONFIG [LOG…]`: the text and JSON reports, standard input, snapshot
// archives with a kernel log, usage errors and exit codes, and a 100k-line log.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { collect, writeArchive } from '../../server/src/import/collect';
import { buildMachine, tmpDir } from '../helpers/sysfsTree';
import { run, tmpTree } from './helpers';

const CONFIG = `backend vfio-type1
iommu dmar0 { model vtd ias 39 }
device nic { pci 0000:01:00.0 iommu dmar0 driver vfio-pci }
domain vm : paging {
  attach nic
  map 0x0 -> 0x1_0000_0000 size 2G
  map 0x8000_0000 -> 0x2_0000_0000 size 1M r
}
`;

const LOG = `[    0.000000] Linux version 6.8.0 (fixture)
[  100.000002] DMAR: [DMA Write NO_PASID] Request device [01:00.0] fault addr 0x80000000 [fault reason 0x05] PTE Write access is not set
[  100.000003] DMAR: [DMA Write NO_PASID] Request device [01:00.0] fault addr 0x80000008 [fault reason 0x05] PTE Write access is not set
[  100.000004] DMAR: [DMA Read NO_PASID] Request device [04:00.0] fault addr 0x1000 [fault reason 0x06] PTE Read access is not set
[  100.000005] DMAR: [DMA Read NO_PASID] Request device [01:00
`;

describe('explain-fault, text', () => {
  it('explains, groups and points into the configuration; unrecognised lines are listed; exit 1', () => {
    const dir = tmpTree({ 'host.iommu': CONFIG, 'dmesg.txt': LOG });
    const r = run(['explain-fault', 'host.iommu', 'dmesg.txt'], { cwd: dir });
    expect(r.err).toBe('');
    expect(r.code).toBe(1);
    expect(r.out).toBe(
      [
        "dmesg.txt:2: read-only: Intel VT-d (DMAR) DMA Write: 'nic' (01:00.0) write at 0x80000000 (×2, 2 addresses in the page)",
        '  fault reason 0x05 (PTE Write access is not set)',
        "  'nic' (01:00.0) write at 0x80000000: map (0x80000000..0x800fffff → 0x200000000, r) in 'vm'",
        '    (paging) does not allow write. The device writes into memory mapped read-only (a receive buffer',
        '    mapped DMA_TO_DEVICE, or a map made without write permission): make the map `rw` if the device',
        '    must write, or find why it writes there.',
        "    ✗ fault: map (0x80000000..0x800fffff → 0x200000000, r) in 'vm' (paging) does not allow write",
        '  host.iommu:7:3: map (0x80000000..0x800fffff → 0x200000000, r)',
        "  host.iommu:4:1: domain 'vm' (paging)",
        "  host.iommu:3:1: device 'nic'",
        '  lines: 2, 3',
        '',
        'dmesg.txt:4: unknown-device: Intel VT-d (DMAR) DMA Read: 04:00.0 read at 0x1000',
        '  fault reason 0x06 (PTE Read access is not set)',
        '  04:00.0 is no device of the configuration: no device of the configuration has pci 04:00.0. Declare',
        '    the device (with its `pci` address and `iommu`) to have its faults explained, or check that the',
        '    log comes from the machine this configuration describes.',
        '',
        'dmesg.txt:5: unrecognised Intel VT-d (DMAR) line: a VT-d fault line that does not parse',
        '3 IOMMU faults in 2 groups, 1 group from requesters the configuration does not know, 1 unrecognised line (5 log lines read)',
        '',
      ].join('\n'),
    );
  });

  it('a log without IOMMU faults: a summary and exit 0', () => {
    const dir = tmpTree({ 'host.iommu': CONFIG, 'dmesg.txt': '[    0.000000] Linux version 6.8.0\n' });
    const r = run(['explain-fault', 'host.iommu', 'dmesg.txt'], { cwd: dir });
    expect([r.code, r.out, r.err]).toEqual([0, '0 IOMMU faults in 0 groups, 0 unrecognised lines (1 log line read)\n', '']);
  });

  it('reads standard input for -, and several logs', () => {
    const dir = tmpTree({ 'host.iommu': CONFIG, 'a.log': LOG.split('\n').slice(0, 2).join('\n') + '\n' });
    const r = run(['explain-fault', 'host.iommu', 'a.log', '-'], { cwd: dir, stdin: LOG.split('\n').slice(2, 3).join('\n') + '\n' });
    expect(r.code).toBe(1);
    expect(r.out).toContain("a.log:2: read-only: Intel VT-d (DMAR) DMA Write: 'nic' (01:00.0) write at 0x80000000 (×2, 2 addresses in the page)");
    expect(r.out).toContain('  lines: a.log:2, <stdin>:1\n');
  });

  it('control characters from the log are escaped', () => {
    const dir = tmpTree({ 'host.iommu': CONFIG, 'evil.log': 'DMAR: [DMA Read NO_PASID] Request device [01:00.0] fault addr 0x90000000 [fault reason 0x06] \x1b[31mred\u202e\n' });
    const r = run(['explain-fault', 'host.iommu', 'evil.log'], { cwd: dir });
    expect(r.out).toContain('  fault reason 0x06 (\\x1b[31mred\\u{202e})\n');
    expect(r.out).not.toMatch(/[\x1b\u202e]/);
  });

  it('a configuration with errors: a warning on standard error, the explanation all the same', () => {
    const dir = tmpTree({ 'bad.iommu': CONFIG.replace('size 1M r', 'size 1M r\n  map 0x9000_0123 -> 0x0 size 4K'), 'dmesg.txt': LOG });
    const r = run(['explain-fault', 'bad.iommu', 'dmesg.txt'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.err).toBe('iommu-check: warning: bad.iommu has 1 error (run iommu-check on it); the explanations below use the model as written\n');
  });
});

describe('explain-fault, usage', () => {
  it('errors are one line, exit 2', () => {
    const dir = tmpTree({ 'host.iommu': CONFIG, 'dmesg.txt': LOG });
    const cases: [string[], string][] = [
      [['explain-fault'], 'iommu-check: explain-fault needs a CONFIG (usage: iommu-check explain-fault CONFIG [LOG...])\n'],
      [['explain-fault', 'host.iommu'], 'iommu-check: explain-fault needs a LOG (a file, or - for standard input) unless CONFIG is a snapshot that carries one\n'],
      [['explain-fault', 'nope.iommu', 'dmesg.txt'], 'iommu-check: explain-fault: cannot read nope.iommu: no such file or directory\n'],
      [['explain-fault', 'host.iommu', 'nope.log'], 'iommu-check: explain-fault: cannot read nope.log: no such file or directory\n'],
      [['explain-fault', 'host.iommu', 'dmesg.txt', '--format', 'jsn'], "iommu-check: explain-fault: --format: 'jsn' is not one of text, json; did you mean 'json'?\n"],
      [['explain-fault', 'host.iommu', 'dmesg.txt', '--formt', 'json'], "iommu-check: explain-fault: unknown option '--formt'; did you mean '--format'? (see iommu-check explain-fault --help)\n"],
      [['explain-fault', 'host.iommu', '-', '-'], "iommu-check: explain-fault: '-' (standard input) can be given once\n"],
    ];
    for (const [argv, err] of cases) {
      const r = run(argv, { cwd: dir, stdin: '' });
      expect([r.code, r.out, r.err], argv.join(' ')).toEqual([2, '', err]);
    }
  });
  it('--help', () => {
    const r = run(['explain-fault', '--help'], { cwd: process.cwd() });
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^Usage: iommu-check explain-fault CONFIG \[LOG\.\.\.\]/);
    expect(r.out).toContain('  msi-doorbell         an MSI write to a doorbell address the domain does not map');
  });
  it('--output writes the report to a file', () => {
    const dir = tmpTree({ 'host.iommu': CONFIG, 'dmesg.txt': LOG });
    const r = run(['explain-fault', 'host.iommu', 'dmesg.txt', '--output', 'report.txt'], { cwd: dir });
    expect([r.code, r.out]).toEqual([1, '']);
    expect(fs.readFileSync(path.join(dir, 'report.txt'), 'utf8')).toMatch(/^dmesg\.txt:2: read-only: /);
  });
});

describe('explain-fault --format json', () => {
  it('the documented shape', () => {
    const dir = tmpTree({ 'host.iommu': CONFIG, 'dmesg.txt': LOG });
    const r = run(['explain-fault', 'host.iommu', 'dmesg.txt', '--format', 'json'], { cwd: dir });
    expect(r.code).toBe(1);
    const j = JSON.parse(r.out);
    expect(j.version).toBe(1);
    expect(j.config).toBe('host.iommu');
    expect(j.logs).toEqual([
      { path: 'dmesg.txt', lines: 5, faults: 3, context: 0, unrecognised: [{ line: 4, driver: 'vtd', why: 'a VT-d fault line that does not parse', text: 'DMAR: [DMA Read NO_PASID] Request device [01:00' }] },
    ]);
    expect(j.summary).toEqual({ lines: 5, faults: 3, groups: 2, unknownDevices: 1, unrecognised: 1 });
    const g = j.groups[0];
    expect(g).toEqual({
      cause: 'read-only',
      message:
        "'nic' (01:00.0) write at 0x80000000: map (0x80000000..0x800fffff → 0x200000000, r) in 'vm' (paging) does not allow write. The device writes into memory mapped read-only (a receive buffer mapped DMA_TO_DEVICE, or a map made without write permission): make the map `rw` if the device must write, or find why it writes there.",
      count: 2,
      addresses: 2,
      driver: 'vtd',
      event: 'DMA Write',
      kind: 'translation',
      reason: 'fault reason 0x05 (PTE Write access is not set)',
      requester: { kind: 'pci', bdf: '01:00.0' },
      device: { name: 'nic', how: 'PCI requester 01:00.0', path: 'host.iommu', range: { start: { line: 2, character: 0 }, end: { line: 2, character: 59 } } },
      address: '0x80000000',
      page: '0x80000000',
      ipa: null,
      access: 'write',
      pasid: null,
      stage: { log: null, model: 'single' },
      domain: { name: 'vm', type: 'paging', implicit: false, path: 'host.iommu', range: { start: { line: 3, character: 0 }, end: { line: 7, character: 1 } } },
      resolution: {
        device: 'nic',
        pasid: null,
        access: 'write',
        address: '0x8000_0000',
        domain: { name: 'vm', type: 'paging' },
        hops: [],
        end: { kind: 'fault', cause: 'read-only', stage: 'single', domain: 'vm', at: '0x8000_0000', reason: "fault: map (0x80000000..0x800fffff → 0x200000000, r) in 'vm' (paging) does not allow write" },
        msi: null,
        file: { errors: 0, warnings: 0 },
      },
      related: [
        { path: 'host.iommu', range: { start: { line: 6, character: 2 }, end: { line: 6, character: 44 } }, message: 'map (0x80000000..0x800fffff → 0x200000000, r)' },
        { path: 'host.iommu', range: { start: { line: 3, character: 0 }, end: { line: 7, character: 1 } }, message: "domain 'vm' (paging)" },
        { path: 'host.iommu', range: { start: { line: 2, character: 0 }, end: { line: 2, character: 59 } }, message: "device 'nic'" },
      ],
      detail: { reasonCode: 5, reasonText: 'PTE Write access is not set', level: null, pasidPrinted: null },
      occurrences: [
        { log: 0, line: 1, lastLine: 1, address: '0x80000000' },
        { log: 0, line: 2, lastLine: 2, address: '0x80000008' },
      ],
    });
    expect(j.groups[1].cause).toBe('unknown-device');
    expect(j.groups[1].device).toBeNull();
  });
});

describe('explain-fault with a snapshot archive', () => {
  const machine = () =>
    buildMachine({
      pci: [{ bdf: '0000:01:00.0', vendor: 0x144d, device: 0xa80a, classCode: 0x010802, pcie: 'endpoint', msix: true, driver: 'nvme', group: 4, iommu: 'dmar0' }],
      groups: { 4: { reserved_regions: '0x00000000fee00000 0x00000000feefffff msi\n', type: 'DMA\n' } },
      iommus: [{ name: 'dmar0', path: 'virtual/iommu/dmar0', files: { 'intel-iommu/cap': 'd2008c40660462\n', 'intel-iommu/ecap': 'f050da\n' } }],
      proc: { cmdline: 'intel_iommu=on', osrelease: '6.8.0-45-generic' },
    });

  it('imports the machine and reads the kernel log it carries', () => {
    const root = machine();
    const kmsg = path.join(root, 'kmsg');
    fs.writeFileSync(kmsg, '3,812,100000002,-;DMAR: [DMA Read NO_PASID] Request device [01:00.0] fault addr 0x7000 [fault reason 0x06] PTE Read access is not set\n');
    const out = path.join(tmpDir(), 'snap.tar.gz');
    writeArchive(collect(path.join(root, 'sys'), path.join(root, 'proc'), 'test', kmsg), out);
    const r = run(['explain-fault', 'snap.tar.gz'], { cwd: path.dirname(out) });
    expect(r.err).toBe('');
    expect(r.code).toBe(1);
    expect(r.out.split('\n')[0]).toBe("snap.tar.gz:log/kmsg:1: outside-maps: Intel VT-d (DMAR) DMA Read: 'nvme0' (01:00.0) read at 0x7000");
    expect(r.out).toContain("  snap.tar.gz (imported):");
  });

  it('a snapshot without a kernel log: a one-line error', () => {
    const root = machine();
    const out = path.join(tmpDir(), 'snap.tar.gz');
    writeArchive(collect(path.join(root, 'sys'), path.join(root, 'proc'), 'test', null), out);
    const r = run(['explain-fault', 'snap.tar.gz'], { cwd: path.dirname(out) });
    expect([r.code, r.out, r.err]).toEqual([2, '', 'iommu-check: explain-fault: snap.tar.gz carries no kernel log; give the log as LOG (e.g. dmesg > dmesg.txt)\n']);
  });
});

describe('explain-fault on a 100k-line log', () => {
  it('reads it whole and groups by device, page and cause', () => {
    const lines: string[] = [];
    for (let i = 0; i < 100_000; i++) {
      const t = `[${(100 + i / 1000).toFixed(6).padStart(12)}] `;
      switch (i % 5) {
        case 0:
          lines.push(`${t}DMAR: [DMA Write NO_PASID] Request device [01:00.0] fault addr 0x${(0x80000000 + (i % 4096)).toString(16)} [fault reason 0x05] PTE Write access is not set`);
          break;
        case 1:
          lines.push(`${t}DMAR: [DMA Read NO_PASID] Request device [01:00.0] fault addr 0x${(0x90000000 + (i % 8) * 0x1000).toString(16)} [fault reason 0x06] PTE Read access is not set`);
          break;
        case 2:
          lines.push(`${t}DMAR: [DMA Read NO_PASID] Request device [04:00.0] fault addr 0x1000 [fault reason 0x06] PTE Read access is not set`);
          break;
        case 3:
          lines.push(`${t}usb 1-1: new high-speed USB device number ${i} using xhci_hcd`);
          break;
        default:
          lines.push(i % 1000 === 4 ? `${t}DMAR: [DMA Read NO_PASID] Request device [01:0` : `${t}dmar_fault: ${i % 7} callbacks suppressed`);
      }
    }
    const dir = tmpTree({ 'host.iommu': CONFIG, 'big.log': lines.join('\n') + '\n' });
    const r = run(['explain-fault', 'host.iommu', 'big.log', '--format', 'json'], { cwd: dir });
    expect(r.code).toBe(1);
    const j = JSON.parse(r.out);
    expect(j.summary).toEqual({ lines: 100_000, faults: 60_000, groups: 10, unknownDevices: 1, unrecognised: 100 });
    expect(j.groups.map((g: { cause: string; page: string; count: number }) => [g.cause, g.page, g.count])).toEqual([
      ['read-only', '0x80000000', 20_000],
      ['outside-maps', '0x90001000', 2_500],
      ['unknown-device', '0x1000', 20_000],
      ['outside-maps', '0x90006000', 2_500],
      ['outside-maps', '0x90003000', 2_500],
      ['outside-maps', '0x90000000', 2_500],
      ['outside-maps', '0x90005000', 2_500],
      ['outside-maps', '0x90002000', 2_500],
      ['outside-maps', '0x90007000', 2_500],
      ['outside-maps', '0x90004000', 2_500],
    ]);
    expect(j.groups[0].occurrences).toHaveLength(1000);
  }, 60_000);
});
