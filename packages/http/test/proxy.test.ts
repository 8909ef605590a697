import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { startForwardProxy, type ForwardProxy } from '@synx/fake-synapse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDispatcher, httpRequest, TransportError, type Dispatcher } from '../src/index.js';

// An origin whose name only the proxy resolves: reachable through it, not around it.
let origin: http.Server;
let port: number;
let proxy: ForwardProxy;
let guarded: ForwardProxy;
const seen: string[] = [];

beforeAll(async () => {
  origin = http.createServer((req, res) => {
    seen.push(`${req.headers.host ?? ''} ${req.url ?? ''}`);
    res.writeHead(200, { 'content-type': 'text/plain' }).end(`hello ${req.url ?? ''}`);
  });
  await new Promise<void>((r) => origin.listen(0, '127.0.0.1', r));
  port = (origin.address() as AddressInfo).port;
  proxy = await startForwardProxy({ hosts: { 'synapse.internal': '127.0.0.1' } });
  guarded = await startForwardProxy({
    hosts: { 'synapse.internal': '127.0.0.1' },
    credentials: 'alice:s3cret-pass',
  });
});
afterAll(async () => {
  await proxy.close();
  await guarded.close();
  await new Promise((r) => origin.close(r));
});

/** A GET through `dispatcher`. */
const get = (url: URL, dispatcher: Dispatcher) =>
  httpRequest({ method: 'GET', url, headers: {}, readTimeoutMs: 5000, dispatcher });

const target = (): URL => new URL(`http://synapse.internal:${String(port)}/v1/items/?page=2`);

describe('proxy support', () => {
  it('reaches a host only the proxy can resolve, through HTTP_PROXY', async () => {
    const dispatcher = createDispatcher({ env: { HTTP_PROXY: proxy.url } });
    try {
      const res = await get(target(), dispatcher);
      expect(res.status).toBe(200);
      expect(res.body.toString()).toBe('hello /v1/items/?page=2');
      expect(proxy.log.at(-1)?.target).toBe(`synapse.internal:${String(port)}`);
      expect(seen.at(-1)).toBe(`synapse.internal:${String(port)} /v1/items/?page=2`);
    } finally {
      await dispatcher.close();
    }
  });

  it('cannot reach it without the proxy (the name does not resolve)', async () => {
    const dispatcher = createDispatcher({ env: {} });
    try {
      const err = await get(target(), dispatcher).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(TransportError);
      expect((err as TransportError).failure).toBe('dns');
    } finally {
      await dispatcher.close();
    }
  });

  it('leaves NO_PROXY hosts direct', async () => {
    const before = proxy.log.length;
    const dispatcher = createDispatcher({
      env: { http_proxy: proxy.url, no_proxy: 'localhost,127.0.0.1' },
    });
    try {
      const res = await get(new URL(`http://127.0.0.1:${String(port)}/direct`), dispatcher);
      expect(res.body.toString()).toBe('hello /direct');
      expect(proxy.log.length).toBe(before);
    } finally {
      await dispatcher.close();
    }
  });

  it('sends the proxy URL credentials, and a refusal names no password', async () => {
    const ok = createDispatcher({
      env: { HTTP_PROXY: guarded.url.replace('http://', 'http://alice:s3cret-pass@') },
    });
    const wrong = createDispatcher({
      env: { HTTP_PROXY: guarded.url.replace('http://', 'http://alice:wrong-pass@') },
    });
    try {
      const res = await get(target(), ok);
      expect(res.status).toBe(200);
      const err = await get(target(), wrong).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(TransportError);
      expect((err as TransportError).failure).toBe('proxy');
      expect((err as Error).message).not.toContain('wrong-pass');
    } finally {
      await ok.close();
      await wrong.close();
    }
  });
});
