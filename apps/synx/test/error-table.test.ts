// Every row of the export's error table (docs/exit-codes.md): what the user gets, checked on the
// built binary against the fake backend — the exit code, the words on stderr, and that nothing
// was written where nothing should be.
import { spawn } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFakeSynapse, writeSyntheticFolder, type FakeSynapse } from '@synx/fake-synapse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, DEMO, isolatedEnv, synx } from './helpers.js';
import { answer, spawnPty } from './pty.js';

const TOKEN = 'tok-errors-77a1';
let fake: FakeSynapse;
let big: FakeSynapse;
let root: string;
let home: string;
let bare: string;

/** A copy of the demo whose items hold only polylines and image-level labels. */
function polylinesOnly(dir: string): void {
  cpSync(DEMO, dir, { recursive: true });
  for (const name of readdirSync(join(dir, 'json'))) {
    const file = join(dir, 'json', name);
    const d = JSON.parse(readFileSync(file, 'utf8')) as {
      annotations: Record<string, { id: string; tool: string }[]>;
      annotationsData: Record<string, { id: string }[]>;
      relations?: Record<string, unknown>;
      annotationGroups?: Record<string, unknown>;
    };
    for (const media of Object.keys(d.annotations)) {
      const keep = (d.annotations[media] ?? []).filter((a) => a.tool === 'polyline');
      const ids = new Set(keep.map((a) => a.id));
      d.annotations[media] = keep;
      d.annotationsData[media] = (d.annotationsData[media] ?? []).filter((a) => ids.has(a.id));
    }
    delete d.relations;
    delete d.annotationGroups;
    writeFileSync(file, JSON.stringify(d));
  }
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'synx-errors-'));
  home = join(root, 'home');
  bare = join(root, 'bare-home');
  mkdirSync(join(home, '.synapse'), { recursive: true });
  mkdirSync(bare, { recursive: true });
  fake = await startFakeSynapse({ from: DEMO, token: TOKEN, extraProjects: 3 });
  writeFileSync(
    join(home, '.synapse', 'config.json'),
    JSON.stringify({ host: fake.url, access_token: TOKEN }),
    { mode: 0o600 },
  );
  const synthetic = join(root, 'synthetic');
  await writeSyntheticFolder({ outDir: synthetic, items: 3000, media: 'none', seed: 3 });
  big = await startFakeSynapse({
    from: synthetic,
    token: TOKEN,
    faults: { routes: { assignments: { latencyMs: 400 } } },
  });
}, 120_000);

afterAll(async () => {
  await fake.close();
  await big.close();
  rmSync(root, { recursive: true, force: true });
});

describe('project / GT version not found', () => {
  it('names the id, the host and `synx projects list`', async () => {
    const cwd = join(root, 'nf');
    mkdirSync(cwd);
    const r = await synx(['export', '--project', '999', '--format', 'coco'], { home, cwd });
    expect(r.code).toBe(4);
    expect(r.stderr).toContain('999');
    expect(r.stderr).toContain(fake.url.replace(/^http:\/\//, ''));
    expect(r.stderr).toContain('synx projects list');
    expect(readdirSync(cwd)).toEqual([]);
  });
  it('a ground-truth version names `synx gt list`', async () => {
    const r = await synx(['export', '--gt-version', '999', '--format', 'coco'], { home });
    expect(r.code).toBe(4);
    expect(r.stderr).toContain('999');
    expect(r.stderr).toContain('synx gt list');
  });
});

describe('nothing matches', () => {
  it('a filter that matches nothing: exit 11, the filter named, a suggestion, nothing written', async () => {
    const cwd = join(root, 'nm');
    mkdirSync(cwd);
    const filter = '{"status":"no-such-status"}';
    const r = await synx(['export', '--project', '42', '--format', 'coco', '--filter', filter], {
      home,
      cwd,
    });
    expect(r.code, r.stderr).toBe(11);
    expect(r.stderr).toContain(filter);
    expect(r.stderr).toMatch(/hint: loosen or drop --filter/);
    expect(readdirSync(cwd)).toEqual([]);
  });
  it('an empty project: exit 11, nothing written', async () => {
    const list = await synx(['projects', 'list', '--json'], { home });
    const projects = (
      JSON.parse(list.stdout) as { projects: { id: number; task_count?: number }[] }
    ).projects;
    const empty = projects.find((p) => p.id !== 42);
    expect(empty).toBeDefined();
    const cwd = join(root, 'empty');
    mkdirSync(cwd);
    const r = await synx(['export', '--project', String(empty?.id), '--format', 'coco'], {
      home,
      cwd,
    });
    expect(r.code, r.stderr).toBe(11);
    expect(r.stderr).toContain('holds no items');
    expect(readdirSync(cwd)).toEqual([]);
  });
  it('the wizard offers to change the filter', async () => {
    const cwd = join(root, 'nm-wizard');
    mkdirSync(cwd);
    const t = spawnPty(['export', '--project', '42', '--filter', '{"status":"no-such-status"}'], {
      cwd,
      env: { ...isolatedEnv(home), TERM: 'xterm-256color' },
      cols: 140,
      rows: 50,
    });
    await t.waitFor('Nothing matches the filter {"status":"no-such-status"}');
    await answer(t, 'Change the filter', '\r');
    await t.waitFor('30 items');
    await answer(t, 'Format:', '\u0003');
    const end = await t.exit();
    expect(end.code).toBe(130);
    expect(readdirSync(cwd)).toEqual([]);
  });
});

describe('the format cannot hold the data', () => {
  let poly: string;
  beforeAll(() => {
    poly = join(root, 'polylines');
    polylinesOnly(poly);
  });
  it('a flags run that would write no annotation fails, naming formats that hold them', async () => {
    const cwd = join(root, 'cannot');
    mkdirSync(cwd);
    const r = await synx(['export', '--from', poly, '--format', 'yolo'], { home, cwd });
    expect(r.code, r.stderr).toBe(11);
    expect(r.stderr).toMatch(/YOLO cannot hold any of the source's annotations \(\d+ polyline/);
    expect(r.stderr).toContain('--format csv');
    expect(r.stderr).not.toContain('--format yolo (');
    expect(readdirSync(cwd)).toEqual([]);
  });
  it('the wizard warns before Proceed and offers a format that holds it', async () => {
    const cwd = join(root, 'cannot-wizard');
    mkdirSync(cwd);
    const t = spawnPty(
      ['export', '--format', 'yolo', '--yolo-task', 'detect', '--split', '80/20'],
      {
        cwd,
        env: { ...isolatedEnv(home), TERM: 'xterm-256color' },
        cols: 140,
        rows: 50,
      },
    );
    await answer(t, 'What do you want to export?', '\u001b[A', '\r'); // a folder on disk
    await answer(t, 'Synapse export folder', poly, '\r');
    await answer(t, 'Save the original files', '\r');
    await answer(t, 'Output folder', 'x', '\r');
    await t.waitFor('cannot hold any of this source');
    await answer(t, /Use CSV \(csv\) instead\?/, 'y', '\r');
    await answer(t, 'Proceed?', '\r');
    const end = await t.exit();
    expect(end.code, end.output.slice(-2000)).toBe(0);
    expect(readFileSync(join(cwd, 'x', 'annotations.csv'), 'utf8')).toContain('polyline');
  });
});

describe('missing or invalid authentication', () => {
  it('no token: exit 3, hint `synx login` and `synx doctor`', async () => {
    const r = await synx(['export', '--project', '42', '--format', 'coco', '--host', fake.url], {
      home: bare,
    });
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('no access token');
    expect(r.stderr).toContain('synx login');
    expect(r.stderr).toContain('synx doctor');
  });
  it('a rejected token: exit 3, the same hint, the token never shown', async () => {
    const r = await synx(
      [
        'export',
        '--project',
        '42',
        '--format',
        'coco',
        '--host',
        fake.url,
        '--token',
        'wrong-tok-123',
      ],
      { home: bare },
    );
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('synx login');
    expect(r.stderr).not.toContain('wrong-tok-123');
  });
});

/** Starts the export in the background; `progressed` resolves at its first progress line. */
function background(
  args: string[],
  cwd: string,
): {
  child: ReturnType<typeof spawn>;
  progressed: Promise<void>;
  done: Promise<{ code: number | null; stderr: string }>;
} {
  const child = spawn(process.execPath, [BIN, ...args], { cwd, env: isolatedEnv(home) });
  let stderr = '';
  let seen: () => void = () => undefined;
  const progressed = new Promise<void>((resolve) => (seen = resolve));
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
    if (/synx: \w+ [\d,]+\/3,000 items/.test(stderr)) {
      seen();
    }
  });
  const done = new Promise<{ code: number | null; stderr: string }>((resolve) => {
    child.on('exit', (code) => {
      resolve({ code, stderr });
    });
  });
  return { child, progressed, done };
}

describe('server failure, interrupted: what was done, what was not, the command that resumes', () => {
  const args = (out: string): string[] => [
    'export',
    '--project',
    String(big.projectId),
    '--format',
    'coco',
    '--host',
    big.url,
    '--output',
    out,
    '--retries',
    '0',
  ];
  /** A run without faults or interruption: what a resumed run must equal. */
  const clean = { code: -1, coco: '' };
  beforeAll(async () => {
    const cwd = join(root, 'clean');
    mkdirSync(cwd);
    const r = await synx(args(join(cwd, 'out')), { home, cwd });
    clean.code = r.code;
    clean.coco = readFileSync(join(cwd, 'out', 'annotations', 'instances_default.json'), 'utf8');
    expect((JSON.parse(clean.coco) as { images: unknown[] }).images).toHaveLength(3000);
  }, 60_000);
  it('the server fails part-way: exit 5, items done, resume command; the rerun completes', async () => {
    const cwd = join(root, 'fail');
    mkdirSync(cwd);
    const out = join(cwd, 'out');
    const run = background(args(out), cwd);
    // Let some pages through (a progress line says so), then fail every request of the list.
    await run.progressed;
    big.setFaults({
      routes: {
        assignments: { serverError: 1, burst: 1000, maxConsecutive: 1000, latencyMs: 400 },
      },
    });
    const r = await run.done;
    big.setFaults({ routes: { assignments: { latencyMs: 400 } } });
    expect(r.code, r.stderr).toBe(5);
    expect(r.stderr).toMatch(/[\d,]+ of 3,000 items were read before it stopped/);
    expect(r.stderr).toContain(`resume with: synx export --project ${big.projectId} --format coco`);
    const again = await synx(args(out), { home, cwd });
    expect(again.code, again.stderr).toBe(clean.code);
    expect(readFileSync(join(out, 'annotations', 'instances_default.json'), 'utf8')).toBe(
      clean.coco,
    );
  });
  it('interrupted (SIGINT): exit 130 with the resume command; the rerun completes', async () => {
    const cwd = join(root, 'int');
    mkdirSync(cwd);
    const out = join(cwd, 'out');
    const run = background(args(out), cwd);
    await run.progressed;
    run.child.kill('SIGINT');
    const r = await run.done;
    expect(r.code, r.stderr).toBe(130);
    expect(r.stderr).toContain('resume with: synx export');
    expect(existsSync(join(out, 'annotations', 'instances_default.json'))).toBe(false);
    const again = await synx(args(out), { home, cwd });
    expect(again.code, again.stderr).toBe(clean.code);
    expect(readFileSync(join(out, 'annotations', 'instances_default.json'), 'utf8')).toBe(
      clean.coco,
    );
  });
});
