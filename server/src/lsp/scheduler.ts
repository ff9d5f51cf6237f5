// When to check: edits are debounced, one check runs at a time, and a check overtaken by a newer
// edit (its generation is no longer the current one) gives its work back to the next one. No
// protocol here: the check itself and the clock are passed in, so tests drive it directly.

export const DEBOUNCE_MS = 200;

export interface SchedulerDeps {
  /** Check the configurations holding `paths` (or all); resolves with whether it went stale. */
  check(paths: string[] | 'all', gen: number): Promise<{ stale: boolean }>;
  /** Tell the checking side which generation is current. */
  setGeneration(gen: number): void;
  onBusy?(busy: boolean): void;
  setTimer?(fn: () => void, ms: number): unknown;
  clearTimer?(handle: unknown): void;
}

export class CheckScheduler {
  private generation = 0;
  private timer: unknown = null;
  private dirty = new Set<string>();
  private all = false;
  private running = false;
  private readonly setTimer: (fn: () => void, ms: number) => unknown;
  private readonly clearTimer: (handle: unknown) => void;

  constructor(private readonly deps: SchedulerDeps) {
    this.setTimer = deps.setTimer ?? ((fn, ms) => setTimeout(fn, ms));
    this.clearTimer = deps.clearTimer ?? ((h) => clearTimeout(h as NodeJS.Timeout));
  }

  /** A file changed (or everything did): check its configurations after `delay` ms of quiet. */
  schedule(what: string | 'all', delay = DEBOUNCE_MS): void {
    if (what === 'all') this.all = true;
    else this.dirty.add(what);
    this.generation++;
    this.deps.setGeneration(this.generation);
    this.kick(delay);
  }

  /** Whether a check is running or waiting. */
  get pending(): boolean {
    return this.running || this.timer !== null || this.dirty.size > 0 || this.all;
  }

  private kick(delay: number): void {
    if (this.timer !== null) this.clearTimer(this.timer);
    this.timer = this.setTimer(() => {
      this.timer = null;
      void this.run();
    }, delay);
  }

  private async run(): Promise<void> {
    if (this.running) return; // the running check sees the new generation and hands its work back
    if (this.dirty.size === 0 && !this.all) return;
    this.running = true;
    const gen = this.generation;
    const paths = [...this.dirty];
    const all = this.all;
    this.dirty.clear();
    this.all = false;
    this.deps.onBusy?.(true);
    try {
      const r = await this.deps.check(all ? 'all' : paths, gen);
      if (r.stale) {
        for (const p of paths) this.dirty.add(p);
        if (all) this.all = true;
      }
    } catch {
      // the check failed as a whole (its owner restarted): the work is still to do
      for (const p of paths) this.dirty.add(p);
      if (all) this.all = true;
    } finally {
      this.running = false;
      this.deps.onBusy?.(false);
      if ((this.dirty.size > 0 || this.all) && this.timer === null) this.kick(this.generation === gen ? 0 : DEBOUNCE_MS);
    }
  }
}
