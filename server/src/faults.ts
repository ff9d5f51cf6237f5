// Fault injection for the failure-isolation tests, inert in production: the environment variable
// IOMMU_CHECK_FAULTS (unset outside those tests) names the places that must fail, comma-separated:
//   check:CODE        the check CODE throws when it runs
//   model             building the model throws (an exception outside every check)
//   request:METHOD    the language server's handler of METHOD throws
//   worker-exit:N     the checking worker exits (as if it crashed) on its Nth job
//   worker-error:N    the checking worker dies of an uncaught exception (an `error` event) on its Nth job
//   worker-print:N    the checking worker prints a line to its standard output on its Nth job
// Each place may carry `*K` to fail only its first K times (`request:textDocument/hover*1`).

interface Fault {
  remaining: number;
}

const faults = new Map<string, Fault>();

/** Set the places that fail, as IOMMU_CHECK_FAULTS would (in-process tests; '' turns it off). */
export function setFaults(spec: string): void {
  faults.clear();
  for (const raw of spec.split(',')) {
    const item = raw.trim();
    if (!item) continue;
    const m = /^(.*?)(?:\*(\d+))?$/.exec(item)!;
    faults.set(m[1]!, { remaining: m[2] !== undefined ? Number(m[2]) : Infinity });
  }
}
setFaults(process.env['IOMMU_CHECK_FAULTS'] ?? '');

/** Throw if the place `point` is set to fail (and still has failures left). */
export function injectFault(point: string): void {
  if (faults.size === 0) return;
  const f = faults.get(point);
  if (!f || f.remaining <= 0) return;
  f.remaining--;
  throw new Error(`injected fault at ${point}`);
}

/** The number given for a place (`worker-exit:3` → 3 for `worker-exit`), if set. */
export function faultNumber(point: string): number | undefined {
  if (faults.size === 0) return undefined;
  for (const key of faults.keys()) if (key.startsWith(`${point}:`)) return Number(key.slice(point.length + 1));
  return undefined;
}
