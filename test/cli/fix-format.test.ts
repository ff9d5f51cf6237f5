// `iommu-check format [--check]`, `iommu-check --fix`, and the `help:` line with a quick fix.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { unifiedDiff } from '../../server/src/cli/diff';
import { run, tmpTree } from './helpers';

const UNFORMATTED = `iommu smmu0 { model smmuv3 }
domain vm : paging {
    map 0x4000_0000 -> 0x8_0000_0000 size 1G
  map 0x1_0000_0000 -> 0x9_0000_0000 size 4K
}
`;
const FORMATTED = `iommu smmu0 {
  model smmuv3
}
domain vm : paging {
  map 0x4000_0000   -> 0x8_0000_0000 size 1G
  map 0x1_0000_0000 -> 0x9_0000_0000 size 4K
}
`;

describe('format', () => {
  it('--check prints a unified diff, changes nothing, and exits 1', () => {
    const dir = tmpTree({ 'a.iommu': UNFORMATTED, 'b.iommu': FORMATTED });
    const r = run(['format', '--check', '.'], { cwd: dir });
    expect(r).toEqual({
      code: 1,
      out: `--- a/a.iommu
+++ b/a.iommu
@@ -1,5 +1,7 @@
-iommu smmu0 { model smmuv3 }
+iommu smmu0 {
+  model smmuv3
+}
 domain vm : paging {
-    map 0x4000_0000 -> 0x8_0000_0000 size 1G
+  map 0x4000_0000   -> 0x8_0000_0000 size 1G
   map 0x1_0000_0000 -> 0x9_0000_0000 size 4K
 }
`,
      err: '1 file would be reformatted, 1 file already formatted\n',
    });
    expect(fs.readFileSync(path.join(dir, 'a.iommu'), 'utf8')).toBe(UNFORMATTED);
    expect(run(['format', '--check', 'b.iommu'], { cwd: dir })).toEqual({ code: 0, out: '', err: 'nothing to reformat, 1 file already formatted\n' });
  });

  it('rewrites files in place', () => {
    const dir = tmpTree({ 'a.iommu': UNFORMATTED });
    expect(run(['format', 'a.iommu'], { cwd: dir })).toEqual({ code: 0, out: '', err: '1 file reformatted, 0 files already formatted\n' });
    expect(fs.readFileSync(path.join(dir, 'a.iommu'), 'utf8')).toBe(FORMATTED);
  });

  it('leaves a file with syntax errors alone (exit 2)', () => {
    const dir = tmpTree({ 'bad.iommu': 'iommu smmu0 { model\n' });
    const r = run(['format', 'bad.iommu'], { cwd: dir });
    expect(r).toEqual({
      code: 2,
      out: '',
      err: 'iommu-check: format: bad.iommu has syntax errors; left unchanged\n0 files reformatted, 0 files already formatted, 1 file with syntax errors left unchanged\n',
    });
    expect(fs.readFileSync(path.join(dir, 'bad.iommu'), 'utf8')).toBe('iommu smmu0 { model\n');
  });

  it('- formats standard input to standard output', () => {
    const dir = tmpTree({});
    expect(run(['format', '-'], { cwd: dir, stdin: UNFORMATTED })).toEqual({ code: 0, out: FORMATTED, err: '' });
  });

  it('--stdin-filename names standard input in the diff and in messages', () => {
    const dir = tmpTree({});
    const check = run(['format', '--check', '--stdin-filename', 'board/nic.iommu', '-'], { cwd: dir, stdin: UNFORMATTED });
    expect(check.code).toBe(1);
    expect(check.out.split('\n').slice(0, 2)).toEqual(['--- a/board/nic.iommu', '+++ b/board/nic.iommu']);
    expect(run(['format', '--stdin-filename=bad.iommu', '-'], { cwd: dir, stdin: 'iommu smmu0 { model\n' })).toEqual({
      code: 2,
      out: 'iommu smmu0 { model\n',
      err: 'iommu-check: format: bad.iommu has syntax errors; left unchanged\n',
    });
    expect(run(['format', '--stdin-filename', 'x.iommu', 'a.iommu'], { cwd: dir })).toEqual({
      code: 2,
      out: '',
      err: "iommu-check: format: --stdin-filename names standard input, which is read only when '-' is among the paths\n",
    });
  });

  it('suggests its options', () => {
    expect(run(['format', '--chek', 'x'], { cwd: '/' }).err).toBe("iommu-check: format: unknown option '--chek'; did you mean '--check'? (see iommu-check format --help)\n");
  });
});

describe('unifiedDiff', () => {
  it('joins nearby changes into one hunk and keeps three lines of context', () => {
    const a = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '10', '11', '12'].join('\n') + '\n';
    const b = ['1', 'two', '3', '4', '5', '6', '7', '8', '9', '10', '11', 'twelve'].join('\n') + '\n';
    expect(unifiedDiff('f', a, b)).toBe(`--- a/f
+++ b/f
@@ -1,5 +1,5 @@
 1
-2
+two
 3
 4
 5
@@ -9,4 +9,4 @@
 9
 10
 11
-12
+twelve
`);
    expect(unifiedDiff('f', a, a)).toBe('');
  });
});

describe('--fix', () => {
  const UNALIGNED = `iommu smmu0 { model smmuv3 }
device nic { pci 0000:01:00.0 driver vfio-pci }
domain vm : paging {
  attach nic
  map 0x1000 -> 0x2000 size 0x800
}
`;

  const NESTED = `backend iommufd
iommu smmu0 { model smmuv3 }
irqchip its0 { model gicv3-its base 0x201F_0000 }
device vf0 { pci 0000:02:00.0 msi its0 driver vfio-pci }
domain s2 : paging {
  nest-parent
  map 0x4000_0000 -> 0x80_0000_0000 size 1G rw
}
domain guest : nested {
  parent s2
  attach vf0
  rmr 0x900_0000 size 1M
  map 0x1_0000_0000 -> 0x4000_0000 size 1G rw
}
`;

  it('applies the fixes the checks mark safe, says what it changed, and reports what remains', () => {
    const dir = tmpTree({ 'guest.iommu': NESTED, 'vm.iommu': UNALIGNED, 'typo.iommu': UNALIGNED.replace('attach nic', 'attach nci').replace('size 0x800', 'size 4K') });
    const r = run(['--fix', '--format', 'json', 'guest.iommu', 'vm.iommu', 'typo.iommu'], { cwd: dir });
    expect(r.err).toBe('fixed guest.iommu:12:3: rmr-mismatch: Make the rmr the host SW_MSI window (0x800_0000 size 1M)\niommu-check: --fix: 1 problem fixed in 1 file\n');
    expect(fs.readFileSync(path.join(dir, 'guest.iommu'), 'utf8')).toBe(NESTED.replace('rmr 0x900_0000 size 1M', 'rmr 0x800_0000 size 1M'));
    // widening a map gives the device memory the map did not cover, and which name was meant is
    // a person's choice: both stay, with their suggestions
    expect(fs.readFileSync(path.join(dir, 'vm.iommu'), 'utf8')).toBe(UNALIGNED);
    expect(fs.readFileSync(path.join(dir, 'typo.iommu'), 'utf8')).toContain('attach nci');
    expect(r.code).toBe(1);
    const report = JSON.parse(r.out);
    expect(report.files.map((f: { path: string; diagnostics: { code: string }[] }) => [f.path, f.diagnostics.map((d) => d.code)])).toEqual([
      ['guest.iommu', []],
      ['vm.iommu', ['map-unaligned']],
      ['typo.iommu', ['unknown-name']],
    ]);
  });

  it('with nothing safe to fix, says so and changes nothing', () => {
    const text = 'iommu smmu0 { model smmuv3 }\ndevice nia { pci 0000:01:00.0 }\ndevice nib { pci 0000:02:00.0 }\ndomain vm : paging { attach nic }\n';
    const dir = tmpTree({ 'vm.iommu': text });
    const r = run(['--fix', 'vm.iommu'], { cwd: dir });
    expect(r.err).toBe('iommu-check: --fix: nothing to fix safely\n');
    expect(fs.readFileSync(path.join(dir, 'vm.iommu'), 'utf8')).toBe(text);
    expect(r.out).toContain("  = help: Did you mean 'nia'?\n");
  });

  it('refuses standard input', () => {
    expect(run(['--fix', '-'], { cwd: '/', stdin: UNALIGNED }).err).toBe('iommu-check: --fix rewrites files; it cannot be used with standard input\n');
  });
});

describe('help: the quick fix in the text report', () => {
  it('follows the code frame', () => {
    const dir = tmpTree({ 'vm.iommu': 'iommu smmu0 { model smmuv3 }\ndevice nic { pci 0000:01:00.0 driver vfio-pci }\ndomain vm : paging { attach nci }\n' });
    expect(run(['vm.iommu'], { cwd: dir }).out).toBe(`vm.iommu:3:29: error unknown-name: no device or group named 'nci'; did you mean 'nic'?
  |
3 | domain vm : paging { attach nci }
  |                             ^^^
  = help: Did you mean 'nic'?

1 error, 0 warnings, 0 information in 1 file
`);
  });
});
