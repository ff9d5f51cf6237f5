// `iommu-check translate FILE DEVICE ADDR [--pasid N] [--read|--write]`.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runTranslate, TRANSLATE_HELP } from '../../server/src/cli/translate';

let dir = '';
let file = '';

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iommu-translate-'));
  file = path.join(dir, 'host.iommu');
  fs.writeFileSync(
    file,
    `backend iommufd
iommu smmu0 { model smmuv3 }
irqchip its0 { model gicv3-its base 0x0808_0000 }
device vf { pci 01:00.1 msi its0 driver vfio-pci pasid 8 }
domain s2 : paging { nest-parent map 0x4000_0000 -> 0x80_0000_0000 size 1G }
domain guest : nested {
  parent s2
  attach vf
  rmr 0x800_0000 size 1M
  map 0x1_0000_0000 -> 0x4000_0000 size 1G
  map 0x2_0000_0000 -> 0x5000_0000 size 4K r
}
domain sva : paging { attach vf pasid 3 map 0x1000 -> 0x90_0000_0000 size 4K }
`,
  );
});

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function run(...args: string[]): { code: number; lines: string[] } {
  const lines: string[] = [];
  const code = runTranslate(args, (s) => lines.push(s));
  return { code, lines };
}

describe('runTranslate', () => {
  it('prints the chain hop by hop and exits 0', () => {
    const { code, lines } = run(file, 'vf', '0x800_0040');
    expect(code).toBe(0);
    expect(lines[0]).toBe('vf write 0x8000040');
    expect(lines[1]).toContain('stage 1: rmr identity map');
    expect(lines[2]).toContain('stage 2: SW_MSI slot 0 for its0');
    expect(lines[3]).toBe('  = PA 0x8090040: doorbell of its0');
  });
  it('numbers as the language writes them: _ and size suffixes', () => {
    expect(run(file, 'vf', '4G').lines.at(-1)).toBe('  = PA 0x8000000000: memory');
    expect(run(file, 'vf', '0x1_0000_1000').lines.at(-1)).toBe('  = PA 0x8000001000: memory');
  });
  it('a fault exits 1', () => {
    const { code, lines } = run(file, 'vf', '0x3_0000_0000');
    expect(code).toBe(1);
    expect(lines.at(-1)).toContain('stage-1 fault');
  });
  it('--read and --write', () => {
    expect(run(file, 'vf', '0x2_0000_0000', '--read').code).toBe(0);
    expect(run(file, 'vf', '0x2_0000_0000', '--write').code).toBe(1);
    expect(run(file, 'vf', '0x2_0000_0000').code).toBe(1); // write by default
    expect(run(file, 'vf', '--read', '0x2_0000_0000').lines[0]).toBe('vf read 0x200000000');
  });
  it('--pasid selects the PASID attachment', () => {
    const ok = run(file, 'vf', '0x1000', '--pasid', '3');
    expect(ok.code).toBe(0);
    expect(ok.lines[0]).toBe('vf pasid 3 write 0x1000');
    expect(ok.lines.at(-1)).toBe('  = PA 0x9000000000: memory');
    const none = run(file, 'vf', '0x1000', '--pasid=4');
    expect(none.code).toBe(1);
    expect(none.lines.at(-1)).toContain('no domain is attached to PASID 4');
  });
  it('usage errors exit 2 with one line', () => {
    for (const args of [
      [file, 'nosuch', '0x1000'],
      [file, 's2', '0x1000'],
      [file, 'vf', '0xzz'],
      [file, 'vf', '0x1_0000_0000_0000_0000'],
      [file, 'vf', '0x1000', '--pasid'],
      [file, 'vf', '0x1000', '--pasid', 'x'],
      [file, 'vf'],
      [file, 'vf', '0x1000', '--bogus'],
      [path.join(dir, 'missing.iommu'), 'vf', '0x1000'],
    ]) {
      const { code, lines } = run(...args);
      expect(code, args.join(' ')).toBe(2);
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/^iommu-check translate: /);
    }
    expect(run(file, 'nosuch', '0x1000').lines[0]).toContain("no device named 'nosuch'");
  });
  it('the help text documents the exit status', () => {
    expect(TRANSLATE_HELP).toMatch(/exit status/);
    expect(TRANSLATE_HELP).toMatch(/1 +the translation ends in a fault/);
    const { code, lines } = run('--help');
    expect(code).toBe(0);
    expect(lines.join('\n')).toBe(TRANSLATE_HELP);
  });
});
