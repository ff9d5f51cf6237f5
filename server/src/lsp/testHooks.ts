// Failure injection for the language server's own tests (enabled only with
// IOMMU_CHECK_TEST_HOOKS=1): make the analysis owner's worker exit, or die of an uncaught error,
// so that tests can check it is restarted and the workspace re-checked.

const ENABLED = process.env['IOMMU_CHECK_TEST_HOOKS'] === '1';

export const CRASH_OWNER = 'iommu-check/test/crashOwner';

/** The hook for a request, when it is one and hooks are on (only in a worker: never the server itself). */
export function ownerTestHook(method: string, params: unknown, inWorker: boolean): (() => unknown) | null {
  if (!ENABLED || method !== CRASH_OWNER || !inWorker) return null;
  const how = (params as { how?: string } | null)?.how;
  return () => {
    if (how === 'throw')
      setImmediate(() => {
        throw new Error('test hook: the analysis owner fails');
      });
    else setImmediate(() => process.exit(7));
    return { crashing: how === 'throw' ? 'throw' : 'exit' };
  };
}
