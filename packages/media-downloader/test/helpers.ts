import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import type { DownloadEvent } from '../src/index.js';

export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), `synx-${prefix}-`));
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });
  return dir;
}

export interface TinyServer {
  readonly url: string;
  readonly requests: { path: string; range: string | undefined; t: number }[];
  close(): Promise<void>;
}

/** A throwaway loopback server for behaviour the fake backend does not model. */
export async function tinyServer(handler: http.RequestListener): Promise<TinyServer> {
  const requests: TinyServer['requests'] = [];
  const server = http.createServer((req, res) => {
    requests.push({
      path: req.url ?? '/',
      range: typeof req.headers.range === 'string' ? req.headers.range : undefined,
      t: performance.now(),
    });
    handler(req, res);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(() => {
          r();
        });
      }),
  };
}

export function sha1(bytes: Buffer | Uint8Array): string {
  return createHash('sha1').update(bytes).digest('hex');
}

export function sha1File(path: string): string {
  return sha1(readFileSync(path));
}

/** Collects events; `of(type)` narrows them. */
export function eventLog(): {
  events: DownloadEvent[];
  onEvent: (e: DownloadEvent) => void;
  of: <K extends DownloadEvent['type']>(type: K) => Extract<DownloadEvent, { type: K }>[];
} {
  const events: DownloadEvent[] = [];
  return {
    events,
    onEvent: (e) => {
      events.push(e);
    },
    of: <K extends DownloadEvent['type']>(type: K) =>
      events.filter((e): e is Extract<DownloadEvent, { type: K }> => e.type === type),
  };
}

/** Deterministic pseudo-random bytes. */
export function bytesOf(length: number, seed: number): Buffer {
  const out = Buffer.alloc(length);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}
