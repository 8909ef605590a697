import { throwIfAborted } from '@synx/model';

/** Runs `task` when one of a fixed number of slots is free (first come, first served). */
export type Limiter = <T>(task: () => Promise<T>) => Promise<T>;

/** A {@link Limiter} with `slots` slots. */
export function createLimiter(slots: number): Limiter {
  const limit = Math.max(1, Math.floor(slots));
  let active = 0;
  const waiting: (() => void)[] = [];
  return async <T>(task: () => Promise<T>): Promise<T> => {
    if (active >= limit) {
      await new Promise<void>((resolve) => waiting.push(resolve));
    } else {
      active++;
    }
    try {
      return await task();
    } finally {
      const next = waiting.shift();
      if (next === undefined) {
        active--;
      } else {
        next(); // the slot passes to the next in line
      }
    }
  };
}

/**
 * Maps an async iterable with up to `concurrency` calls of `fn` in flight, yielding results in
 * input order. Back-pressure: at most `concurrency` results wait to be consumed. An error from
 * `fn` is thrown when its result's turn comes (later calls are not awaited).
 */
export async function* mapOrdered<T, U>(
  source: AsyncIterable<T> | Iterable<T>,
  concurrency: number,
  fn: (value: T, index: number) => Promise<U>,
  signal?: AbortSignal,
): AsyncGenerator<U> {
  const limit = Math.max(1, Math.floor(concurrency));
  const queue: Promise<U>[] = [];
  const iterator =
    Symbol.asyncIterator in source ? source[Symbol.asyncIterator]() : source[Symbol.iterator]();
  let index = 0;
  let done = false;
  try {
    for (;;) {
      while (!done && queue.length < limit) {
        throwIfAborted(signal);
        const next = await iterator.next();
        if (next.done === true) {
          done = true;
          break;
        }
        const p = fn(next.value, index++);
        p.catch(() => undefined);
        queue.push(p);
      }
      const head = queue.shift();
      if (head === undefined) {
        return;
      }
      yield await head;
    }
  } finally {
    if (!done) {
      await iterator.return?.();
    }
  }
}
