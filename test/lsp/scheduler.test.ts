// The check scheduler without a connection: debouncing, one check at a time, stale checks
// handing their work back, and a failed check's work kept.

import { describe, expect, it } from 'vitest';
import { CheckScheduler } from '../../server/src/lsp/scheduler';

/** A fake clock and a checker the test resolves by hand. */
function harness() {
  let now = 0;
  const timers: { at: number; fn: () => void; id: number }[] = [];
  let nextId = 1;
  const calls: { paths: string[] | 'all'; gen: number; resolve: (r: { stale: boolean }) => void; reject: (e: Error) => void }[] = [];
  let current = 0;
  const s = new CheckScheduler({
    check: (paths, gen) => new Promise((resolve, reject) => calls.push({ paths, gen, resolve, reject })),
    setGeneration: (g) => void (current = g),
    setTimer: (fn, ms) => {
      const id = nextId++;
      timers.push({ at: now + ms, fn, id });
      return id;
    },
    clearTimer: (id) => {
      const i = timers.findIndex((t) => t.id === id);
      if (i >= 0) timers.splice(i, 1);
    },
  });
  const advance = async (ms: number) => {
    now += ms;
    for (;;) {
      timers.sort((a, b) => a.at - b.at);
      const t = timers[0];
      if (!t || t.at > now) break;
      timers.shift();
      t.fn();
      await Promise.resolve();
    }
    await new Promise((r) => setImmediate(r));
  };
  return { s, calls, advance, gen: () => current };
}

describe('check scheduler', () => {
  it('debounces: edits within the delay make one check of every file edited', async () => {
    const h = harness();
    h.s.schedule('/a');
    await h.advance(100);
    h.s.schedule('/b');
    await h.advance(199);
    expect(h.calls).toHaveLength(0);
    await h.advance(1);
    expect(h.calls.map((c) => [c.paths, c.gen])).toEqual([[['/a', '/b'], 2]]);
  });

  it('runs one check at a time; a check overtaken by an edit gives its work to the next', async () => {
    const h = harness();
    h.s.schedule('/a');
    await h.advance(200);
    expect(h.calls).toHaveLength(1);
    h.s.schedule('/b');
    expect(h.gen()).toBe(2);
    await h.advance(200);
    expect(h.calls).toHaveLength(1); // still running
    h.calls[0]!.resolve({ stale: true });
    await h.advance(0);
    await h.advance(200);
    expect(h.calls.map((c) => [c.paths, c.gen])).toEqual([
      [['/a'], 1],
      [['/b', '/a'], 2],
    ]);
    h.calls[1]!.resolve({ stale: false });
    await h.advance(1000);
    expect(h.calls).toHaveLength(2);
    expect(h.s.pending).toBe(false);
  });

  it('keeps the work of a check that failed as a whole and tries again at once', async () => {
    const h = harness();
    h.s.schedule('all', 0);
    await h.advance(0);
    h.calls[0]!.reject(new Error('owner restarted'));
    await h.advance(0);
    await h.advance(0);
    expect(h.calls.map((c) => c.paths)).toEqual(['all', 'all']);
  });
});
