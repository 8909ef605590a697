import type { ReadableStreamDefaultReader } from 'node:stream/web';
import { SynxError } from '@synx/model';

/**
 * Reads `length` bytes at `offset` of a media URL with an HTTP Range request (no auth header:
 * Synapse media URLs are signed). A server that ignores Range is read only as far as needed.
 * Retries twice on 5xx and network errors.
 */
export async function fetchRange(
  url: string,
  offset: number,
  length: number,
  signal?: AbortSignal,
  timeoutMs = 15_000,
): Promise<Uint8Array> {
  let lastError: unknown;
  for (let attempt = 1; attempt <= 3; attempt++) {
    const timeout = AbortSignal.timeout(timeoutMs);
    const combined = signal === undefined ? timeout : AbortSignal.any([signal, timeout]);
    try {
      const res = await fetch(url, {
        headers: { range: `bytes=${offset}-${offset + length - 1}` },
        signal: combined,
      });
      if (res.status === 416) {
        await res.body?.cancel();
        return new Uint8Array(0);
      }
      if (res.status >= 500) {
        await res.body?.cancel();
        lastError = new SynxError('SYNX_SERVER', `media URL answered ${res.status}`);
        await new Promise((r) => setTimeout(r, 200 * attempt));
        continue;
      }
      if (res.status !== 200 && res.status !== 206) {
        await res.body?.cancel();
        throw new SynxError(
          res.status === 403 ? 'SYNX_PERMISSION' : 'SYNX_HTTP',
          `media URL answered ${res.status}${res.status === 403 ? ' (expired or not signed)' : ''}`,
        );
      }
      const skip = res.status === 200 ? offset : 0;
      const want = skip + length;
      const chunks: Uint8Array[] = [];
      let got = 0;
      const reader = res.body?.getReader() as ReadableStreamDefaultReader<Uint8Array> | undefined;
      if (reader !== undefined) {
        while (got < want) {
          const next = await reader.read();
          if (next.done) {
            break;
          }
          chunks.push(next.value);
          got += next.value.length;
        }
        await reader.cancel().catch(() => undefined);
      }
      const all = Buffer.concat(chunks);
      return all.subarray(skip, Math.min(all.length, want));
    } catch (err) {
      if (err instanceof SynxError) {
        throw err;
      }
      if (signal?.aborted === true) {
        throw new SynxError('SYNX_ABORTED', 'the operation was cancelled');
      }
      lastError = err;
      await new Promise((r) => setTimeout(r, 200 * attempt));
    }
  }
  throw new SynxError(
    'SYNX_NETWORK',
    `could not read the media header: ${(lastError as Error).message}`,
    { cause: lastError },
  );
}
