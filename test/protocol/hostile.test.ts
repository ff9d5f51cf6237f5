// Hostile documents in the editor (test/hostile.test.ts has them on the command line): each is
// opened in one language-server session, which publishes a bounded list of diagnostics for it,
// stays alive, keeps its memory bounded and answers a hover on an ordinary document at the end.

import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { MAX_SYNTAX_ERRORS } from '../../grammar/src/index';
import { CHECKS } from '../../server/src/checks/index';
import { MAX_DIAGNOSTICS_PER_CODE } from '../../server/src/project/index';
import { startSession } from './lspSession';

const ORDINARY = 'iommu smmu0 { model smmuv3 }\ndevice nic { pci 01:00.0 driver vfio-pci }\n';

const HOSTILE: Record<string, string> = {
  'empty.iommu': '',
  'binary.iommu': Array.from({ length: 65536 }, (_, i) => String.fromCharCode((i * 2654435761) >>> 24)).join(''),
  'surrogates.iommu': `device a\ud800 { pci 01:00.0 }\n# \udc00 lone halves\n${ORDINARY}`,
  'bom.iommu': `\ufeff${ORDINARY}`,
  'long-line.iommu': `device nic { pci 0000:01:00.0 msi nowhere } // ${'x'.repeat(10 * 1024 * 1024)}\n`,
  'braces.iommu': '{'.repeat(100_000),
  'comments.iommu': '/*'.repeat(100_000),
  'devices.iommu': 'device d {'.repeat(100_000),
  'digits.iommu': `page-size ${'9'.repeat(10_000)}\niommu smmu0 { model smmuv3 ias 0x${'f'.repeat(10_000)} }\n`,
  'controls.iommu': 'device n\u001b[2Jx { pci 01:00.0 }\ninclude "\u001b]0;owned\u0007\u009b31m\u202e.iommu"\ndomain d : paging { attach \u001b[31m }\n',
  'includes.iommu': 'include "includes.iommu"\ninclude "sub"\ninclude "zero.iommu"\ninclude "pipe.iommu"\ninclude "loop.iommu"\ninclude "big.iommu"\ninclude "../outside.iommu"\n',
  'flood.iommu': ['iommu smmu0 { model smmuv3 }', ...Array.from({ length: 1000 }, (_, i) => `device d${i} { msi nowhere }`)].join('\n'),
};

describe('hostile documents in the editor', () => {
  it('each gets a bounded list of diagnostics; the server stays alive, its memory bounded, and keeps answering', async () => {
    const s = await startSession({ 'main.iommu': ORDINARY, 'sub/x.iommu': '', '.git/HEAD': 'ref: refs/heads/main\n' });
    try {
      fs.symlinkSync('/dev/zero', path.join(s.dir, 'zero.iommu'));
      execFileSync('mkfifo', [path.join(s.dir, 'pipe.iommu')]);
      fs.symlinkSync('loop.iommu', path.join(s.dir, 'loop.iommu'));
      const fd = fs.openSync(path.join(s.dir, 'big.iommu'), 'w');
      fs.ftruncateSync(fd, 100 * 1024 * 1024); // sparse, over the 64 MB limit
      fs.closeSync(fd);
      const bound = CHECKS.length * (MAX_DIAGNOSTICS_PER_CODE + 1) + MAX_SYNTAX_ERRORS + 1;
      const counts: Record<string, number> = {};
      for (const [name, text] of Object.entries(HOSTILE)) {
        const uri = s.uri(name);
        await s.conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'iommu', version: 1, text } });
        const p = await s.until(() => (s.diagnostics.get(uri)?.version === 1 ? s.diagnostics.get(uri) : undefined), 120_000);
        counts[name] = p.diagnostics.length;
        expect(p.diagnostics.length, name).toBeLessThanOrEqual(bound);
        for (const d of p.diagnostics) expect(String(d.message).trim(), name).not.toBe('');
        await s.conn.sendNotification('textDocument/didClose', { textDocument: { uri } });
      }
      expect(counts['empty.iommu']).toBe(0);
      expect(counts['bom.iommu']).toBe(0);
      expect(counts['binary.iommu']).toBe(1);
      expect(counts['flood.iommu']).toBe(MAX_DIAGNOSTICS_PER_CODE + 1);
      // include cycle, directory, /dev/zero, FIFO, symlink loop, 100 MB file, outside the workspace: one include-error each
      expect(counts['includes.iommu']).toBe(7);
      const uri = s.uri('main.iommu');
      await s.conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'iommu', version: 1, text: ORDINARY } });
      const h = (await s.conn.sendRequest('textDocument/hover', { textDocument: { uri }, position: { line: 1, character: 8 } })) as { contents: { value: string } } | null;
      expect(h?.contents.value).toMatch(/nic/);
      expect(s.exited()).toBeNull();
      // bounded memory: far below what holding every document's analysis at once would take
      expect(s.peakRss()).toBeLessThan(1024 * 1024 * 1024);
    } finally {
      await s.close();
    }
  }, 600_000);
});
