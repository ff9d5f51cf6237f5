// Running the command line in-process, and throw-away folders of .iommu files.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll } from 'vitest';
import { main } from '../../server/src/cli/cli';

export interface Run {
  code: number;
  out: string;
  err: string;
}

export function run(argv: string[], opts: { cwd: string; env?: Record<string, string>; isTTY?: boolean; stdin?: string | Buffer }): Run {
  let out = '';
  let err = '';
  const code = main(argv, {
    stdout: (s) => void (out += s),
    stderr: (s) => void (err += s),
    cwd: opts.cwd,
    env: opts.env ?? {},
    isTTY: opts.isTTY ?? false,
    readStdin: () => {
      if (opts.stdin === undefined) throw Object.assign(new Error('EAGAIN: no input'), { code: 'EAGAIN' });
      return Buffer.from(opts.stdin);
    },
  });
  return { code, out, err };
}

const made: string[] = [];
afterAll(() => {
  for (const d of made) fs.rmSync(d, { recursive: true, force: true });
});

/** A fresh folder holding `files` (relative path → text); removed after the test file. */
export function tmpTree(files: Record<string, string>): string {
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'iommu-check-cli-')));
  made.push(dir);
  for (const [rel, text] of Object.entries(files)) {
    const p = path.join(dir, rel);
    fs.mkdirSync(path.dirname(p), { recursive: true });
    fs.writeFileSync(p, text);
  }
  return dir;
}

/** No diagnostics. */
export const CLEAN = `iommu smmu0 { model smmuv3 }
irqchip its0 { model gicv3-its base 0x0808_0000 }
device nic { pci 0000:01:00.0 msi its0 driver vfio-pci }
domain vm : paging {
  attach nic
  map 0x4000_0000 -> 0x8_0000_0000 size 1G
}
`;

/** One error (map-unaligned, line 8), one warning (unused-suppression, line 6), one information (unused-object, line 2). */
export const MIXED = `iommu smmu0 { model smmuv3 }
irqchip spare { model gicv3-its base 0x1000_0000 }
device nic { pci 0000:01:00.0 driver vfio-pci }
domain vm : paging {
  attach nic
  // iommu-check: ignore map-overlap
  map 0x4000_0000 -> 0x8_0000_0000 size 1G
  map 0x1000 -> 0x2000 size 0x800
}
`;

/** Only a warning (unused-suppression on line 3). */
export const WARNING_ONLY = `iommu smmu0 { model smmuv3 }
device nic { pci 0000:01:00.0 driver vfio-pci }
// iommu-check: ignore map-overlap
domain vm : paging { attach nic }
`;
