// data.yaml must load as exactly what was written, both in YAML 1.1 (PyYAML's safe_load, which
// ultralytics uses) and in YAML 1.2, whatever the class names are.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { recordingContext, tempDir } from '@synx/format-testkit';
import { classMapFromList } from '@synx/model';
import type { ExportItem } from '@synx/plugin-api';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { YoloOptionsSchema } from '../src/options.js';
import { writeYolo } from '../src/write.js';
import { yamlQuoted } from '../src/yaml.js';

const root = tempDir('yolo-yaml');

/** Names that YAML 1.1 or 1.2 read as something else, reject, or fold, when written plainly. */
const HOSTILE = [
  '=',
  '<<',
  'yes',
  'no',
  'on',
  'off',
  'NO',
  'Yes',
  'OFF',
  'y',
  'n',
  'Y',
  'true',
  'False',
  '~',
  'null',
  'Null',
  '.inf',
  '-.inf',
  '.nan',
  '.NaN',
  '1:30',
  '0b101',
  '1_000',
  '2001-12-14',
  '2001-12-14t21:59:43.10-05:00',
  '0x1F',
  '0o17',
  '017',
  '+1',
  '1e3',
  '12',
  '-0',
  "'q'",
  '"dq"',
  '#h',
  'a #b',
  'a: b',
  'a:b',
  '- x',
  '-',
  '[x]',
  '{x}',
  ',',
  '*a',
  '&a',
  '!t',
  '!!str',
  '%',
  '@',
  '`',
  '?',
  '? x',
  '|',
  '>',
  '---',
  '...',
  ' lead',
  'trail ',
  '  ',
  '',
  '\t',
  'a\tb',
  '\n',
  'a\nb',
  '\r',
  'a\r\nb',
  '\\',
  'a\\nb',
  '\\x41',
  'tab\\t',
  '😀 emoji',
  '👩‍👩‍👧',
  '猫',
  '東京タワー',
  'e\u0301',
  'a\u0308\u0323',
  '\u0000',
  '\u0007bell',
  '\u001b[31m',
  '\u007f',
  '\u0080',
  '\u0085',
  'nel\u0085end',
  '\u009f',
  '\u00a0nbsp',
  '\u2028',
  'ls\u2028ps\u2029',
  '\ufeff',
  'bom\ufeff',
  '\ufffe',
  '\uffff',
  '\ud800',
  'lone\udc00',
  '\udbff\ud800',
  '\u{10ffff}',
  '\u{1fffe}',
  'a'.repeat(300),
  ` ${'word '.repeat(40)}`,
];

async function writeWith(names: readonly string[], dir: string): Promise<string> {
  const { ctx } = recordingContext();
  async function* none(): AsyncGenerator<ExportItem> {
    // no items: data.yaml is what is looked at
  }
  const classes = classMapFromList(names.map((name) => ({ name })));
  await writeYolo(
    {
      classes,
      keypointNames: [],
      items: none(),
      splits: undefined,
    },
    dir,
    YoloOptionsSchema.parse({}),
    ctx,
  );
  return readFileSync(join(dir, 'data.yaml'), 'utf8');
}

/** The `names` mapping as [key, value] pairs, keys as the reader typed them. */
function namesWithYamlJs(text: string, version: '1.1' | '1.2'): [unknown, unknown][] {
  const doc = parse(text, { version, mapAsMap: true, uniqueKeys: true }) as Map<unknown, unknown>;
  const names = doc.get('names');
  expect(names).toBeInstanceOf(Map);
  return [...(names as Map<unknown, unknown>).entries()];
}

const PYTHON = '/usr/bin/python3';
const hasPyYaml = ((): boolean => {
  if (!existsSync(PYTHON)) {
    return false;
  }
  try {
    execFileSync(PYTHON, ['-c', 'import yaml'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

/** PyYAML's safe_load of a file: every top-level key, and names as [key, key is int, value is str, value]. */
function withPyYaml(path: string): {
  top: Record<string, unknown>;
  names: [unknown, boolean, boolean, unknown][];
} {
  const script = [
    'import json, sys, yaml',
    'with open(sys.argv[1], encoding="utf-8") as f: d = yaml.safe_load(f)',
    'names = [[k, type(k) is int, type(v) is str, v] for k, v in d["names"].items()]',
    'top = {k: v for k, v in d.items() if k != "names"}',
    'print(json.dumps({"top": top, "names": names}))',
  ].join('\n');
  const out = execFileSync(PYTHON, ['-c', script, path], { encoding: 'utf8' });
  return JSON.parse(out) as ReturnType<typeof withPyYaml>;
}

describe('data.yaml strings load exactly in YAML 1.1 and 1.2', () => {
  it('the hostile names are distinct (the test would prove nothing otherwise)', () => {
    expect(new Set(HOSTILE).size).toBe(HOSTILE.length);
  });

  it('quotes every string and escapes only with forms both versions share', () => {
    expect(yamlQuoted('yes')).toBe('"yes"');
    expect(yamlQuoted('a"b\\c')).toBe('"a\\"b\\\\c"');
    expect(yamlQuoted('\t\n\r\u007f\u0085')).toBe('"\\x09\\x0A\\x0D\\x7F\\x85"');
    expect(yamlQuoted('\u2028\u2029\ufeff\ufffe\uffff')).toBe(
      '"\\u2028\\u2029\\uFEFF\\uFFFE\\uFFFF"',
    );
    expect(yamlQuoted('\ud800x\udc00')).toBe('"\\uD800x\\uDC00"');
    expect(yamlQuoted('😀猫e\u0301')).toBe('"😀猫e\u0301"');
    // Nothing that is a line break in either version is left in the text.
    for (const name of HOSTILE) {
      expect(yamlQuoted(name)).not.toMatch(/[\n\r\u0085\u2028\u2029]/);
    }
  });

  for (const version of ['1.1', '1.2'] as const) {
    it(`yaml (${version}): names come back identical, keys the integers 0…n-1`, async () => {
      const dir = join(root, `js-${version}`);
      const text = await writeWith(HOSTILE, dir);
      const names = namesWithYamlJs(text, version);
      expect(names.map(([k]) => k)).toEqual(HOSTILE.map((_, i) => i));
      expect(names.map(([, v]) => v)).toEqual(HOSTILE);
      const doc = parse(text, { version }) as Record<string, unknown>;
      expect(doc['path']).toBe(dir);
      expect(doc['train']).toBe('images');
    });
  }

  it('a hostile output path and split names come back identical too', async () => {
    const dir = join(root, 'out yes: #x ~ [1] \\ "q"');
    const text = await writeWith(['a'], dir);
    for (const version of ['1.1', '1.2'] as const) {
      expect((parse(text, { version }) as Record<string, unknown>)['path']).toBe(dir);
    }
    if (hasPyYaml) {
      expect(withPyYaml(join(dir, 'data.yaml')).top['path']).toBe(dir);
    }
  });

  // PyYAML is Debian's python3-yaml, under /usr/bin/python3 only. Locally it may be missing;
  // in CI its absence fails the test rather than hiding it.
  it.runIf(hasPyYaml || process.env['CI'] !== undefined)(
    'PyYAML safe_load (YAML 1.1, as ultralytics reads it): names identical, keys int',
    async () => {
      expect(hasPyYaml, `${PYTHON} with PyYAML (Debian's python3-yaml)`).toBe(true);
      const dir = join(root, 'py');
      await writeWith(HOSTILE, dir);
      const { top, names } = withPyYaml(join(dir, 'data.yaml'));
      expect(names.map(([k, isInt]) => [k, isInt])).toEqual(HOSTILE.map((_, i) => [i, true]));
      expect(names.every(([, , isStr]) => isStr)).toBe(true);
      expect(names.map(([, , , v]) => v)).toEqual(HOSTILE);
      expect(top).toEqual({ path: dir, train: 'images', val: 'images' });
    },
  );
});
