import { chmodSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkHost, login, SynapseClient, verifyToken, writeSynapseConfig } from '../src/index.js';
import { tempDir, tinyServer } from './helpers.js';

const root = tempDir('client-login');
const TOKEN = 'tok-login-3f9a';

/** A server that accepts TOKEN on `users/me/` (or answers `meStatus` there) and on `agents/`. */
async function server(meStatus = 200): Promise<{
  url: string;
  paths: string[];
  close: () => Promise<void>;
}> {
  const paths: string[] = [];
  const s = await tinyServer((req, res) => {
    paths.push(req.url ?? '');
    res.setHeader('content-type', 'application/json');
    if (req.headers['synapse-access-token'] !== `Token ${TOKEN}`) {
      res.statusCode = 401;
      res.end(JSON.stringify({ detail: 'Invalid token.' }));
    } else if (req.url === '/users/me/') {
      res.statusCode = meStatus;
      res.end(JSON.stringify(meStatus === 200 ? { id: 7, email: 'ann@example.org' } : {}));
    } else if (req.url?.startsWith('/agents/') === true) {
      res.end(JSON.stringify({ count: 0, next: null, previous: null, results: [] }));
    } else {
      res.statusCode = 404;
      res.end('{}');
    }
  });
  return { ...s, paths };
}

const readJson = (p: string): unknown => JSON.parse(readFileSync(p, 'utf8'));

describe('writeSynapseConfig', () => {
  it('keeps the keys it does not know, and rewrites a 0644 file as 0600', async () => {
    const p = join(root, 'keep', 'config.json');
    mkdirSync(join(root, 'keep'));
    writeFileSync(
      p,
      JSON.stringify({
        host: 'https://old.example',
        agent: { id: 3, token: 'a' },
        environments: {},
      }),
    );
    chmodSync(p, 0o644);
    await writeSynapseConfig({ host: 'https://new.example', access_token: 'x' }, p);
    expect(readJson(p)).toEqual({
      host: 'https://new.example',
      access_token: 'x',
      agent: { id: 3, token: 'a' },
      environments: {},
    });
    expect(statSync(p).mode & 0o777).toBe(0o600);
    // atomically: nothing but the file is left in the directory
    expect(readdirSync(join(root, 'keep'))).toEqual(['config.json']);
  });

  it('creates the directory with mode 0700', async () => {
    const dir = join(root, 'fresh', '.synapse');
    await writeSynapseConfig({ access_token: 'x' }, join(dir, 'config.json'));
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(statSync(join(dir, 'config.json')).mode & 0o777).toBe(0o600);
  });

  it('refuses to overwrite an existing file that is not a JSON object, and leaves it as it was', async () => {
    for (const [name, text] of [
      ['broken.json', '{"host": "https://a.example", "agent":'],
      ['array.json', '[1, 2]'],
    ] as const) {
      const p = join(root, name);
      writeFileSync(p, text);
      await expect(writeSynapseConfig({ access_token: 'x' }, p)).rejects.toMatchObject({
        code: 'SYNX_CONFIG',
        message: expect.stringContaining('not overwriting it') as string,
        hint: expect.stringContaining('move it away') as string,
      });
      expect(readFileSync(p, 'utf8')).toBe(text);
    }
  });
});

describe('checkHost', () => {
  it('normalises, and refuses credentials and non-URLs', () => {
    expect(checkHost('api.synapse.sh/')).toBe('https://api.synapse.sh');
    expect(() => checkHost('https://me:secret@host.example', '--host')).toThrow(
      expect.objectContaining({
        code: 'SYNX_CONFIG',
        message: expect.stringContaining('--host') as string,
      }) as Error,
    );
    let message = '';
    try {
      checkHost('https://me:secret@host.example');
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toContain('host.example');
    expect(message).not.toContain('secret');
    for (const bad of ['ftp://files.example', 'https://exa mple.org']) {
      expect(() => checkHost(bad)).toThrow(
        expect.objectContaining({ code: 'SYNX_CONFIG' }) as Error,
      );
    }
  });
});

describe('login', () => {
  it('checks the token with users/me/, then writes host and access_token, keeping other keys', async () => {
    const s = await server();
    const p = join(root, 'ok.json');
    writeFileSync(p, JSON.stringify({ access_token: 'old', agent: { id: 1 } }));
    try {
      const r = await login({ host: `${s.url}/`, token: TOKEN, configPath: p });
      expect(r).toEqual({
        host: s.url,
        configPath: p,
        check: { via: 'users/me/', user: { id: 7, email: 'ann@example.org' } },
      });
      expect(JSON.stringify(r)).not.toContain(TOKEN);
      expect(readJson(p)).toEqual({ host: s.url, access_token: TOKEN, agent: { id: 1 } });
      expect(statSync(p).mode & 0o777).toBe(0o600);
      expect(s.paths).toEqual(['/users/me/']);
    } finally {
      await s.close();
    }
  });

  it('falls back to agents/ when the server has no users/me/', async () => {
    const s = await server(404);
    const client = new SynapseClient({ host: s.url, token: TOKEN, retry: { retries: 0 } });
    try {
      expect(await verifyToken(client)).toEqual({ via: 'agents/', user: undefined });
      expect(s.paths[0]).toBe('/users/me/');
      expect(s.paths[1]).toMatch(/^\/agents\//);
    } finally {
      client.close();
      await s.close();
    }
  });

  it('a rejected token (401) writes nothing', async () => {
    const s = await server();
    const p = join(root, 'rejected.json');
    const before = JSON.stringify({ host: 'https://keep.example', access_token: 'good' });
    writeFileSync(p, before);
    try {
      const err = await login({ host: s.url, token: 'wrong-token', configPath: p }).catch(
        (e: unknown) => e,
      );
      expect(err).toMatchObject({
        code: 'SYNX_AUTH',
        message: expect.stringContaining(`${p} was not changed`) as string,
      });
      expect(JSON.stringify(err)).not.toContain('wrong-token');
      expect(readFileSync(p, 'utf8')).toBe(before);
    } finally {
      await s.close();
    }
  });

  it('verify: false stores without asking the server', async () => {
    const p = join(root, 'unchecked.json');
    const r = await login({ host: 'http://127.0.0.1:9', token: 'x', verify: false, configPath: p });
    expect(r.check).toBeUndefined();
    expect(readJson(p)).toEqual({ host: 'http://127.0.0.1:9', access_token: 'x' });
  });

  it('refuses an invalid existing file before asking the server', async () => {
    const s = await server();
    const p = join(root, 'invalid.json');
    writeFileSync(p, 'not json');
    try {
      await expect(login({ host: s.url, token: TOKEN, configPath: p })).rejects.toMatchObject({
        code: 'SYNX_CONFIG',
      });
      expect(s.paths).toEqual([]);
      expect(readFileSync(p, 'utf8')).toBe('not json');
    } finally {
      await s.close();
    }
  });
});
