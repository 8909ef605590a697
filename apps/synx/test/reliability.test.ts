// Failures a user cannot see unless synx says so: plugins that break the contract, a full disk,
// secrets in any of the places a token can come from.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startFakeSynapse, type FakeSynapse } from '@synx/fake-synapse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, DEMO, isolatedEnv, synx, tempDir, tree } from './helpers.js';

const root = tempDir('cli-reliability');
const STACK = /^\s+at .+:\d+:\d+\)?$/m;

const manifestStatus = (out: string): string =>
  (JSON.parse(readFileSync(join(out, 'synx-export.json'), 'utf8')) as { status: string }).status;

describe('a format plugin that breaks the contract', () => {
  const home = join(root, 'home-broken');
  beforeAll(async () => {
    mkdirSync(home, { recursive: true });
    const plugin = join(import.meta.dirname, 'fixtures', 'synx-format-broken');
    const link = await synx(['plugins', 'link', plugin, '--no-install'], { home });
    expect(link.code, link.stderr).toBe(0);
  });

  const cases = [
    // the demo's items in order: 00_street, crossing (copy), street_001, …
    ['throws', /failed while writing item street_001: boom$/m],
    [
      'stalls',
      /stopped without finishing: its write\(\) never settled \(last item given: crossing \(copy\)\)$/m,
    ],
    [
      'quits',
      /stopped reading after 1 item\(s\) \(last: item 00_street\); the rest were not written$/m,
    ],
  ] as const;
  for (const [id, message] of cases) {
    it(`${id}: exit 8 naming the plugin, the format and the item; the manifest says failed`, async () => {
      const out = join(root, `broken-${id}`);
      const r = await synx(['export', '--from', DEMO, '--format', id, '--output', out], {
        home,
      });
      expect(r.code, r.stderr).toBe(8);
      expect(r.stderr).toContain(`format "${id}" (plugin synx-format-broken 0.1.0)`);
      expect(r.stderr).toMatch(message);
      expect(r.stderr).not.toMatch(STACK);
      expect(manifestStatus(out)).toBe('failed');
      const json = await synx(
        ['export', '--from', DEMO, '--format', id, '--output', `${out}-json`, '--json'],
        { home },
      );
      expect(json.code).toBe(8);
      const body = JSON.parse(json.stdout) as {
        error: { code: string; details: Record<string, string> };
        exitCode: number;
      };
      expect(body.error.code).toBe('SYNX_PLUGIN_FAILED');
      expect(body.error.details).toMatchObject({ format: id, plugin: 'synx-format-broken' });
      expect(body.error.details['itemId']).toMatch(/^(00_street|crossing \(copy\)|street_001)$/);
      expect(body.exitCode).toBe(8);
    });
  }
});

/** Whether this process may mount a tmpfs in a private mount namespace (root, or a user namespace). */
function canMountTmpfs(): boolean {
  try {
    execFileSync('unshare', ['-rm', 'sh', '-c', 'mount -t tmpfs -o size=64k tmpfs /mnt'], {
      stdio: 'ignore',
    });
    return true;
  } catch {
    return false;
  }
}

/** The built CLI in a private mount namespace with a `kb`-KB tmpfs at `mnt` (removed on exit). */
function synxOnTinyDisk(
  mnt: string,
  kb: number,
  args: string[],
  home: string,
): { code: number; stdout: string; stderr: string } {
  const script = `mount -t tmpfs -o size=${kb}k tmpfs "$1" && shift && exec "$@"`;
  try {
    const stdout = execFileSync(
      'unshare',
      ['-rm', 'sh', '-c', script, 'sh', mnt, process.execPath, BIN, ...args],
      { env: isolatedEnv(home), encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
    );
    return { code: 0, stdout, stderr: '' };
  } catch (err) {
    const e = err as { status: number | null; stdout: string; stderr: string };
    return { code: e.status ?? 1, stdout: e.stdout, stderr: e.stderr };
  }
}

const tinyDisk = canMountTmpfs();
// CI must check a full disk, not skip it: there a missing mount namespace is a failure.
if (!tinyDisk && process.env['CI'] === 'true') {
  it('a full disk: needs `unshare -rm` to mount a small tmpfs', () => {
    expect.fail(
      'cannot mount a tmpfs in a private mount namespace (unshare -rm) on this CI machine',
    );
  });
}
describe.skipIf(!tinyDisk)('a full disk', () => {
  const home = join(root, 'home-full');
  mkdirSync(home, { recursive: true });
  for (const [what, extra] of [
    ['labels only', []],
    ['with --save-original-files', ['--save-original-files']],
  ] as const) {
    it(`${what}: exit 9 SYNX_IO with the path and a hint, no stack trace, the manifest failed`, () => {
      const mnt = join(root, `full-${extra.length}`);
      mkdirSync(mnt, { recursive: true });
      const out = join(mnt, 'out');
      // The export runs on the tiny disk and checks the manifest there before the namespace goes.
      const r = synxOnTinyDisk(
        mnt,
        extra.length === 0 ? 40 : 120,
        [
          'export',
          '--from',
          DEMO,
          '--format',
          extra.length === 0 ? 'coco' : 'yolo',
          '--output',
          out,
          ...extra,
        ],
        home,
      );
      expect(r.code, r.stderr).toBe(9);
      expect(r.stderr).toMatch(/^synx: cannot write .*no space left on the device \(ENOSPC\)/m);
      expect(r.stderr).toContain(out);
      expect(r.stderr).toContain('hint: the disk is full');
      expect(r.stderr).not.toMatch(STACK);
      const json = synxOnTinyDisk(
        mnt,
        extra.length === 0 ? 40 : 120,
        [
          'export',
          '--from',
          DEMO,
          '--format',
          extra.length === 0 ? 'coco' : 'yolo',
          '--output',
          out,
          '--json',
          ...extra,
        ],
        home,
      );
      expect(json.code).toBe(9);
      const body = JSON.parse(json.stdout) as {
        error: { code: string; message: string; hint: string; details: { errno: string } };
      };
      expect(body.error).toMatchObject({ code: 'SYNX_IO', details: { errno: 'ENOSPC' } });
      expect(body.error.hint).toContain('run the same command again');
    });
  }

  it('the manifest says failed, and a rerun after freeing space completes it', () => {
    const mnt = join(root, 'full-rerun');
    mkdirSync(mnt, { recursive: true });
    // One namespace for both runs: the first fills the disk, then the disk grows.
    const script = [
      'mount -t tmpfs -o size=40k tmpfs "$1"',
      `"$2" "$3" export --from "$4" --format coco --output "$1/out"; echo "first=$?"`,
      'sed -n \'s/.*"status": "\\(.*\\)".*/status=\\1/p\' "$1/out/synx-export.json" | head -1',
      'mount -o remount,size=4m "$1"',
      `"$2" "$3" export --from "$4" --format coco --output "$1/out" > /dev/null; echo "second=$?"`,
      'sed -n \'s/.*"status": "\\(.*\\)".*/status=\\1/p\' "$1/out/synx-export.json" | head -1',
      `cat "$1/out/annotations/instances_default.json" | head -c 20; echo`,
    ].join('; ');
    const text = execFileSync(
      'unshare',
      ['-rm', 'sh', '-c', script, 'sh', mnt, process.execPath, BIN, DEMO],
      { env: isolatedEnv(home), encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] },
    );
    expect(text).toContain('first=9');
    expect(text).toContain('status=failed');
    expect(text).toContain('second=0');
    expect(text).toContain('status=complete');
    expect(text).toContain('{"info":');
  });
});

describe('secrets never leave synx', () => {
  let fake: FakeSynapse;
  const TOKEN = 'tok-SECRET-9f27c1d4e8';
  beforeAll(async () => {
    fake = await startFakeSynapse({ from: DEMO, token: TOKEN });
  });
  afterAll(async () => {
    await fake.close();
  });

  /** Asserts that no output file, stdout or stderr holds the secret or a URL signature. */
  function clean(
    label: string,
    r: { stdout: string; stderr: string },
    dirs: string[],
    secret: string,
  ): void {
    for (const [name, text] of [
      ['stdout', r.stdout],
      ['stderr', r.stderr],
    ] as const) {
      expect(text.includes(secret), `${label}: ${name}`).toBe(false);
      expect(text.includes('signature='), `${label}: ${name} signature`).toBe(false);
    }
    for (const dir of dirs) {
      for (const [path, bytes] of existsSync(dir) ? tree(dir) : []) {
        if (path.startsWith('.synapse/')) {
          continue; // the config file the user wrote holds the token by design
        }
        expect(bytes.includes(secret), `${label}: ${path}`).toBe(false);
        expect(bytes.includes('signature='), `${label}: ${path} signature`).toBe(false);
      }
    }
  }

  const exportArgs = (out: string, extra: string[] = []): string[] => [
    'export',
    '--project',
    String(fake.projectId),
    '--format',
    'coco',
    '--output',
    out,
    '--save-original-files',
    ...extra,
  ];

  it('given by flag, env or config: not in any output file, stdout, stderr or debug log', async () => {
    const ways: [string, (home: string) => { args: string[]; env: Record<string, string> }][] = [
      ['flag', () => ({ args: ['--host', fake.url, '--token', TOKEN], env: {} })],
      ['env', () => ({ args: [], env: { SYNAPSE_HOST: fake.url, SYNAPSE_ACCESS_TOKEN: TOKEN } })],
      [
        'config',
        (home) => {
          mkdirSync(join(home, '.synapse'), { recursive: true });
          writeFileSync(
            join(home, '.synapse', 'config.json'),
            JSON.stringify({ host: fake.url, access_token: TOKEN }),
            { mode: 0o600 },
          );
          return { args: [], env: {} };
        },
      ],
    ];
    for (const [way, setup] of ways) {
      const home = join(root, `home-secret-${way}`);
      mkdirSync(home, { recursive: true });
      const { args, env } = setup(home);
      const out = join(root, `secret-${way}`);
      const ok = await synx([...exportArgs(out), ...args], {
        home,
        env: { ...env, DEBUG: 'synx:*' },
      });
      expect(ok.code, ok.stderr).toBe(0);
      expect(ok.stderr).toContain('synx:export'); // the debug log ran
      clean(`${way}: export`, ok, [out, home], TOKEN);
      const json = await synx([...exportArgs(`${out}-json`), '--json', ...args], { home, env });
      expect(json.code).toBe(0);
      clean(`${way}: --json`, json, [`${out}-json`], TOKEN);
      // a failing run (no such project) and a run that hits the network's error paths
      const missing = await synx(
        ['export', '--project', '999', '--format', 'coco', '--output', `${out}-404`, ...args],
        { home, env: { ...env, DEBUG: 'synx:*' } },
      );
      expect(missing.code).toBe(4);
      clean(`${way}: 404`, missing, [home], TOKEN);
    }
  });

  it('inside --host: refused before any request, never printed, stored or sent', async () => {
    const secret = 'hostSECRET-61d0c2';
    const home = join(root, 'home-secret-host');
    mkdirSync(home, { recursive: true });
    const host = fake.url.replace('http://', `http://user:${secret}@`);
    fake.log.length = 0;
    const out = join(root, 'secret-host');
    for (const extra of [[], ['--json']]) {
      const r = await synx([...exportArgs(out), '--host', host, '--token', TOKEN, ...extra], {
        home,
        env: { DEBUG: 'synx:*' },
      });
      expect(r.code).toBe(2);
      expect(`${r.stdout}${r.stderr}`).toContain('holds credentials');
      clean('--host user:secret@', r, [home], secret);
    }
    const viaEnv = await synx([...exportArgs(out)], {
      home,
      env: { SYNAPSE_HOST: host, SYNAPSE_ACCESS_TOKEN: TOKEN },
    });
    expect(viaEnv.code).toBe(2);
    expect(viaEnv.stderr).toContain('SYNAPSE_HOST');
    clean('SYNAPSE_HOST user:secret@', viaEnv, [home], secret);
    // nothing was sent: no request reached the backend, so no Basic auth either
    expect(fake.log).toEqual([]);
  });
});
