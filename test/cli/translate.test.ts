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

describe('translate --format json, warnings, dma domains, did you mean', () => {
  const runWith = (args: string[], cwd = dir) => {
    const out: string[] = [];
    const warnings: string[] = [];
    const code = runTranslate(args, (s) => out.push(s), { cwd, warn: (s) => warnings.push(s) });
    return { code, out, warnings };
  };

  it('--format json prints the whole chain as one object', () => {
    const r = runWith(['host.iommu', 'vf', '0x800_0040', '--format', 'json']);
    expect(r.code).toBe(0);
    expect(r.warnings).toEqual([]);
    const j = JSON.parse(r.out.join('\n'));
    expect(j).toEqual({
      device: 'vf',
      pasid: null,
      access: 'write',
      address: '0x800_0040',
      domain: { name: 'guest', type: 'nested' },
      hops: [
        { stage: 'stage-1', domain: 'guest', input: '0x800_0040', output: '0x800_0040', via: 'map', text: j.hops[0].text },
        { stage: 'stage-2', domain: 's2', input: '0x800_0040', output: '0x809_0040', via: 'map', text: j.hops[1].text },
      ],
      end: { kind: 'address', pa: '0x809_0040', irqchip: 'its0', interrupt: false },
      msi: j.msi,
      file: { errors: 0, warnings: 0 },
    });
    expect(j.hops[0].text).toContain('stage 1: rmr identity map');
    expect(j.hops[1].text).toContain('stage 2: SW_MSI slot 0 for its0');
    expect(Object.keys(j.msi)).toContain('how');
  });

  it('a fault in json', () => {
    const r = runWith(['host.iommu', 'vf', '0x3_0000_0000', '--format=json']);
    expect(r.code).toBe(1);
    const j = JSON.parse(r.out.join('\n'));
    expect(j.end.kind).toBe('fault');
    expect(j.end.stage).toBe('stage-1');
    expect(j.end.at).toBe('0x3_0000_0000');
  });

  it('warns when the file has errors, and still prints the chain', () => {
    fs.writeFileSync(path.join(dir, 'broken.iommu'), 'iommu smmu0 { model smmuv3 }\ndevice nic { pci 0000:01:00.0 driver vfio-pci }\ndomain vm : paging {\n  attach nic\n  map 0x1000 -> 0x2000 size 0x800\n}\n');
    const r = runWith(['broken.iommu', 'nic', '0x1000']);
    expect(r.warnings).toEqual([
      'iommu-check translate: warning: broken.iommu has 1 error (first: broken.iommu:5:3: map-unaligned); the kernel would refuse this configuration, so the chain below may never be set up',
    ]);
    expect(r.out[0]).toBe('nic write 0x1000');
  });

  it('in a dma domain, says what the hover says: the kernel maps on demand, MSIs at a kernel IOVA', () => {
    fs.writeFileSync(path.join(dir, 'dma.iommu'), 'iommu smmu0 { model smmuv3 }\nirqchip its0 { model gicv3-its base 0x0808_0000 }\ndevice nvme { pci 0000:01:00.0 msi its0 driver nvme }\ndomain host : dma { attach nvme }\n');
    const r = runWith(['dma.iommu', 'nvme', '0x1000']);
    expect(r.out.at(-1)).toMatch(/^note: 'host' is a dma domain: the kernel maps buffers on demand \(dma_map_\*\), so only its explicit maps are known here; its MSI doorbell is mapped at an IOVA the kernel allocates \(/);
    expect(JSON.parse(runWith(['dma.iommu', 'nvme', '0x1000', '--format', 'json']).out.join('\n')).msi.kind).toBe('kernel');
  });

  it('suggests device names and options', () => {
    expect(runWith(['host.iommu', 'vff', '0x1000']).out).toEqual(["iommu-check translate: no device named 'vff' in host.iommu; did you mean 'vf'?"]);
    expect(runWith(['host.iommu', 'vf', '0x1000', '--pasdi', '3']).out[0]).toMatch(/^iommu-check translate: unknown option '--pasdi'; did you mean '--pasid'\?/);
    expect(runWith(['host.iommu', 'vf', '0x1000', '--format', 'jsno']).out).toEqual(["iommu-check translate: --format: 'jsno' is not one of text, json; did you mean 'json'?"]);
  });
});
