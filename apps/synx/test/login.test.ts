// `synx login` as a person uses it (in a pseudo-terminal) and as a script does (no terminal).
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startFakeSynapse, type FakeSynapse } from '@synx/fake-synapse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, DEMO, isolatedEnv, synx, tempDir, type RunResult } from './helpers.js';
import { spawnPty } from './pty.js';

const TOKEN = 'login-secret-7c1e90';
const root = tempDir('cli-login');
let fake: FakeSynapse;

beforeAll(async () => {
  fake = await startFakeSynapse({ from: DEMO, token: TOKEN });
});
afterAll(async () => {
  await fake.close();
});

let homes = 0;
/** A fresh HOME, optionally with a ~/.synapse/config.json holding `config`. */
function home(config?: string | Record<string, unknown>): { home: string; file: string } {
  const h = join(root, `home-${String(++homes)}`);
  const file = join(h, '.synapse', 'config.json');
  mkdirSync(h, { recursive: true });
  if (config !== undefined) {
    mkdirSync(join(h, '.synapse'), { mode: 0o700 });
    writeFileSync(file, typeof config === 'string' ? config : JSON.stringify(config), {
      mode: 0o600,
    });
  }
  return { home: h, file };
}

const readJson = (p: string): unknown => JSON.parse(readFileSync(p, 'utf8'));
const mode = (p: string): number => statSync(p).mode & 0o777;

/** The built CLI with `input` on its stdin (a pipe, not a terminal). */
function synxWithStdin(args: string[], input: string, h: string): Promise<RunResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: h, env: isolatedEnv(h) });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => {
      resolve({ code: code ?? 1, stdout, stderr });
    });
    child.stdin.end(input);
  });
}

const OTHER_KEYS = {
  agent: { id: 3, name: 'gpu-box', url: 'http://agent.invalid', token: 'agent-tok' },
  default_environment: 'prod',
  environments: { prod: { backend_url: 'https://mcp.invalid', access_token: 'mcp-tok' } },
};

describe('synx login in a terminal', () => {
  it('asks the host (the configured one as default) and the token, never showing it; writes 0600 and keeps other keys', async () => {
    const { home: h, file } = home({ host: fake.url, access_token: 'old-token', ...OTHER_KEYS });
    const t = spawnPty(['login'], { home: h });
    await t.waitFor('Synapse host');
    await t.waitFor(fake.url, { fromStart: true });
    t.key('enter');
    await t.waitFor(`Access token for ${fake.url}`);
    t.write(TOKEN.slice(0, 8));
    t.write(TOKEN.slice(8));
    t.key('enter');
    const r = await t.exit();
    expect(r.code, r.output).toBe(0);
    expect(r.output).toContain(
      `saved to ~/.synapse/config.json (mode 0600) for ${fake.url} as fake-user@synapse.invalid`,
    );
    // not echoed, not masked character by character, not printed afterwards
    expect(t.raw).not.toContain(TOKEN.slice(0, 8));
    expect(t.raw).not.toContain(TOKEN.slice(8));
    expect(readJson(file)).toEqual({ host: fake.url, access_token: TOKEN, ...OTHER_KEYS });
    expect(mode(file)).toBe(0o600);

    // and the file works for doctor
    const doctor = await synx(['doctor', '--json'], { home: h });
    expect(doctor.code, doctor.stdout).toBe(0);
    const checks = (JSON.parse(doctor.stdout) as { checks: { check: string; status: string }[] })
      .checks;
    expect(checks.map((c) => [c.check, c.status])).toEqual([
      ['config file', 'ok'],
      ['host', 'ok'],
      ['token', 'ok'],
    ]);
  });

  it('defaults to https://api.synapse.sh; a typed host is used; a wrong token exits 3 and writes nothing', async () => {
    const { home: h, file } = home();
    const t = spawnPty(['login'], { home: h });
    await t.waitFor(/Synapse host.*https:\/\/api\.synapse\.sh/);
    t.write(fake.url);
    t.key('enter');
    await t.waitFor(`Access token for ${fake.url}`);
    t.write('wrong-token-5d2');
    t.key('enter');
    const r = await t.exit();
    expect(r.code, r.output).toBe(3);
    expect(r.output).toContain('rejected the access token (401');
    expect(r.output).toContain('was not changed');
    expect(t.raw).not.toContain('wrong-token-5d2');
    expect(existsSync(file)).toBe(false);
  });

  it('Ctrl-C at the token prompt exits 130 and leaves the file as it was', async () => {
    const before = JSON.stringify({ host: 'https://keep.invalid', access_token: 'keep' });
    const { home: h, file } = home(before);
    const t = spawnPty(['login', '--host', fake.url], { home: h });
    await t.waitFor('Access token');
    t.write('half-typed');
    t.key('ctrl-c');
    const r = await t.exit();
    expect(r.code, r.output).toBe(130);
    expect(t.raw).not.toContain('half-typed');
    expect(readFileSync(file, 'utf8')).toBe(before);
  });
});

describe('synx login without a terminal', () => {
  it('--token writes without asking; the output never holds the token', async () => {
    const { home: h, file } = home(OTHER_KEYS);
    const r = await synx(['login', '--host', fake.url, '--token', TOKEN], { home: h });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe(
      `saved to ~/.synapse/config.json (mode 0600) for ${fake.url} as fake-user@synapse.invalid\n`,
    );
    expect(r.stdout + r.stderr).not.toContain(TOKEN);
    expect(readJson(file)).toEqual({ ...OTHER_KEYS, host: fake.url, access_token: TOKEN });
    expect(mode(file)).toBe(0o600);
    expect(mode(join(h, '.synapse'))).toBe(0o700);
  });

  it('a new ~/.synapse is made 0700, the file 0600', async () => {
    const { home: h, file } = home();
    const r = await synx(['login', '--host', fake.url, '--token', TOKEN, '--json'], { home: h });
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({
      host: fake.url,
      configPath: file,
      mode: '0600',
      verified: true,
      via: 'users/me/',
      user: { id: 1, email: 'fake-user@synapse.invalid', name: 'Fake User' },
    });
    expect(r.stdout).not.toContain(TOKEN);
    expect(mode(join(h, '.synapse'))).toBe(0o700);
    expect(mode(file)).toBe(0o600);
  });

  it('no token and no terminal: exit 2 naming --token, nothing written', async () => {
    const { home: h, file } = home();
    const r = await synx(['login', '--host', fake.url], { home: h });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--token');
    expect(r.stderr).toContain('--token-stdin');
    expect(existsSync(file)).toBe(false);
  });

  it('--token-stdin reads the token from stdin', async () => {
    const { home: h, file } = home();
    const r = await synxWithStdin(['login', '--host', fake.url, '--token-stdin'], `${TOKEN}\n`, h);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('as fake-user@synapse.invalid');
    expect(readJson(file)).toEqual({ host: fake.url, access_token: TOKEN });
    const empty = await synxWithStdin(['login', '--host', fake.url, '--token-stdin'], '\n', h);
    expect(empty.code).toBe(2);
    expect(empty.stderr).toContain('read no token');
  });

  it('a rejected token exits 3 and leaves the file byte for byte', async () => {
    const before = JSON.stringify({
      host: 'https://keep.invalid',
      access_token: 'keep',
      ...OTHER_KEYS,
    });
    const { home: h, file } = home(before);
    const r = await synx(['login', '--host', fake.url, '--token', 'wrong-token-88'], { home: h });
    expect(r.code).toBe(3);
    expect(r.stderr).not.toContain('wrong-token-88');
    expect(readFileSync(file, 'utf8')).toBe(before);
  });

  it('--no-verify stores without asking the server', async () => {
    const { home: h, file } = home();
    const before = fake.log.length;
    const r = await synx(['login', '--host', fake.url, '--token', 'unchecked', '--no-verify'], {
      home: h,
    });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('(token not checked: --no-verify)');
    expect(fake.log.length).toBe(before);
    expect(readJson(file)).toEqual({ host: fake.url, access_token: 'unchecked' });
  });

  it('--config writes another file', async () => {
    const { home: h } = home();
    const other = join(h, 'elsewhere', 'synapse.json');
    const r = await synx(['login', '--host', fake.url, '--token', TOKEN, '--config', other], {
      home: h,
    });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`saved to ~/elsewhere/synapse.json (mode 0600)`);
    expect(readJson(other)).toEqual({ host: fake.url, access_token: TOKEN });
    expect(existsSync(join(h, '.synapse'))).toBe(false);
  });

  it('an existing file that is not valid JSON is reported and left alone (exit 2)', async () => {
    const broken = '{"host": "https://keep.invalid", "agent": {';
    const { home: h, file } = home(broken);
    const r = await synx(['login', '--host', fake.url, '--token', TOKEN], { home: h });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${file} is not valid JSON`);
    expect(readFileSync(file, 'utf8')).toBe(broken);
  });

  it('a host with user:password@ is refused without showing the password', async () => {
    const { home: h, file } = home();
    const r = await synx(
      ['login', '--host', 'https://me:hunter2@synapse.invalid', '--token', TOKEN],
      {
        home: h,
      },
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--host');
    expect(r.stderr).toContain('holds credentials');
    expect(r.stderr).not.toContain('hunter2');
    expect(existsSync(file)).toBe(false);
  });
});

describe('synx doctor points to synx login', () => {
  it('when there is no config file and no token', async () => {
    const { home: h } = home();
    const r = await synx(['doctor', '--host', fake.url], { home: h });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(
      /config file +~\/\.synapse\/config\.json does not exist: run `synx login`/,
    );
    expect(r.stdout).toMatch(/token +no token: run `synx login`/);
  });

  it('when the token is rejected', async () => {
    const { home: h } = home({ host: fake.url, access_token: 'expired-token' });
    const r = await synx(['doctor'], { home: h });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(
      /invalid or expired \(401\): the token from .*config\.json; run `synx login`/,
    );
    expect(r.stdout).not.toContain('expired-token');
  });
});
