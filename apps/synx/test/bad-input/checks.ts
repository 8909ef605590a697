/*
 * What every run of a bad-input case must satisfy, whatever the case: allowed exit code, one
 * JSON document on stdout, no stack trace, outputs that real consumers accept, issues that name
 * their item and field — plus the case's own expectations.
 */
import { lstatSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  effective,
  kindOf,
  pythonCheck,
  strictCsv,
  walk,
  xmllint,
  type Expectation,
  type Format,
  type LoadedCase,
  type RunResult,
} from './harness.js';

/** One run of a case: a format, and whether it saves the original media. */
export interface RunSpec {
  readonly format: Format;
  readonly media: boolean;
  readonly output: string;
}

/** What the checks may use besides the run itself. */
export interface CheckEnv {
  readonly src: string;
  readonly stems: ReadonlySet<string>;
  readonly forbidden: readonly Buffer[];
  readonly tools: { readonly xmllint: boolean; readonly pyyaml: boolean; readonly python: boolean };
}

interface Issue {
  code: string;
  severity: string;
  message: string;
  itemId?: string;
  field?: string;
}

const MEDIA_DIR: Record<Format, string> = {
  coco: 'images',
  yolo: 'images',
  voc: 'VOCdevkit/VOC2012/JPEGImages',
  csv: 'images',
  json: 'origin_files',
};

const short = (s: string, n = 160): string => {
  const one = JSON.stringify(s.length > n ? `${s.slice(0, n)}…` : s);
  return one.slice(1, -1);
};

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const finite = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** `field` is `want` or starts with it followed by `.`, `[`, `/` or `:`. */
export function fieldMatches(field: string | undefined, want: string): boolean {
  if (field === undefined) {
    return false;
  }
  return field === want || (field.startsWith(want) && /[.[/:]/.test(field.charAt(want.length)));
}

function matches(issue: Issue, e: Expectation): boolean {
  if (e.item !== undefined && issue.itemId !== e.item) {
    return false;
  }
  if (e.code !== undefined && issue.code !== e.code) {
    return false;
  }
  if (e.severity !== undefined && issue.severity !== e.severity) {
    return false;
  }
  const wanted = typeof e.field === 'string' ? [e.field] : e.field;
  return wanted.some((w) => fieldMatches(issue.field, w));
}

const describeExpectation = (e: Expectation): string =>
  [
    e.item === undefined ? undefined : `item ${JSON.stringify(e.item)}`,
    `field ${typeof e.field === 'string' ? e.field : e.field.join(' | ')}`,
    e.code,
    e.severity,
  ]
    .filter((x) => x !== undefined)
    .join(', ');

const describeIssue = (i: Issue): string =>
  `${i.code}/${i.severity}@${i.field === undefined ? '(no field)' : short(i.field, 80)}`;

/** Checks one run; returns what is wrong, one line each. */
export async function checkRun(
  c: LoadedCase,
  run: RunSpec,
  r: RunResult,
  env: CheckEnv,
): Promise<string[]> {
  const f: string[] = [];
  const { exit: defaultExit, expect } = effective(c.spec);
  const allowed = c.spec.exitFor?.[run.format] ?? defaultExit;
  if (r.hung) {
    return [`hang: killed after ${r.ms} ms`];
  }
  if (r.signal !== null) {
    return [`killed by signal ${r.signal}; stderr: ${short(r.stderr)}`];
  }
  const code = r.code ?? -1;

  // stdout: one JSON document, the summary or {"error": {code, message}}
  let doc: unknown;
  try {
    doc = JSON.parse(r.stdout);
  } catch {
    f.push(`stdout is not one JSON document: ${short(r.stdout.trim() || '(empty)', 120)}`);
  }
  const error = isRecord(doc) && isRecord(doc['error']) ? doc['error'] : undefined;
  const errorText =
    error === undefined
      ? ''
      : `${typeof error['code'] === 'string' ? error['code'] : '?'}: ${typeof error['message'] === 'string' ? error['message'] : '?'}`;
  if (!allowed.includes(code)) {
    const why = errorText !== '' ? errorText : (r.stderr.trim().split('\n')[0] ?? '');
    f.push(`exit ${code} (allowed ${allowed.join('/')})${why === '' ? '' : `: ${short(why)}`}`);
  }
  const trace = /^\s+at .*$/m.exec(r.stderr) ?? /\\n\s+at /.exec(r.stdout);
  if (trace !== null) {
    f.push(`stack trace: ${short(trace[0].trim(), 100)}`);
  }
  const rawError = /(?:^|\s)([A-Z][A-Za-z]*Error|Error):\s.*$/m.exec(r.stderr);
  if (rawError !== null) {
    f.push(`raw error on stderr: ${short(rawError[0].trim(), 140)}`);
  }
  if (
    isRecord(error) &&
    isRecord(doc) &&
    doc['exitCode'] !== undefined &&
    doc['exitCode'] !== code
  ) {
    f.push(
      `stdout says exitCode ${JSON.stringify(doc['exitCode'])} but the process exited ${code}`,
    );
  }

  const entries = walk(run.output);
  if (code === 2 || code === 9) {
    if (error === undefined) {
      f.push('stopped without {"error": {code, message}} on stdout');
    } else if (
      c.spec.fatal !== undefined &&
      !(typeof error['message'] === 'string' && error['message'].includes(c.spec.fatal.message))
    ) {
      f.push(
        `error message does not name ${JSON.stringify(c.spec.fatal.message)}: ${short(errorText)}`,
      );
    }
    if (entries.length > 0) {
      f.push(
        `stopped but left ${entries.length} entries in the output (${entries
          .slice(0, 3)
          .map((e) => e.rel)
          .join(', ')})`,
      );
    }
    return f;
  }
  if (code !== 0 && code !== 10) {
    return f;
  }
  if (error !== undefined) {
    f.push(`exit ${code} with an error on stdout: ${short(errorText)}`);
  }

  // the output tree: regular files only, safe names, no forbidden bytes
  const files: string[] = [];
  for (const { rel, stats } of entries) {
    // eslint-disable-next-line no-control-regex -- control characters are what is checked
    if (/[\u0000-\u001f\u007f]/.test(rel)) {
      f.push(`output name with control characters: ${short(rel, 80)}`);
    }
    if (stats.isFile()) {
      files.push(rel);
    } else if (!stats.isDirectory()) {
      f.push(`output holds a ${kindOf(stats)}: ${short(rel, 80)}`);
    }
  }
  const bytesOf = new Map<string, Buffer>();
  for (const rel of files) {
    const bytes = readFileSync(join(run.output, rel));
    bytesOf.set(rel, bytes);
    if (env.forbidden.some((b) => b.length === bytes.length && b.equals(bytes))) {
      f.push(`output ${rel} holds a file from outside the source folder (or /etc/passwd)`);
    }
  }
  const text = (rel: string): string | undefined => {
    const b = bytesOf.get(rel);
    if (b === undefined) {
      return undefined;
    }
    try {
      return new TextDecoder('utf-8', { fatal: true }).decode(b);
    } catch {
      f.push(`${rel} is not valid UTF-8`);
      return b.toString('utf8');
    }
  };

  // manifest
  const manifestText = text('synx-export.json');
  let manifest: Record<string, unknown> | undefined;
  if (manifestText === undefined) {
    f.push('no synx-export.json');
  } else {
    try {
      const m = JSON.parse(manifestText) as unknown;
      manifest = isRecord(m) ? m : undefined;
    } catch (err) {
      f.push(`synx-export.json does not parse: ${short((err as Error).message)}`);
    }
    const status = manifest?.['status'];
    const want = code === 0 ? 'complete' : 'incomplete';
    if (status !== want) {
      f.push(`synx-export.json status ${JSON.stringify(status)} (exit ${code} means "${want}")`);
    }
  }
  const classEntries = manifest?.['classes'];
  const classCodes: string[] | undefined =
    isRecord(classEntries) && Array.isArray(classEntries['entries'])
      ? (classEntries['entries'] as unknown[])
          .filter(isRecord)
          .sort((a, b) => Number(a['index']) - Number(b['index']))
          .map((e) => String(e['code']))
      : undefined;

  // issues
  const issues: Issue[] = [];
  const issuesText = text('synx-issues.jsonl');
  if (issuesText !== undefined) {
    issuesText.split('\n').forEach((line, i) => {
      if (line === '') {
        return;
      }
      try {
        const v = JSON.parse(line) as unknown;
        if (
          !isRecord(v) ||
          typeof v['code'] !== 'string' ||
          typeof v['severity'] !== 'string' ||
          typeof v['message'] !== 'string'
        ) {
          f.push(`synx-issues.jsonl line ${i + 1} is no issue`);
          return;
        }
        issues.push(v as unknown as Issue);
      } catch {
        f.push(`synx-issues.jsonl line ${i + 1} does not parse`);
      }
    });
  }
  const unnamed = new Map<string, number>();
  const strangers = new Set<string>();
  for (const i of issues) {
    if (i.itemId !== undefined) {
      if (typeof i.field !== 'string' || i.field === '') {
        unnamed.set(i.code, (unnamed.get(i.code) ?? 0) + 1);
      }
      if (!env.stems.has(i.itemId)) {
        strangers.add(i.itemId);
      }
    }
  }
  if (unnamed.size > 0) {
    f.push(
      `issues about an item without field: ${[...unnamed].map(([k, n]) => `${k}×${n}`).join(', ')}`,
    );
  }
  for (const s of strangers) {
    f.push(`issue itemId ${short(s, 60)} is no file stem of the folder`);
  }
  const errors = issues.filter((i) => i.severity === 'error');
  if (code === 0 && errors.length > 0) {
    f.push(
      `exit 0 with ${errors.length} error issue(s): ${[...new Set(errors.map((e) => e.code))].join(', ')}`,
    );
  }
  if (code === 10 && errors.length === 0) {
    f.push('exit 10 without any error issue');
  }
  for (const e of expect) {
    if (e.formats !== undefined && !e.formats.includes(run.format)) {
      continue;
    }
    if (e.onlyIfExit !== undefined && !e.onlyIfExit.includes(code)) {
      continue;
    }
    if (!issues.some((i) => matches(i, e))) {
      const near = issues
        .filter((i) => e.item === undefined || i.itemId === e.item)
        .slice(0, 3)
        .map(describeIssue);
      f.push(
        `missing issue (${describeExpectation(e)})${near.length === 0 ? '; none reported for it' : `; reported: ${near.join(', ')}`}`,
      );
    }
  }

  // every file parses in a real consumer
  const pyFiles: { kind: 'yaml' | 'json'; path: string }[] = [];
  const xmlFiles: string[] = [];
  for (const rel of files) {
    const abs = join(run.output, rel);
    if (rel.endsWith('.json')) {
      const raw = run.format === 'json' && /(^|\/)json\//.test(rel);
      if (raw) {
        // DM v1 as received: either the input's bytes exactly, or JSON that Python's json
        // (what Synapse tooling uses; it accepts NaN) reads
        if (env.tools.python && !sameAsInput(env.src, rel, bytesOf.get(rel))) {
          pyFiles.push({ kind: 'json', path: abs });
        }
      } else {
        try {
          JSON.parse(text(rel) ?? '');
        } catch (err) {
          f.push(`${rel} does not parse: ${short((err as Error).message)}`);
        }
      }
    } else if (rel.endsWith('.jsonl')) {
      (text(rel) ?? '').split('\n').forEach((line, i) => {
        if (line !== '') {
          try {
            JSON.parse(line);
          } catch {
            f.push(`${rel} line ${i + 1} does not parse`);
          }
        }
      });
    } else if (rel.endsWith('.xml')) {
      xmlFiles.push(abs);
    } else if (rel.endsWith('.csv')) {
      checkCsv(rel, text(rel) ?? '', f);
    } else if (rel === 'data.yaml' && env.tools.pyyaml) {
      pyFiles.push({ kind: 'yaml', path: abs });
    }
  }
  if (xmlFiles.length > 0 && env.tools.xmllint) {
    const complaint = await xmllint(xmlFiles);
    if (complaint !== undefined) {
      f.push(`xmllint rejects VOC XML: ${short(complaint.replaceAll(run.output, ''), 300)}`);
    }
  }
  const py = await pythonCheck(pyFiles);
  let yoloNames: unknown[] | undefined;
  for (const { kind, path } of pyFiles) {
    const res = py[path];
    const rel = path.slice(run.output.length + 1);
    if (res?.error !== undefined) {
      f.push(
        `${rel} does not load in Python ${kind === 'yaml' ? 'PyYAML' : 'json'}: ${short(res.error)}`,
      );
    } else if (kind === 'yaml' && res?.skip === undefined) {
      yoloNames = Array.isArray(res?.names) ? (res.names as unknown[]) : undefined;
      if (yoloNames === undefined) {
        f.push('data.yaml has no names');
      } else if (
        classCodes !== undefined &&
        JSON.stringify(yoloNames) !== JSON.stringify(classCodes)
      ) {
        f.push(
          `data.yaml names differ from the manifest classes: ${short(JSON.stringify(yoloNames), 100)} vs ${short(JSON.stringify(classCodes), 100)}`,
        );
      }
    }
  }

  // format-specific consumers
  if (run.format === 'yolo') {
    const nc = yoloNames?.length ?? classCodes?.length;
    for (const rel of files.filter((p) => p.startsWith('labels/') && p.endsWith('.txt'))) {
      checkYoloLabel(rel, text(rel) ?? '', nc, f);
    }
  }
  if (run.format === 'coco') {
    for (const rel of files.filter((p) => /^annotations\/[^/]+\.json$/.test(p))) {
      checkCoco(rel, text(rel) ?? '', f);
    }
  }
  if (run.format === 'voc') {
    const annotations = new Set(
      files.filter((p) => p.startsWith('VOCdevkit/VOC2012/Annotations/')).map((p) => p.slice(30)),
    );
    for (const rel of files.filter((p) => p.startsWith('VOCdevkit/VOC2012/ImageSets/Main/'))) {
      const missing = (text(rel) ?? '')
        .split('\n')
        .filter((line) => line !== '' && !annotations.has(`${line.trim()}.xml`));
      if (missing.length > 0) {
        f.push(
          `${rel} lists images without Annotations/<id>.xml: ${short(missing.slice(0, 3).join(' | '), 100)}`,
        );
      }
    }
  }

  // the well-formed item "ok" is exported whatever else is broken
  if (
    !run.media &&
    existsRegular(env.src, 'json/ok.json') &&
    existsRegular(env.src, 'origin_files/ok.jpg')
  ) {
    const missingOk = okItemMissing(run.format, bytesOf, text, env.src);
    if (missingOk !== undefined) {
      f.push(`the well-formed item "ok" is not in the output (${missingOk})`);
    }
  }

  // the case's own checks
  if (!run.media) {
    for (const want of c.spec.contains ?? []) {
      if (want.format === run.format && !(text(want.file) ?? '').includes(want.text)) {
        f.push(`${want.file} does not contain ${short(want.text, 60)}`);
      }
    }
  }
  for (const want of c.spec.count ?? []) {
    const here = want.format === 'media' ? run.media : !run.media && want.format === run.format;
    if (!here) {
      continue;
    }
    const dir = want.format === 'media' ? MEDIA_DIR[run.format] : (want.dir ?? '');
    const found = files.filter(
      (p) =>
        p.startsWith(`${dir}/`) &&
        !p.slice(dir.length + 1).includes('/') &&
        (want.ext === undefined || p.endsWith(want.ext)),
    ).length;
    if (found !== want.n) {
      f.push(`${dir}/ holds ${found} ${want.ext ?? ''} files, not ${want.n}`);
    }
  }
  if (run.media) {
    for (const name of c.spec.mediaPresent ?? []) {
      if (!files.includes(`${MEDIA_DIR[run.format]}/${name}`)) {
        f.push(`media ${name} was not saved in ${MEDIA_DIR[run.format]}/`);
      }
    }
  }
  return f;
}

function sameAsInput(src: string, rel: string, bytes: Buffer | undefined): boolean {
  try {
    return bytes !== undefined && readFileSync(join(src, rel)).equals(bytes);
  } catch {
    return false;
  }
}

function existsRegular(dir: string, rel: string): boolean {
  try {
    return lstatSync(join(dir, rel)).isFile();
  } catch {
    return false;
  }
}

function okItemMissing(
  format: Format,
  bytesOf: ReadonlyMap<string, Buffer>,
  text: (rel: string) => string | undefined,
  src: string,
): string | undefined {
  switch (format) {
    case 'coco': {
      try {
        const doc = JSON.parse(text('annotations/instances_default.json') ?? '{}') as {
          images?: { id: unknown; file_name: unknown }[];
          annotations?: { image_id: unknown }[];
        };
        const image = doc.images?.find((i) => i.file_name === 'ok.jpg');
        if (image === undefined) {
          return 'no image ok.jpg';
        }
        return doc.annotations?.some((a) => a.image_id === image.id) === true
          ? undefined
          : 'no annotation on ok.jpg';
      } catch {
        return 'instances_default.json unreadable';
      }
    }
    case 'yolo':
      return (text('labels/ok.txt') ?? '').trim() === ''
        ? 'labels/ok.txt empty or absent'
        : undefined;
    case 'voc':
      return (text('VOCdevkit/VOC2012/Annotations/ok.xml') ?? '').includes('<object>')
        ? undefined
        : 'Annotations/ok.xml has no <object>';
    case 'csv':
      return /(^|\n)ok\.jpg,/.test(text('annotations.csv') ?? '') ? undefined : 'no row for ok.jpg';
    case 'json': {
      const out = bytesOf.get('json/ok.json');
      return out?.equals(readFileSync(join(src, 'json/ok.json'))) === true
        ? undefined
        : 'json/ok.json absent or changed';
    }
  }
}

const NUMBER = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;

function checkYoloLabel(rel: string, content: string, nc: number | undefined, f: string[]): void {
  const lines = content.split('\n');
  if (lines.at(-1) === '') {
    lines.pop();
  }
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    const tokens = line.split(' ');
    const [cls, ...rest] = tokens;
    const bad = (why: string): void => {
      f.push(`${rel} line ${i + 1} ${why}: ${short(line, 80)}`);
    };
    if (cls === undefined || !/^\d+$/.test(cls)) {
      bad('has no integer class id');
      return;
    }
    if (nc !== undefined && Number(cls) >= nc) {
      bad(`has class id ${cls} but data.yaml names ${nc} classes`);
      return;
    }
    if (rest.length !== 4) {
      bad(`has ${rest.length} numbers, not 4 (detect)`);
      return;
    }
    for (const t of rest) {
      const v = Number(t);
      if (!NUMBER.test(t) || !Number.isFinite(v) || v < 0 || v > 1) {
        bad(`has ${JSON.stringify(t)}, not a number in [0, 1]`);
        return;
      }
    }
  }
}

function checkCsv(rel: string, content: string, f: string[]): void {
  let rows: string[][];
  try {
    rows = strictCsv()(content, { bom: true, relax_column_count: false, relax_quotes: false });
  } catch (err) {
    f.push(`${rel} is not strict CSV: ${short((err as Error).message)}`);
    return;
  }
  const header = rows[0];
  if (header === undefined) {
    f.push(`${rel} has no header`);
    return;
  }
  const numeric = header
    .map((h, i) => [h, i] as const)
    .filter(([h]) => ['width', 'height', 'xmin', 'ymin', 'xmax', 'ymax'].includes(h));
  for (let r = 1; r < rows.length; r++) {
    for (const [h, i] of numeric) {
      const v = rows[r]?.[i] ?? '';
      if (v !== '' && !(NUMBER.test(v) && Number.isFinite(Number(v)))) {
        f.push(`${rel} row ${r + 1} column ${h} is ${short(v, 40)}, not a number`);
        return;
      }
    }
  }
}

function checkCoco(rel: string, content: string, f: string[]): void {
  let doc: unknown;
  try {
    doc = JSON.parse(content);
  } catch {
    return; // reported by the JSON check
  }
  if (!isRecord(doc) || !Array.isArray(doc['images']) || !Array.isArray(doc['annotations'])) {
    f.push(`${rel} has no images/annotations lists`);
    return;
  }
  const imageIds = new Set<unknown>();
  for (const img of doc['images'] as unknown[]) {
    if (!isRecord(img) || imageIds.has(img['id'])) {
      f.push(`${rel}: an image without a unique id`);
      return;
    }
    imageIds.add(img['id']);
  }
  const categoryIds = Array.isArray(doc['categories'])
    ? new Set((doc['categories'] as unknown[]).filter(isRecord).map((c) => c['id']))
    : undefined;
  const seen = new Set<string>();
  const once = (why: string): void => {
    if (!seen.has(why)) {
      seen.add(why);
      f.push(`${rel}: ${why}`);
    }
  };
  for (const a of doc['annotations'] as unknown[]) {
    if (!isRecord(a)) {
      once('an annotation is no object');
      continue;
    }
    if (!imageIds.has(a['image_id'])) {
      once(`annotation ${JSON.stringify(a['id'])} refers to no image`);
    }
    if (categoryIds !== undefined && !categoryIds.has(a['category_id'])) {
      once(
        `annotation ${JSON.stringify(a['id'])} has category_id ${JSON.stringify(a['category_id'])}, no category`,
      );
    }
    const bbox = a['bbox'];
    if (
      !Array.isArray(bbox) ||
      bbox.length !== 4 ||
      !bbox.every(finite) ||
      bbox.some((v, i) => i >= 2 && v < 0)
    ) {
      once(
        `annotation ${JSON.stringify(a['id'])} bbox ${short(JSON.stringify(bbox), 60)} is not 4 finite numbers with w, h ≥ 0`,
      );
    }
    if (a['area'] !== undefined && !finite(a['area'])) {
      once(`annotation ${JSON.stringify(a['id'])} area ${JSON.stringify(a['area'])} is not finite`);
    }
    const seg = a['segmentation'];
    if (Array.isArray(seg)) {
      const okPolys = seg.every(
        (p) => Array.isArray(p) && p.length >= 6 && p.length % 2 === 0 && p.every(finite),
      );
      if (!okPolys) {
        once(
          `annotation ${JSON.stringify(a['id'])} segmentation has a polygon that is not ≥ 3 finite points`,
        );
      }
    }
    const kp = a['keypoints'];
    if (kp !== undefined && !(Array.isArray(kp) && kp.length % 3 === 0 && kp.every(finite))) {
      once(`annotation ${JSON.stringify(a['id'])} keypoints are not finite triples`);
    }
  }
}
