// Which files are kernel logs, and which configuration explains a log (server/src/project/kernelLogs.ts).

import { describe, expect, it } from 'vitest';
import { configurationForLog, isKernelLogFile, logDiagnostics, Project, ProjectHost } from '../../server/src/project/index';

describe('isKernelLogFile', () => {
  it('recognises logs by name', () => {
    const logs = ['dmesg', 'dmesg.txt', 'dmesg-2026-12-01', 'dmesg_host', 'kern.log', 'kern.log.1', 'kmsg', 'kmsg.txt', 'boot.kmsg', 'host.dmesg', 'vfio.log', 'syslog.log.3', 'journal.txt', 'journal-kernel.txt', 'host.journal.txt', 'DMESG.TXT'];
    const others = ['host.iommu', 'notes.txt', 'dmesgfoo', 'kernel.txt', 'system.journal', 'log', 'catalog', 'a.logs'];
    expect(logs.filter((f) => !isKernelLogFile(`/w/${f}`))).toEqual([]);
    expect(others.filter((f) => isKernelLogFile(`/w/${f}`))).toEqual([]);
  });
});

function project(files: Record<string, string>): Project {
  const host = new ProjectHost();
  const p = new Project({ host });
  for (const [f, text] of Object.entries(files)) {
    host.setText(f, text);
    p.addFile(f);
  }
  return p;
}

describe('configurationForLog', () => {
  it('the configuration in the log\'s folder (first by name), else the nearest folder above, else the only one', () => {
    const p = project({ '/w/a/z.iommu': '', '/w/a/b.iommu': '', '/w/top.iommu': '', '/w/c/d/e.iommu': '' });
    expect(configurationForLog(p, '/w/a/dmesg.txt')).toBe('/w/a/b.iommu');
    expect(configurationForLog(p, '/w/a/sub/deeper/kern.log')).toBe('/w/a/b.iommu');
    expect(configurationForLog(p, '/w/x/dmesg')).toBe('/w/top.iommu');
    expect(configurationForLog(project({ '/w/a/one.iommu': '', '/w/b/two.iommu': '' }), '/w/logs/dmesg')).toBeNull();
    expect(configurationForLog(project({ '/w/a/one.iommu': '' }), '/elsewhere/dmesg')).toBe('/w/a/one.iommu');
    expect(configurationForLog(project({}), '/w/dmesg')).toBeNull();
  });
});

describe('logDiagnostics', () => {
  it('caps a flood of repeats as the project caps a code (100 and a count), keeping every group\'s first line', () => {
    const p = project({ '/w/host.iommu': 'iommu dmar0 { model vtd }\ndevice nic { pci 01:00.0 driver vfio-pci }\ndomain vm : paging { attach nic map 0x0 -> 0x1_0000_0000 size 1M }\n' });
    const c = p.analyze('/w/host.iommu');
    const lines: string[] = [];
    for (let i = 0; i < 3000; i++) lines.push(`DMAR: [DMA Read NO_PASID] Request device [01:00.0] fault addr 0x${(0x200000 + (i % 3) * 0x1000).toString(16)} [fault reason 0x06] PTE Read access is not set`);
    lines.push('DMAR: [DMA Read NO_PASID] Request device [01:00');
    const d = logDiagnostics(lines.join('\n'), c, 'host.iommu');
    // 3 groups (one error each), 2997 repeats cut to 100 and a count, 1 unrecognised
    expect(d).toHaveLength(105);
    expect(d.filter((x) => x.severity === 'error').map((x) => x.range.start.line)).toEqual([0, 1, 2]);
    expect(d.filter((x) => x.code === 'fault:unrecognised').map((x) => x.range.start.line)).toEqual([3000]);
    expect(d.filter((x) => x.code === 'fault:repeat').at(-1)).toEqual({
      range: { start: { line: 103, character: 0 }, end: { line: 103, character: lines[103]!.length } },
      severity: 'information',
      code: 'fault:repeat',
      message: '2897 more fault:repeat diagnostics from here on are not reported (the first 100 are)',
      related: [],
    });
  });
});
