/*
 * The bad-input harness: reads the cases under ./fixtures, prepares a temporary copy of each
 * (with the special files its case.json "setup" asks for), runs the built CLI and checks every
 * output with a real consumer. bad-input.test.ts drives it; see ./README.md.
 */
import { execFile, execFileSync, spawn } from 'node:child_process';
import {
  chmodSync,
  cpSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  symlinkSync,
  writeFileSync,
  type Stats,
} from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { encodeJpeg } from '@synx/image-header';
import { BIN, isolatedEnv } from '../helpers.js';

export const FORMATS = ['coco', 'yolo', 'voc', 'csv', 'json'] as const;
export type Format = (typeof FORMATS)[number];

export const FIXTURES = join(import.meta.dirname, 'fixtures');

/** An issue a case requires in `synx-issues.jsonl`. */
export interface Expectation {
  /** Item id (the JSON file's stem); absent for folder-level issues (project.json …). */
  readonly item?: string;
  /** The field, exactly or as a prefix ending at a `.`, `[` or `/`; a list allows alternatives. */
  readonly field: string | readonly string[];
  readonly code?: string;
  readonly severity?: 'error' | 'warning' | 'info';
  /** Only for these formats (default all). */
  readonly formats?: readonly Format[];
  /** Only when the run ended with one of these exit codes. */
  readonly onlyIfExit?: readonly number[];
}

/** Something git cannot hold, made in the temporary copy before the runs. */
export interface SetupStep {
  readonly path: string;
  readonly make:
    | 'fifo'
    | 'socket'
    | 'symlink'
    | 'device'
    | 'large'
    | 'long-string'
    | 'deep'
    | 'chmod000'
    | 'empty-dir'
    | 'rename';
  /** symlink / device: where the link points (relative to the link's folder, or absolute). */
  readonly target?: string;
  /** rename: the new path. */
  readonly to?: string;
  /** large / long-string: size in bytes. */
  readonly bytes?: number;
  /** long-string: a class name or an attribute value. */
  readonly where?: 'class' | 'attribute';
  /** deep: nesting depth. */
  readonly depth?: number;
}

export interface CaseSpec {
  readonly title: string;
  readonly why: string;
  readonly setup?: readonly SetupStep[];
  /** Allowed exit codes. */
  readonly exit: readonly number[];
  /** Allowed exit codes for some formats (instead of `exit`). */
  readonly exitFor?: Partial<Record<Format, readonly number[]>>;
  readonly expect?: readonly Expectation[];
  /** When the run stops with exit 2 or 9: the error message must contain this. */
  readonly fatal?: { readonly message: string };
  /** Replaces exit / expect when the tests run as root (chmod 000 does not stop root). */
  readonly asRoot?: { readonly exit?: readonly number[]; readonly expect?: readonly Expectation[] };
  /** Output files that must contain a text. */
  readonly contains?: readonly { format: Format; file: string; text: string }[];
  /** Number of files with an extension in an output folder ("media": the media run's folder). */
  readonly count?: readonly { format: Format | 'media'; dir?: string; ext?: string; n: number }[];
  /** File names the media run must have saved. */
  readonly mediaPresent?: readonly string[];
  /** Per-run timeout (default 20 s). */
  readonly timeoutMs?: number;
  /** The format of the `--save-original-files` run. */
  readonly mediaFormat: Format;
}

export interface LoadedCase {
  readonly name: string;
  readonly dir: string;
  readonly spec: CaseSpec;
}

export const RUN_AS_ROOT = process.getuid?.() === 0;

/** Every case under ./fixtures, in name order. */
export function loadCases(): LoadedCase[] {
  return readdirSync(FIXTURES)
    .filter((n) => /^\d{3}-/.test(n))
    .sort()
    .map((name) => {
      const dir = join(FIXTURES, name);
      const spec = JSON.parse(readFileSync(join(dir, 'case.json'), 'utf8')) as CaseSpec;
      return { name, dir, spec };
    });
}

/** The exit codes and expectations that apply to a case here (root or not). */
export function effective(spec: CaseSpec): {
  exit: readonly number[];
  expect: readonly Expectation[];
} {
  const root = RUN_AS_ROOT ? spec.asRoot : undefined;
  return { exit: root?.exit ?? spec.exit, expect: root?.expect ?? spec.expect ?? [] };
}

// ---------------------------------------------------------------------------------------------
// Preparing a case

/** Files outside the source folder that symlinks in some cases point at; never to be exported. */
export function writeOutside(dir: string): void {
  const secretItem = `${JSON.stringify(
    {
      annotations: {
        image_1: [{ id: 'Secret0001', tool: 'bounding_box', classification: { class: 'car' } }],
      },
      annotationsData: {
        image_1: [{ id: 'Secret0001', coordinate: { x: 1, y: 2, width: 3, height: 4 } }],
      },
    },
    null,
    4,
  )}\n`;
  const secretJpeg = encodeJpeg({ width: 33, height: 17, shade: (x, y) => (x * 5 + y * 3) % 256 });
  mkdirSync(join(dir, 'json'), { recursive: true });
  mkdirSync(join(dir, 'origin_files'), { recursive: true });
  writeFileSync(join(dir, 'secret.json'), secretItem);
  writeFileSync(join(dir, 'secret.jpg'), secretJpeg);
  writeFileSync(join(dir, 'json', 'x.json'), secretItem);
  writeFileSync(join(dir, 'origin_files', 'x.jpg'), secretJpeg);
  writeFileSync(
    join(dir, 'project.json'),
    `${JSON.stringify({ id: 99, title: 'secret', configuration: { classification: { bounding_box: { classification_schema: [{ code: 'secret_class', name: 'Secret' }] } } } })}\n`,
  );
}

/** The bytes no output may ever hold: /etc/passwd and everything in the outside folder. */
export function forbiddenContents(outside: string): Buffer[] {
  const out: Buffer[] = [];
  if (existsSync('/etc/passwd')) {
    out.push(readFileSync('/etc/passwd'));
  }
  for (const f of walk(outside)) {
    if (f.stats.isFile()) {
      out.push(readFileSync(join(outside, f.rel)));
    }
  }
  return out;
}

function boxItem(count: number, classCode: (i: number) => string, attrs = ''): string {
  const anns: string[] = [];
  const datas: string[] = [];
  for (let i = 0; i < count; i++) {
    const id = `L${String(i).padStart(9, '0')}`;
    anns.push(
      `{"id":"${id}","tool":"bounding_box","isLocked":false,"isVisible":true,"isValid":true,"isDrawCompleted":true,"classification":{"class":"${classCode(i)}"${attrs}}}`,
    );
    const x = i % 60;
    const y = (i * 7) % 50;
    datas.push(`{"id":"${id}","coordinate":{"x":${x},"y":${y},"width":20,"height":15}}`);
  }
  return `{"annotations":{"image_1":[${anns.join(',')}]},"annotationsData":{"image_1":[${datas.join(',')}]}}\n`;
}

/** Content of the generated files (large, long-string, deep). */
function generated(step: SetupStep): string {
  switch (step.make) {
    case 'large': {
      // A fifth in boxes, the rest in polygons of 2,500 vertices (an outline traced densely).
      const bytes = step.bytes ?? 0;
      const perBox = boxItem(2, () => 'car').length / 2;
      const boxes = boxItem(Math.ceil(bytes / 5 / perBox), (i) => (i % 2 === 0 ? 'car' : 'person'));
      const vertices = Array.from({ length: 2500 }, (_, k) => {
        const t = (2 * Math.PI * k) / 2500;
        return `{"x":${(50 + 30 * Math.cos(t)).toFixed(3)},"y":${(40 + 30 * Math.sin(t)).toFixed(3)}}`;
      }).join(',');
      const anns: string[] = [];
      const datas: string[] = [];
      for (let i = 0; (i + 1) * vertices.length < bytes - boxes.length; i++) {
        const id = `P${String(i).padStart(9, '0')}`;
        anns.push(`{"id":"${id}","tool":"polygon","classification":{"class":"road"}}`);
        datas.push(`{"id":"${id}","coordinate":[${vertices}]}`);
      }
      return boxes
        .replace('"annotations":{"image_1":[', `"annotations":{"image_1":[${anns.join(',')},`)
        .replace(
          '"annotationsData":{"image_1":[',
          `"annotationsData":{"image_1":[${datas.join(',')},`,
        );
    }
    case 'long-string': {
      const long = 'a'.repeat(step.bytes ?? 0);
      return step.where === 'class'
        ? boxItem(1, () => long)
        : boxItem(1, () => 'car', `,"note":"${long}"`);
    }
    case 'deep': {
      const depth = step.depth ?? 0;
      return boxItem(1, () => 'car', `,"deep":${'['.repeat(depth)}${']'.repeat(depth)}`);
    }
    default:
      return '';
  }
}

/** Makes a Unix socket file that outlives its listener (node removes it on close). */
function makeSocket(path: string): void {
  execFileSync(process.execPath, [
    '-e',
    `require('node:net').createServer().listen(process.argv[1], () => process.exit(0))`,
    path,
  ]);
}

/** Copies a case (without case.json) to `dest` and applies its setup steps. */
export function prepareCase(c: LoadedCase, dest: string): void {
  cpSync(c.dir, dest, {
    recursive: true,
    filter: (src) => src !== join(c.dir, 'case.json'),
  });
  for (const step of c.spec.setup ?? []) {
    const p = join(dest, step.path);
    mkdirSync(dirname(p), { recursive: true });
    const clear = (): void => {
      rmSync(p, { recursive: true, force: true });
    };
    switch (step.make) {
      case 'fifo':
        clear();
        execFileSync('mkfifo', [p]);
        break;
      case 'socket':
        clear();
        makeSocket(p);
        break;
      case 'symlink':
      case 'device':
        clear();
        symlinkSync(step.target ?? '/dev/null', p);
        break;
      case 'large':
      case 'long-string':
      case 'deep':
        clear();
        writeFileSync(p, generated(step));
        break;
      case 'chmod000':
        chmodSync(p, 0);
        break;
      case 'empty-dir':
        clear();
        mkdirSync(p, { recursive: true });
        break;
      case 'rename':
        renameSync(p, join(dest, step.to ?? step.path));
        break;
    }
  }
}

/** Gives back the permissions chmod000 took, so the copy can be removed. */
export function restorePermissions(c: LoadedCase, dest: string): void {
  for (const step of c.spec.setup ?? []) {
    if (step.make === 'chmod000') {
      const p = join(dest, step.path);
      try {
        chmodSync(p, lstatSync(p).isDirectory() ? 0o755 : 0o644);
      } catch {
        // already gone
      }
    }
  }
}

/** Entries under `dir` (lstat: symlinks are not followed), depth first, sorted. */
export function walk(dir: string): { rel: string; stats: Stats }[] {
  const out: { rel: string; stats: Stats }[] = [];
  const visit = (rel: string): void => {
    let names: string[];
    try {
      names = readdirSync(join(dir, rel)).sort();
    } catch {
      return;
    }
    for (const name of names) {
      const r = rel === '' ? name : `${rel}/${name}`;
      let stats: Stats;
      try {
        stats = lstatSync(join(dir, r));
      } catch {
        continue;
      }
      out.push({ rel: r, stats });
      if (stats.isDirectory()) {
        visit(r);
      }
    }
  };
  visit('');
  return out;
}

/** A listing that changes when a file is added, removed, replaced, resized or re-permissioned. */
export function fingerprint(dir: string): string[] {
  return walk(dir).map(
    ({ rel, stats }) =>
      `${JSON.stringify(rel)} ${kindOf(stats)} ${stats.isFile() ? stats.size : 0} ${(stats.mode & 0o777).toString(8)}`,
  );
}

export function kindOf(stats: Stats): string {
  if (stats.isFile()) {
    return 'file';
  }
  if (stats.isDirectory()) {
    return 'directory';
  }
  if (stats.isSymbolicLink()) {
    return 'symlink';
  }
  if (stats.isFIFO()) {
    return 'FIFO';
  }
  if (stats.isSocket()) {
    return 'socket';
  }
  return 'device';
}

/** Item ids a case may report: the stems of everything in json/ and origin_files/. */
export function stemsOf(src: string): Set<string> {
  const stems = new Set<string>();
  for (const sub of ['json', 'origin_files']) {
    let names: string[] = [];
    try {
      names = readdirSync(join(src, sub));
    } catch {
      // absent or unreadable
    }
    for (const name of names) {
      const dot = name.lastIndexOf('.');
      stems.add(dot <= 0 ? name : name.slice(0, dot));
    }
  }
  return stems;
}

// ---------------------------------------------------------------------------------------------
// Running the CLI

export interface RunResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  /** Date.now() when the process was spawned. */
  readonly startedAt: number;
  readonly ms: number;
  readonly hung: boolean;
}

/**
 * A bounded number of CLI runs at once, whatever the number of tests running. A task may give
 * its slot back early (`release`): a run that sits blocked (a hang) uses no CPU and should not
 * hold up the others while it waits for its timeout.
 */
export class Pool {
  #active = 0;
  readonly #waiting: (() => void)[] = [];
  constructor(readonly size: number) {}

  async run<T>(task: (release: () => void) => Promise<T>): Promise<T> {
    while (this.#active >= this.size) {
      await new Promise<void>((resolve) => this.#waiting.push(resolve));
    }
    this.#active++;
    let released = false;
    const release = (): void => {
      if (!released) {
        released = true;
        this.#active--;
        this.#waiting.shift()?.();
      }
    };
    try {
      return await task(release);
    } finally {
      release();
    }
  }
}

/** CPU ticks (user + system) a process has used, from /proc; undefined where there is none. */
function cpuTicks(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return undefined;
  }
}

const MAX_OUTPUT = 64 * 1024 * 1024;

/**
 * Runs `node bin/run.js <args>` with an isolated HOME, killed after `timeoutMs`. `onIdle` is
 * called once when the process has used no CPU for a second after its first two (it is blocked).
 */
export function runCli(
  args: readonly string[],
  home: string,
  timeoutMs: number,
  onIdle?: () => void,
): Promise<RunResult> {
  const started = Date.now();
  return new Promise((resolve) => {
    mkdirSync(home, { recursive: true });
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: home,
      env: isolatedEnv(home),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let outBytes = 0;
    let errBytes = 0;
    child.stdout.on('data', (b: Buffer) => {
      if (outBytes < MAX_OUTPUT) {
        out.push(b);
      }
      outBytes += b.length;
    });
    child.stderr.on('data', (b: Buffer) => {
      if (errBytes < MAX_OUTPUT) {
        err.push(b);
      }
      errBytes += b.length;
    });
    let hung = false;
    const timer = setTimeout(() => {
      hung = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    let last: number | undefined;
    const idle = setInterval(() => {
      if (Date.now() - started < 2000 || child.pid === undefined) {
        return;
      }
      const ticks = cpuTicks(child.pid);
      if (ticks !== undefined && last !== undefined && ticks - last < 2) {
        clearInterval(idle);
        onIdle?.();
      }
      last = ticks;
    }, 1000);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      clearInterval(idle);
      resolve({
        code,
        signal,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
        startedAt: started,
        ms: Date.now() - started,
        hung,
      });
    });
  });
}

// ---------------------------------------------------------------------------------------------
// External consumers

export const PYTHON = '/usr/bin/python3';

/** Whether xmllint and PyYAML (under Debian's python3, not a pyenv one) are installed. */
export function externalTools(): { xmllint: boolean; pyyaml: boolean; python: boolean } {
  const ok = (cmd: string, args: string[]): boolean => {
    try {
      execFileSync(cmd, args, { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  };
  const python = existsSync(PYTHON) && ok(PYTHON, ['-c', 'import json']);
  return {
    xmllint: ok('xmllint', ['--version']),
    pyyaml: python && ok(PYTHON, ['-c', 'import yaml']),
    python,
  };
}

const PY_CHECK = `
import json, sys
try:
    import yaml
except Exception:
    yaml = None
res = {}
args = sys.argv[1:]
for kind, path in zip(args[0::2], args[1::2]):
    try:
        with open(path, 'rb') as f:
            data = f.read()
        if kind == 'yaml':
            if yaml is None:
                res[path] = {'skip': 'PyYAML missing'}
                continue
            doc = yaml.safe_load(data)
            names = doc.get('names') if isinstance(doc, dict) else None
            if isinstance(names, dict):
                names = [names[k] for k in sorted(names, key=lambda k: int(k))]
            res[path] = {'names': names, 'keys': sorted(str(k) for k in doc) if isinstance(doc, dict) else None}
        else:
            json.loads(data)
            res[path] = {}
    except Exception as e:
        res[path] = {'error': (type(e).__name__ + ': ' + str(e))[:300]}
sys.stdout.write(json.dumps(res))
`;

export interface PyResult {
  readonly names?: unknown;
  readonly keys?: unknown;
  readonly error?: string;
  readonly skip?: string;
}

function exec(
  cmd: string,
  args: readonly string[],
): Promise<{ ok: boolean; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(cmd, args, { maxBuffer: MAX_OUTPUT, encoding: 'utf8' }, (err, stdout, stderr) => {
      resolve({ ok: err === null, stdout, stderr: err === null ? stderr : stderr || err.message });
    });
  });
}

/** Loads YAML files with PyYAML and JSON files with Python's json, in one process. */
export async function pythonCheck(
  files: readonly { kind: 'yaml' | 'json'; path: string }[],
): Promise<Record<string, PyResult>> {
  if (files.length === 0) {
    return {};
  }
  const r = await exec(PYTHON, ['-c', PY_CHECK, ...files.flatMap((f) => [f.kind, f.path])]);
  if (!r.ok) {
    throw new Error(`${PYTHON} failed: ${r.stderr.slice(0, 300)}`);
  }
  return JSON.parse(r.stdout) as Record<string, PyResult>;
}

/** xmllint --noout over files; the first lines of its complaints, or undefined when all pass. */
export async function xmllint(files: readonly string[]): Promise<string | undefined> {
  for (let i = 0; i < files.length; i += 200) {
    const r = await exec('xmllint', ['--noout', '--nonet', ...files.slice(i, i + 200)]);
    if (!r.ok) {
      return r.stderr.split('\n').slice(0, 3).join(' | ').slice(0, 400);
    }
  }
  return undefined;
}

type CsvParse = (input: string, options: Record<string, unknown>) => string[][];
let csvParse: CsvParse | undefined;
/**
 * csv-parse's strict parser, the one @synx/format-csv (a dependency of this app) depends on,
 * resolved through that package.
 */
export function strictCsv(): CsvParse {
  if (csvParse === undefined) {
    const here = createRequire(import.meta.url);
    const fromCsvFormat = createRequire(here.resolve('@synx/format-csv/package.json'));
    csvParse = (fromCsvFormat('csv-parse/sync') as { parse: CsvParse }).parse;
  }
  return csvParse;
}
