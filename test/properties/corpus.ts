// The texts that mutations start from: every sample, every `.iommu` file kept under test/, and
// every configuration written inline in the check, model and editor tests (template literals
// that hold a top-level statement).

import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';

const ROOT = resolve(__dirname, '..', '..');

/** The project's files (tracked by git when it is a checkout, else found on disk). */
function projectFiles(): string[] {
  try {
    return execFileSync('git', ['ls-files', 'samples', 'test'], { cwd: ROOT, encoding: 'utf8' }).split('\n').filter(Boolean).map((f) => join(ROOT, f));
  } catch {
    const out: string[] = [];
    const walk = (dir: string): void => {
      for (const name of readdirSync(dir).sort()) {
        const p = join(dir, name);
        const st = statSync(p, { throwIfNoEntry: false });
        if (st?.isDirectory()) walk(p);
        else if (st?.isFile()) out.push(p);
      }
    };
    for (const d of ['samples', 'test']) walk(join(ROOT, d));
    return out;
  }
}

export interface CorpusEntry {
  name: string;
  text: string;
}

const TOP = /^\s*(?:backend|page-size|kernel|cmdline|allow-unsafe-interrupts|include|iommu|irqchip|device|group|domain|expect)\b/m;

/** Inline fixtures: template literals of a test file that read as configurations. */
function inlineFixtures(file: string): CorpusEntry[] {
  const src = readFileSync(file, 'utf8');
  const out: CorpusEntry[] = [];
  const re = /`((?:[^`\\$]|\\[\s\S]|\$(?!\{))*)`/g;
  let m: RegExpExecArray | null;
  let n = 0;
  while ((m = re.exec(src))) {
    const body = m[1]!.replace(/\\([`\\$])/g, '$1');
    if (body.length < 20 || !TOP.test(body) || !body.includes('{') || /=>|\bconst |\bexpect\(|\)\s*;/.test(body)) continue;
    out.push({ name: `${relative(ROOT, file)}#${n++}`, text: body });
  }
  return out;
}

function load(): CorpusEntry[] {
  const files = projectFiles().sort();
  const out: CorpusEntry[] = files.filter((f) => f.endsWith('.iommu')).map((f) => ({ name: relative(ROOT, f), text: readFileSync(f, 'utf8') }));
  for (const f of files) if (/^test\/(checks|model|ide|grammar)\/.*\.test\.ts$/.test(relative(ROOT, f))) out.push(...inlineFixtures(f));
  return out;
}

export const CORPUS: readonly CorpusEntry[] = load();
export const SAMPLES: readonly CorpusEntry[] = CORPUS.filter((c) => c.name.startsWith('samples/'));
