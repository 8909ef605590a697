import v8 from 'node:v8';
import vm from 'node:vm';

/** Bytes in the spaces that only a full collection empties (old and large objects). */
function oldBytes(): number {
  let total = 0;
  for (const s of v8.getHeapSpaceStatistics()) {
    if (s.space_name === 'old_space' || s.space_name === 'large_object_space') {
      total += s.space_used_size;
    }
  }
  return total;
}

/**
 * Keeps the heap of a long export near its live size. Objects that are in flight when a young
 * collection runs are promoted to the old generation, and V8 lets that garbage pile up until it
 * reaches a multiple of the live set, so an export whose live data is ~20 MB would show a few
 * hundred MB of RSS on large projects. When the old generation has grown by `growthMb` since the
 * last full collection, another one is run (~20 ms with a small live set: a few per 100,000
 * items). Only the CLI does this; libraries never touch the process.
 */
export function memoryGovernor(growthMb = 16): () => void {
  let gc: (() => void) | undefined;
  try {
    v8.setFlagsFromString('--expose-gc');
    gc = vm.runInNewContext('gc') as () => void;
  } catch {
    return () => undefined;
  }
  const growth = growthMb * 1024 * 1024;
  let base = oldBytes();
  return () => {
    if (oldBytes() > base + growth) {
      gc();
      base = oldBytes();
    }
  };
}
