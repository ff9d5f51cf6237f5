// The user documentation stays in step with the code: docs/checks.md has a section for every
// registry code with its default severity, and its examples fire (or not) as they say;
// docs/cli.md names every option of the help.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CHECKS } from '../../server/src/checks/registry';
import { HELP } from '../../server/src/cli/cli';
import { analyze } from '../../server/src/engine';

const DOCS = path.join(__dirname, '../../docs');
const checksMd = fs.readFileSync(path.join(DOCS, 'checks.md'), 'utf8');
const cliMd = fs.readFileSync(path.join(DOCS, 'cli.md'), 'utf8');

function section(code: string): string {
  const start = checksMd.indexOf(`### \`${code}\`\n`);
  if (start < 0) return '';
  const next = checksMd.indexOf('\n### ', start + 1);
  const nextFamily = checksMd.indexOf('\n## ', start + 1);
  const ends = [next, nextFamily].filter((i) => i > 0);
  return checksMd.slice(start, ends.length ? Math.min(...ends) : undefined);
}

function codesOf(text: string): string[] {
  const file = '/docs-example/example.iommu';
  const a = analyze(file, { host: { read: (p) => (p === file ? text : undefined) } })!;
  return a.diagnostics.map((d) => d.code);
}

describe('docs/checks.md', () => {
  it('has a section for every registry code, with its default severity', () => {
    for (const c of CHECKS) {
      const s = section(c.code);
      expect(s, `section for ${c.code}`).not.toBe('');
      expect(s, c.code).toContain(`**Severity:** ${c.severity}`);
      expect(s, c.code).toContain('**How to fix:**');
    }
    const documented = [...checksMd.matchAll(/^### `([a-z0-9-]+)`$/gm)].map((m) => m[1]);
    expect(documented).toEqual(CHECKS.map((c) => c.code));
  });

  it('gives an example that fires and a near miss that does not', () => {
    for (const c of CHECKS) {
      const blocks = [...section(c.code).matchAll(/^(Fires|Does not fire):\n\n```iommu\n([\s\S]*?)```$/gm)];
      const fires = blocks.filter((b) => b[1] === 'Fires');
      expect(fires, c.code).toHaveLength(1);
      expect(codesOf(fires[0]![2]!), `${c.code}: the example that fires`).toContain(c.code);
      for (const near of blocks.filter((b) => b[1] === 'Does not fire')) {
        const codes = codesOf(near[2]!);
        expect(codes, `${c.code}: the near miss`).not.toContain(c.code);
        expect(codes.filter((x) => x !== 'unused-object'), `${c.code}: the near miss is otherwise clean`).toEqual([]);
      }
    }
  });
});

describe('docs/cli.md', () => {
  it('documents every option and subcommand of --help', () => {
    const options = new Set([...HELP.matchAll(/(?<![\w-])(--[a-z][a-z-]*)/g)].map((m) => m[1]!));
    expect(options.size).toBeGreaterThan(8);
    for (const o of options) expect(cliMd, o).toContain(o);
    for (const sub of ['translate', 'import-sysfs', 'explain']) expect(cliMd).toContain(`iommu-check ${sub}`);
  });
});
