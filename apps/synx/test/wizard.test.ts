// The guided export end to end: the built binary in a real pseudo-terminal, keys in, screen and
// files checked, against the fake Synapse backend (and a folder on disk).
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
import { startFakeSynapse, type FakeSynapse } from '@synx/fake-synapse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO, isolatedEnv, synx, tree } from './helpers.js';
import { answer, spawnPty, type PtyRun as PtySession } from './pty.js';

const TOKEN = 'tok-wizard-5e1f';
const KEY = {
  enter: '\r',
  down: '\u001b[B',
  up: '\u001b[A',
  ctrlC: '\u0003',
  backspace: '\u007f',
} as const;

let fake: FakeSynapse;
let root: string;
let home: string;

beforeAll(async () => {
  fake = await startFakeSynapse({ from: DEMO, token: TOKEN, extraProjects: 120 });
  root = mkdtempSync(join(tmpdir(), 'synx-wizard-'));
  home = join(root, 'home');
  mkdirSync(join(home, '.synapse'), { recursive: true });
  writeFileSync(
    join(home, '.synapse', 'config.json'),
    JSON.stringify({ host: fake.url, access_token: TOKEN }),
    { mode: 0o600 },
  );
});

afterAll(async () => {
  await fake.close();
  rmSync(root, { recursive: true, force: true });
});

/** The CLI in a pseudo-terminal, with the test's HOME (its config holds the fake's token). */
function wizard(args: string[], cwd: string): PtySession {
  mkdirSync(cwd, { recursive: true });
  return spawnPty(args, {
    cwd,
    env: { ...isolatedEnv(home), TERM: 'xterm-256color' },
    cols: 140,
    rows: 50,
  });
}

/** The dataset's files (the manifest without its run times). */
function contents(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const [rel, bytes] of tree(dir)) {
    let text = bytes.toString('utf8');
    if (rel === 'synx-export.json') {
      const m = JSON.parse(text) as Record<string, unknown>;
      const { run: _run, media, ...rest } = m as { run: unknown; media: unknown };
      const { durationMs: _ms, ...mediaRest } = (media ?? {}) as Record<string, unknown>;
      text = JSON.stringify({ ...rest, media: mediaRest });
    }
    out.set(rel, text);
  }
  return out;
}

/** Two exports hold the same files with the same bytes (the file named when one differs). */
function expectSame(actual: Map<string, string>, expected: Map<string, string>): void {
  expect([...actual.keys()].sort()).toEqual([...expected.keys()].sort());
  for (const [rel, text] of expected) {
    expect(actual.get(rel), rel).toBe(text);
  }
}

/** The "run this again" command of a guided run's report, as argv (after `synx`). */
function repeatArgs(screen: string): string[] {
  const m = /To run this again without questions:\s*\n\s*synx (export .+)/.exec(screen);
  expect(m, screen.slice(-2000)).not.toBeNull();
  const words: string[] = [];
  for (const w of (m?.[1] ?? '').trim().matchAll(/'((?:[^']|'\\'')*)'|(\S+)/g)) {
    words.push(w[1] !== undefined ? w[1].replace(/'\\''/g, "'") : (w[2] ?? ''));
  }
  return words;
}

describe('synx export, guided', () => {
  it('help me find it → format → options → plan → Proceed, and the printed command reproduces it byte for byte', async () => {
    const cwd = join(root, 'find');
    const t = wizard(['export'], cwd);
    await answer(t, 'What do you want to export?', KEY.enter); // annotations from a project
    await answer(t, 'Which project?', KEY.enter); // help me find it
    await answer(t, 'Type to filter projects', 'Street scenes d');
    await t.waitFor('Street scenes demo');
    t.write(KEY.enter);
    await t.waitFor(/30 items/);
    // The best fit (most annotations kept) first: CSV holds every kind here; COCO next.
    await t.waitFor(/❯ CSV \(csv\)\s+— best fit\n\s+COCO \(coco\)/);
    await answer(t, 'keeps', KEY.down, KEY.enter);
    await answer(t, 'Save the original files', 'n', KEY.enter);
    await answer(t, 'Split into', KEY.down, KEY.enter); // 80/10/10
    await answer(t, 'Seed', '7', KEY.enter);
    const next = await t.waitFor(/Balance them|Only items with status|Output folder/);
    if (next.includes('Balance them')) {
      t.write('n');
      t.write(KEY.enter);
    }
    const next2 = await t.waitFor(/Only items with status|Output folder/);
    if (next2.includes('Only items with status')) {
      t.write(KEY.enter); // all statuses
    }
    await answer(t, 'Output folder', 'out', KEY.enter);
    await t.waitFor('Plan');
    await answer(t, 'Proceed?', KEY.enter);
    const end = await t.exit();
    expect(end.code, end.output.slice(-3000)).toBe(0);
    expect(end.output).toContain('Street scenes demo');
    expect(end.output).toMatch(/instances_train\.json/);
    const args = repeatArgs(end.output);
    expect(args).toEqual(
      expect.arrayContaining(['--project', '42', '--format', 'coco', '--split', '80/10/10']),
    );
    expect(args.join(' ')).not.toContain(TOKEN);
    const first = contents(join(cwd, 'out'));
    rmSync(join(cwd, 'out'), { recursive: true });
    const again = await synx(args, { cwd, home });
    expect(again.code, again.stderr).toBe(0);
    expectSame(contents(join(cwd, 'out')), first);
  });

  it('a ground-truth version found by dataset, then version', async () => {
    const cwd = join(root, 'gt');
    const t = wizard(['export', '--format', 'yolo', '--yolo-task', 'detect'], cwd);
    await answer(t, 'What do you want to export?', KEY.down, KEY.enter); // ground truth
    await answer(t, 'Which ground-truth dataset version?', KEY.enter); // help me find it
    await answer(t, 'Dataset:', KEY.enter);
    await t.waitFor('Version:');
    await t.waitFor(/v1\s+30 items/);
    t.write(KEY.enter);
    await answer(t, 'Save the original files', KEY.enter);
    await answer(t, 'Split into', KEY.enter); // no split: GT categories decide
    const next = await t.waitFor(/Output folder/);
    expect(next).not.toContain('Format:');
    t.write(`gt-out${KEY.enter}`);
    await answer(t, 'Proceed?', KEY.enter);
    const end = await t.exit();
    expect(end.code, end.output.slice(-3000)).toBe(0);
    expect(end.output).not.toMatch(/\? Format:/);
    expect(repeatArgs(end.output)).toEqual(
      expect.arrayContaining(['--gt-version', '1', '--format', 'yolo']),
    );
    expect(readFileSync(join(cwd, 'gt-out', 'data.yaml'), 'utf8')).toContain('names:');
  });

  it('Adjust goes back to the options with every answer kept; then Cancel writes nothing (exit 130)', async () => {
    const cwd = join(root, 'adjust');
    const t = wizard(['export', '--from', DEMO], cwd);
    await answer(t, 'Format:', KEY.down, KEY.enter); // COCO
    await answer(t, 'Save the original files', KEY.enter);
    await answer(t, 'Split into', KEY.down, KEY.down, KEY.enter); // 80/20
    await answer(t, 'Seed', KEY.enter);
    const next = await t.waitFor(/Balance them|Output folder/);
    if (next.includes('Balance them')) {
      t.write(`n${KEY.enter}`);
    }
    await answer(t, 'Output folder', 'adj', KEY.enter);
    await answer(t, 'Proceed?', KEY.down, KEY.enter); // Adjust options
    await t.waitFor('Save the original files');
    t.write(KEY.enter);
    // The split asked again, with the earlier answer as its default.
    const split = await t.waitFor(/Split into[^\n]*\n(?:.*\n)*?.*❯\s*80\/20/);
    expect(split).toContain('80/20');
    t.write(KEY.enter);
    await answer(t, 'Seed', KEY.enter);
    const n2 = await t.waitFor(/Balance them|Output folder/);
    if (n2.includes('Balance them')) {
      t.write(`n${KEY.enter}`);
    }
    await t.waitFor(/Output folder.*adj/);
    t.write(KEY.enter);
    await answer(t, 'Proceed?', KEY.down, KEY.down, KEY.enter); // Cancel
    const end = await t.exit();
    expect(end.code).toBe(130);
    expect(end.output).toContain('nothing was written');
    expect(existsSync(join(cwd, 'adj'))).toBe(false);
    expect(readdirSync(cwd)).toEqual([]);
  });

  it('Ctrl-C at a step exits 130 and writes nothing', async () => {
    const cwd = join(root, 'ctrlc');
    const t = wizard(['export', '--from', DEMO], cwd);
    await answer(t, 'Format:', KEY.ctrlC);
    const end = await t.exit();
    expect(end.code).toBe(130);
    expect(readdirSync(cwd)).toEqual([]);
  });

  it('partial flags: only what is missing is asked; --yes skips only the confirmation', async () => {
    const cwd = join(root, 'partial');
    const t = wizard(['export', '--project', '42', '--split', '80/20', '--yes'], cwd);
    await answer(t, 'Format:', KEY.down, KEY.enter); // COCO
    await answer(t, 'Save the original files', KEY.enter);
    const next = await t.waitFor(/Only items with status|Output folder/);
    if (next.includes('Only items with status')) {
      t.write(KEY.enter);
    }
    await answer(t, 'Output folder', 'p', KEY.enter);
    const end = await t.exit();
    expect(end.code, end.output.slice(-3000)).toBe(0);
    for (const never of [
      'What do you want to export?',
      'Which project?',
      'Split into',
      'Proceed?',
    ]) {
      expect(end.output).not.toContain(never);
    }
    expect(existsSync(join(cwd, 'p', 'annotations', 'instances_train.json'))).toBe(true);
  });

  it('a folder chosen by path; the printed command reproduces it', async () => {
    const cwd = join(root, 'folder');
    const src = join(root, 'folder-src');
    cpSync(DEMO, src, { recursive: true });
    const t = wizard(['export'], cwd);
    await answer(t, 'What do you want to export?', KEY.up, KEY.enter); // the last: a folder
    await answer(t, 'Synapse export folder', join(root, 'nope'), KEY.enter);
    await t.waitFor('not a folder');
    t.key('backspace', join(root, 'nope').length);
    t.write(`${src}${KEY.enter}`);
    await answer(t, 'Format:', KEY.enter);
    await answer(t, 'Save the original files', 'y', KEY.enter);
    await answer(t, 'Split into', KEY.enter);
    await answer(t, 'Output folder', 'f', KEY.enter);
    await answer(t, 'Proceed?', KEY.enter);
    const end = await t.exit();
    expect(end.code, end.output.slice(-3000)).toBe(0);
    const args = repeatArgs(end.output);
    expect(args).toEqual(expect.arrayContaining(['--from', src, '--save-original-files']));
    const first = contents(join(cwd, 'f'));
    rmSync(join(cwd, 'f'), { recursive: true });
    expect((await synx(args, { cwd, home })).code).toBe(0);
    expectSame(contents(join(cwd, 'f')), first);
  });
});

describe('synx export, guided, on a text project', () => {
  it('offers the NER formats first, does not ask about original files, and the command reproduces it', async () => {
    const cwd = join(root, 'text');
    const src = join(import.meta.dirname, '..', 'demo', 'synapse-demo-text');
    const t = wizard(['export'], cwd);
    await answer(t, 'What do you want to export?', KEY.up, KEY.enter); // the last: a folder
    await answer(t, 'Synapse export folder', src, KEY.enter);
    await answer(t, 'Format:', KEY.enter);
    await answer(t, 'Split into', KEY.enter);
    await answer(t, 'Output folder', 'n', KEY.enter);
    await answer(t, 'Proceed?', KEY.enter);
    const end = await t.exit();
    expect(end.code, end.output.slice(-3000)).toBe(0);
    expect(end.output).toContain('spaCy NER JSONL (spacy)  — best fit');
    // spaCy has no media folder: the question is not asked
    expect(end.output).not.toContain('Save the original files');
    const args = repeatArgs(end.output);
    expect(args).toEqual(expect.arrayContaining(['--from', src, '--format', 'spacy']));
    expect(args).not.toContain('--save-original-files');
    const first = contents(join(cwd, 'n'));
    expect([...first.keys()]).toContain('data.jsonl');
    rmSync(join(cwd, 'n'), { recursive: true });
    expect((await synx(args, { cwd, home })).code).toBe(0);
    expectSame(contents(join(cwd, 'n')), first);
  });
});

describe('synx export without a terminal', () => {
  it('fails at once (exit 2) naming the missing flags, and asks nothing', async () => {
    const r = await synx(['export', '--project', '42'], { home });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('missing --format');
    expect(r.stderr).toContain('no terminal to ask on');
    const none = await synx(['export'], { home });
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('--project (or --gt-version, or --from DIR)');
  });
});
