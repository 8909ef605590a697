import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeSynapse, writeSyntheticFolder, type FakeSynapse } from '@synx/fake-synapse';
import { SynapseApiError, SynapseClient, parseErrorBody, type ClientLogger } from '../src/index.js';
import { tempDir, tinyServer } from './helpers.js';

const TOKEN = 'syn_SECRET_token_abcdef123456';
const dir = tempDir('client-errors');
let fake: FakeSynapse;

beforeAll(async () => {
  await writeSyntheticFolder({ outDir: dir, items: 3, media: 'none' });
  fake = await startFakeSynapse({ from: dir, token: TOKEN, tenant: 'acme' });
});
afterAll(async () => {
  await fake.close();
});

/** Everything an error could leak through. */
function surfaces(err: unknown): string {
  const e = err as Error & { toJSON?: () => unknown };
  return [
    e.message,
    e.stack ?? '',
    JSON.stringify(e),
    JSON.stringify(e.toJSON?.() ?? {}),
    e.cause instanceof Error ? e.cause.message : JSON.stringify(e.cause ?? null),
  ].join('\n');
}

function capture(): { logger: ClientLogger; lines: string[] } {
  const lines: string[] = [];
  return { lines, logger: { debug: (m, f) => lines.push(`${m} ${JSON.stringify(f)}`) } };
}

async function failure(p: Promise<unknown>): Promise<SynapseApiError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(SynapseApiError);
    return err as SynapseApiError;
  }
  throw new Error('expected a failure');
}

describe('errors a person understands, with distinct codes and no token', () => {
  it('401: a wrong token', async () => {
    const { logger, lines } = capture();
    const c = new SynapseClient({ host: fake.url, token: `${TOKEN}-wrong`, logger });
    const err = await failure(c.getProject(1));
    expect(err.code).toBe('SYNX_AUTH');
    expect(err.status).toBe(401);
    expect(err.message).toBe(
      `Synapse at ${fake.url} rejected the access token (401: Invalid token.)`,
    );
    expect(err.hint).toMatch(/SYNAPSE_ACCESS_TOKEN/);
    expect(surfaces(err)).not.toContain(TOKEN);
    expect(lines.join('\n')).not.toContain(TOKEN);
    c.close();
  });

  it('404: a project that does not exist', async () => {
    const c = new SynapseClient({ host: fake.url, token: TOKEN });
    const err = await failure(c.getProject(999));
    expect(err.code).toBe('SYNX_NOT_FOUND');
    expect(err.message).toBe(`project 999 was not found on ${fake.url} (404: Not found.)`);
    expect(surfaces(err)).not.toContain(TOKEN);
    c.close();
  });

  it('a dropped connection, after the retries', async () => {
    fake.setFaults({ routes: { projects: { drop: 1, maxConsecutive: 100 } } });
    const { logger, lines } = capture();
    const c = new SynapseClient({
      host: fake.url,
      token: TOKEN,
      logger,
      retry: { retries: 2, baseDelayMs: 1 },
    });
    const err = await failure(c.getProject(1));
    fake.setFaults({});
    expect(err.code).toBe('SYNX_NETWORK');
    expect(err.message).toMatch(
      new RegExp(
        `^could not get project 1 from ${fake.url}: the connection was dropped \\(.*\\) after 3 attempts$`,
      ),
    );
    expect(err.request.attempts).toBe(3);
    expect(lines.filter((l) => l.startsWith('request failed'))).toHaveLength(3);
    expect(surfaces(err)).not.toContain(TOKEN);
    expect(lines.join('\n')).not.toContain(TOKEN);
    c.close();
  });

  it('403, 400 with field errors, 5xx and 429 map to their own codes', async () => {
    const server = await tinyServer((req, res) => {
      const status = Number(new URL(req.url ?? '/', 'http://x').searchParams.get('s'));
      const bodies: Record<number, string> = {
        403: '{"detail":"You do not have permission to perform this action."}',
        400: '{"project":["This field is required."],"page_size":["Must be a number."]}',
        422: '{"error":{"code":"VALIDATION_ERROR","message":"bad","details":[{"field":"title","message":"required"}]},"meta":{"request_id":"req_1"}}',
        500: '<html><body>Server Error (500)</body></html>',
        503: '{"detail":"down"}',
        429: '{"detail":"slow down"}',
      };
      res.writeHead(status, { 'content-type': 'application/json', 'retry-after': '0' });
      res.end(bodies[status] ?? '');
    });
    const c = new SynapseClient({
      host: server.url,
      token: TOKEN,
      retry: { retries: 1, baseDelayMs: 1 },
    });
    const codeOf = async (s: number) =>
      (await failure(c.requestJson('GET', c.url('x/', { s }), { what: 'thing' }))).code;
    expect(await codeOf(403)).toBe('SYNX_PERMISSION');
    expect(await codeOf(400)).toBe('SYNX_VALIDATION');
    const v2 = await failure(c.requestJson('GET', c.url('x/', { s: 422 }), { what: 'thing' }));
    expect(v2.message).toBe('Synapse rejected the request for thing (422: bad; title: required)');
    expect(v2.request.requestId).toBe('req_1');
    expect(await codeOf(500)).toBe('SYNX_SERVER');
    expect(await codeOf(503)).toBe('SYNX_SERVER');
    expect(await codeOf(429)).toBe('SYNX_RATE_LIMITED');
    expect(await codeOf(418)).toBe('SYNX_HTTP');
    c.close();
    await server.close();
  });

  it('never leaks the token even when the server echoes it back', async () => {
    const server = await tinyServer((req, res) => {
      const echoed = String(req.headers['synapse-access-token'] ?? '');
      res.writeHead(400, { 'content-type': 'application/json', 'x-echo': echoed });
      res.end(JSON.stringify({ detail: `token ${echoed} is malformed`, field: [echoed] }));
    });
    const { logger, lines } = capture();
    const c = new SynapseClient({ host: server.url, token: TOKEN, logger });
    const err = await failure(c.getCurrentUser());
    expect(err.code).toBe('SYNX_VALIDATION');
    expect(err.message).toContain('***');
    expect(surfaces(err)).not.toContain(TOKEN);
    expect(lines.join('\n')).not.toContain(TOKEN);
    c.close();
    await server.close();
  });

  it('a read timeout is SYNX_TIMEOUT', async () => {
    const server = await tinyServer(() => {
      // never answers
    });
    const c = new SynapseClient({
      host: server.url,
      token: TOKEN,
      readTimeoutMs: 100,
      retry: { retries: 1, baseDelayMs: 1 },
    });
    const err = await failure(c.getCurrentUser());
    expect(err.code).toBe('SYNX_TIMEOUT');
    expect(err.message).toContain('the server stopped answering');
    c.close();
    await server.close();
  });

  it('a refused connection is SYNX_NETWORK naming the host', async () => {
    const server = await tinyServer(() => undefined);
    const url = server.url;
    await server.close();
    const c = new SynapseClient({ host: url, token: TOKEN, retry: { retries: 1, baseDelayMs: 1 } });
    const err = await failure(c.getCurrentUser());
    expect(err.code).toBe('SYNX_NETWORK');
    expect(err.message).toContain(`from ${url}: the connection was refused`);
    c.close();
  });
});

describe('retries', () => {
  it('honours Retry-After on 429 and retries 502/503/504 for GET', async () => {
    let calls = 0;
    const times: number[] = [];
    const server = await tinyServer((_req, res) => {
      calls++;
      times.push(Date.now());
      if (calls === 1) {
        res.writeHead(429, { 'retry-after': '1' });
        res.end('{}');
      } else if (calls === 2) {
        res.writeHead(502);
        res.end('<html>bad gateway</html>');
      } else {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{"id": 1}');
      }
    });
    const c = new SynapseClient({
      host: server.url,
      token: TOKEN,
      retry: { baseDelayMs: 1, maxDelayMs: 2 },
    });
    expect(await c.getCurrentUser()).toEqual({ id: 1 });
    expect(calls).toBe(3);
    expect((times[1] ?? 0) - (times[0] ?? 0)).toBeGreaterThanOrEqual(950);
    c.close();
    await server.close();
  });

  it('never retries a POST', async () => {
    let calls = 0;
    const server = await tinyServer((_req, res) => {
      calls++;
      res.writeHead(503);
      res.end('{}');
    });
    const c = new SynapseClient({ host: server.url, token: TOKEN, retry: { baseDelayMs: 1 } });
    await failure(c.requestJson('POST', c.url('things/'), { body: { a: 1 } }));
    expect(calls).toBe(1);
    c.close();
    await server.close();
  });
});

describe('auth headers', () => {
  it('sends the SDK form by default, and the raw and DRF+tenant forms when chosen', async () => {
    for (const auth of ['sdk', 'access-token', 'drf'] as const) {
      const c = new SynapseClient({ host: fake.url, token: TOKEN, auth, tenant: 'acme' });
      expect((await c.getProject(1)).id).toBe(1);
      c.close();
    }
    expect(() => new SynapseClient({ host: fake.url, token: TOKEN, auth: 'drf' })).toThrow(
      /tenant/,
    );
  });

  it('sends repeated keys for list parameters and keeps trailing slashes', () => {
    const c = new SynapseClient({ host: 'https://api.example.test/' });
    expect(c.url('sdk/tasks/', { project: 3, expand: ['data_unit', 'assignment'] }).href).toBe(
      'https://api.example.test/sdk/tasks/?project=3&expand=data_unit&expand=assignment',
    );
    expect(c.url('https://other.test/x/?page=2').href).toBe('https://other.test/x/?page=2');
  });
});

describe('v2 project listing and health', () => {
  it('follows the v2 cursor envelope', async () => {
    const c = new SynapseClient({ host: fake.url, token: TOKEN });
    const ids: unknown[] = [];
    for await (const p of c.listProjects()) {
      ids.push(p.id);
    }
    expect(ids).toEqual([1]);
    expect(await c.health()).toEqual({ ok: true, status: 200 });
    c.close();
  });
});

describe('parseErrorBody', () => {
  it('reads DRF detail, field lists, non_field_errors, v2 envelopes and HTML', () => {
    expect(parseErrorBody('{"detail":"Not found."}')).toEqual({ message: 'Not found.' });
    expect(parseErrorBody('{"non_field_errors":["x"],"a":["y","z"]}')).toEqual({
      message: 'x; a: y z',
    });
    expect(parseErrorBody('["only"]')).toEqual({ message: 'only' });
    expect(parseErrorBody('<h1>Bad Gateway</h1>')).toEqual({ message: 'Bad Gateway' });
    expect(
      parseErrorBody('{"error":{"code":"NOT_FOUND","message":"gone"},"meta":{"request_id":"r"}}'),
    ).toEqual({
      message: 'gone',
      code: 'NOT_FOUND',
      requestId: 'r',
    });
  });
});
