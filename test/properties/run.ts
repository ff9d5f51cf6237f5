// Running a property: a fixed seed and a fixed number of cases in the test suite; under
// `npm run fuzz` (IOMMU_FUZZ_SECONDS set) as many cases as fit in its share of the time, from a
// fresh seed, with the throughput printed. A failure is shrunk by fast-check and reported with
// its seed and path, so that `IOMMU_FUZZ_SEED=… npm run fuzz` replays it.

import fc from 'fast-check';

export const FUZZ_SECONDS = Number(process.env['IOMMU_FUZZ_SECONDS'] ?? 0);
const FUZZ_SEED = process.env['IOMMU_FUZZ_SEED'];

/** A stable seed per property name, so the suite's cases never change from run to run. */
function fixedSeed(name: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193) >>> 0;
  return h | 0;
}

export interface PropertyRun {
  name: string;
  cases: number;
  seconds: number;
}

/**
 * Check that `problem` finds nothing for any value of `arb`. `runs` is the number of cases in the
 * suite; under fuzzing, `share` is this property's share of IOMMU_FUZZ_SECONDS.
 */
export function runProperty<T>(name: string, arb: fc.Arbitrary<T>, problem: (v: T) => string | undefined, runs: number, share = 1): PropertyRun {
  const prop = fc.property(arb, (v) => {
    const p = problem(v);
    if (p !== undefined) throw new Error(p);
  });
  const fuzzing = FUZZ_SECONDS > 0;
  const seed = FUZZ_SEED !== undefined ? Number(FUZZ_SEED) : fuzzing ? (Date.now() ^ fixedSeed(name)) | 0 : fixedSeed(name);
  const started = performance.now();
  const details = fc.check(
    prop,
    fuzzing
      ? { seed, numRuns: Number.MAX_SAFE_INTEGER, plugins: [fc.interruptAfterTimeLimit(Math.max(1000, FUZZ_SECONDS * 1000 * share))] }
      : { seed, numRuns: runs },
  );
  const seconds = (performance.now() - started) / 1000;
  const cases = details.numRuns;
  if (fuzzing) console.log(`fuzz ${name}: ${cases} cases in ${seconds.toFixed(1)} s (${(cases / seconds).toFixed(0)} cases/s), seed ${seed}`);
  if (details.failed) {
    const why = details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance);
    throw new Error(`${name}: ${fc.defaultReportMessage(details)}\n${why}\nreplay: IOMMU_FUZZ_SEED=${seed} npm run fuzz -- --seconds ${Math.max(1, FUZZ_SECONDS)}`);
  }
  return { name, cases, seconds };
}
