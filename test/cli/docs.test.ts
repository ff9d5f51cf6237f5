// The user documentation stays in step with the code: docs/checks.md is rendered from the
// check registry (whose examples test/checks/registry.test.ts runs); docs/cli.md names every
// option of the help.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderChecksDoc } from '../../server/src/checks/explanation';
import { CHECKS } from '../../server/src/checks/registry';
import { HELP } from '../../server/src/cli/cli';

const DOCS = path.join(__dirname, '../../docs');
const checksMd = fs.readFileSync(path.join(DOCS, 'checks.md'), 'utf8');
const cliMd = fs.readFileSync(path.join(DOCS, 'cli.md'), 'utf8');

describe('docs/checks.md', () => {
  it('is rendered from the check registry, where every example is tested (test/checks/registry.test.ts)', () => {
    expect(checksMd).toBe(renderChecksDoc(CHECKS));
    const documented = [...checksMd.matchAll(/^### `([a-z0-9-]+)`$/gm)].map((m) => m[1]);
    expect(documented).toEqual(CHECKS.map((c) => c.code));
    for (const c of CHECKS) expect(checksMd).toContain(`### \`${c.code}\`\n\n${c.title}\n\n**Severity:** ${c.severity} · `);
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
