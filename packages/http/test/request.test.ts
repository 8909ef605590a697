import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpRequest, TransportError } from '../src/index.js';

// A server that ignores Range and streams 4 MB slowly: a prefix read must not wait for it.
let server: http.Server;
let url: URL;
let closedEarly = 0;
beforeAll(async () => {
  server = http.createServer((_req, res) => {
    res.writeHead(200, { 'content-length': String(4 * 1024 * 1024) });
    let sent = 0;
    const timer = setInterval(() => {
      if (sent >= 4 * 1024 * 1024) {
        clearInterval(timer);
        res.end();
        return;
      }
      res.write(Buffer.alloc(64 * 1024, 7));
      sent += 64 * 1024;
    }, 20);
    res.on('close', () => {
      clearInterval(timer);
      if (sent < 4 * 1024 * 1024) {
        closedEarly++;
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = new URL(`http://127.0.0.1:${String((server.address() as AddressInfo).port)}/file`);
});
afterAll(async () => {
  await new Promise((r) => server.close(r));
});

describe('httpRequest', () => {
  it('maxBodyBytes returns the prefix at once and drops the connection', async () => {
    const started = Date.now();
    const res = await httpRequest({
      method: 'GET',
      url,
      headers: { range: 'bytes=0-99', 'accept-encoding': 'identity' },
      readTimeoutMs: 2000,
      maxBodyBytes: 100,
    });
    expect(res.status).toBe(200);
    expect(res.body.length).toBeGreaterThanOrEqual(100);
    expect(res.body.length).toBeLessThan(4 * 1024 * 1024);
    expect(res.body.subarray(0, 100).every((b) => b === 7)).toBe(true);
    // the whole body would take over a second
    expect(Date.now() - started).toBeLessThan(1000);
    await new Promise((r) => setTimeout(r, 100));
    expect(closedEarly).toBe(1);
  });
});

describe('cancellation', () => {
  it('a signal fired while the body streams is "aborted", whatever its reason', async () => {
    const ac = new AbortController();
    const pending = httpRequest({
      method: 'GET',
      url,
      headers: { 'accept-encoding': 'identity' },
      readTimeoutMs: 2000,
      signal: ac.signal,
    });
    setTimeout(() => {
      ac.abort(new Error('interrupted'));
    }, 150);
    const err = await pending.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TransportError);
    expect((err as TransportError).failure).toBe('aborted');
  });
});
