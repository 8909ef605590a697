import v8 from 'node:v8';
import vm from 'node:vm';

/**
 * Keeps the heap of a long export near its live size. V8 lets garbage pile up in the old
 * generation until it reaches a multiple of the live set, so an export whose live data is ~50 MB
 * would show a few hundred MB of RSS on large projects. Past `budgetMb` of used heap, a full
 * collection is run (a few ms with a small live set). Only the CLI does this; libraries never
 * touch the process.
 */
export function memoryGovernor(budgetMb = 64): () => void {
  let gc: (() => void) | undefined;
  try {
    v8.setFlagsFromString('--expose-gc');
    gc = vm.runInNewContext('gc') as () => void;
  } catch {
    return () => undefined;
  }
  const budget = budgetMb * 1024 * 1024;
  return () => {
    if (v8.getHeapStatistics().used_heap_size > budget) {
      gc();
    }
  };
}
