// Spelling suggestions shared by the command line ("did you mean" for a check code) and the
// editor (the quick fix for an unknown name).

/** Levenshtein distance: insertions, deletions and substitutions each cost 1. */
export function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cur = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = cur;
    }
  }
  return row[b.length]!;
}

/**
 * The candidates closest to `word` (case-insensitive), best first: at most `max`, each within
 * an edit distance of a third of the word's length (at least 1, at most 3), or containing it.
 */
export function closest(word: string, candidates: Iterable<string>, max = 3): string[] {
  const w = word.toLowerCase();
  const limit = Math.min(3, Math.max(1, Math.floor(w.length / 3)));
  const scored: { c: string; d: number }[] = [];
  const seen = new Set<string>();
  for (const c of candidates) {
    if (seen.has(c) || c === word) continue;
    seen.add(c);
    const lc = c.toLowerCase();
    const d = editDistance(w, lc);
    if (d <= limit || (w.length >= 3 && lc.includes(w))) scored.push({ c, d });
  }
  return scored.sort((a, b) => a.d - b.d || (a.c < b.c ? -1 : a.c > b.c ? 1 : 0)).slice(0, max).map((s) => s.c);
}

/** `; did you mean 'x'?` (or `'x' or 'y'`), or '' when nothing is close. */
export function didYouMean(word: string, candidates: Iterable<string>): string {
  const near = closest(word, candidates);
  if (near.length === 0) return '';
  const quoted = near.map((n) => `'${n}'`);
  return `; did you mean ${quoted.length === 1 ? quoted[0] : `${quoted.slice(0, -1).join(', ')} or ${quoted[quoted.length - 1]}`}?`;
}
