import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runWriter, tempDir } from '@synx/format-testkit';
import { textFixture } from '@synx/format-testkit';
import {
  conllFormat,
  hfNerFormat,
  insidePair,
  OffsetMap,
  parseRanges,
  spacyFormat,
  tokenize,
} from '../src/index.js';

describe('tokenize', () => {
  it('splits on whitespace (Python str.split set), then punctuation, keeping symbols and marks in words', () => {
    const text = "U.S. don't $5+x\u001fy a\u00a0b 👨‍👩‍👧! é\u0301\r\nnext\u2028line";
    expect(tokenize(text).map((t) => `${t.sentence}:${t.text}`)).toEqual([
      '0:U',
      '0:.',
      '0:S',
      '0:.',
      '0:don',
      "0:'",
      '0:t',
      '0:$5+x',
      '0:y',
      '0:a',
      '0:b',
      '0:👨‍👩‍👧',
      '0:!',
      '0:é\u0301',
      '1:next',
      '2:line',
    ]);
  });
});

describe('OffsetMap', () => {
  it('converts UTF-16 offsets to code points and back', () => {
    const text = 'a😀b👨‍👩‍👧c';
    const map = new OffsetMap(text);
    for (let u = 0; u <= text.length; u++) {
      const cp = Array.from(text.slice(0, u)).length;
      if (!insidePair(text, u)) {
        expect(map.toCodePoint(u), `u=${u}`).toBe(cp);
        expect(map.toUtf16(cp), `cp=${cp}`).toBe(u);
      }
    }
    expect(map.codePoints).toBe(Array.from(text).length);
  });
});

describe('parseRanges', () => {
  it('reads {start, end} and [start, end]; contiguous pieces are one span', () => {
    expect(parseRanges([{ start: 1, end: 3 }], 'abcd')).toEqual({
      ok: true,
      range: { start: 1, end: 3 },
      pieces: 1,
    });
    expect(
      parseRanges(
        [
          [0, 2],
          [2, 4],
        ],
        'abcd',
      ),
    ).toEqual({ ok: true, range: { start: 0, end: 4 }, pieces: 2 });
    expect(parseRanges([{ start: 0 }], 'abcd')).toMatchObject({
      ok: false,
      problem: { messageId: 'badShape' },
    });
  });
});

describe('splits and files', () => {
  it('writes one file per split, with the sidecars, and a hint naming them', async () => {
    const root = tempDir('ner-splits');
    const data = await textFixture(join(root, 'src'));
    const spacy = await runWriter(spacyFormat, {}, data, join(root, 'spacy'), {
      splits: ['train', 'val'],
    });
    expect(readFileSync(join(spacy.dir, 'train.jsonl'), 'utf8').split('\n').length - 1).toBe(2);
    expect(readFileSync(join(spacy.dir, 'val.jsonl'), 'utf8').split('\n').length - 1).toBe(2);
    const conll = await runWriter(conllFormat, {}, data, join(root, 'conll'), {
      splits: ['train', 'val'],
    });
    expect(readFileSync(join(conll.dir, 'val.documents.jsonl'), 'utf8')).toContain('"item":"news"');
    const hf = await runWriter(hfNerFormat, {}, data, join(root, 'hf'), {
      splits: ['train', 'val'],
    });
    expect(JSON.parse(readFileSync(join(hf.dir, 'label_names.json'), 'utf8'))).toEqual([
      'O',
      'B-PER',
      'I-PER',
      'B-ORG',
      'I-ORG',
      'B-LOC',
      'I-LOC',
    ]);
    expect(hfNerFormat.describe({}).loadHint?.('/out', ['train', 'val'])).toBe(
      'datasets: load_dataset("json", data_files={"train": "/out/train.jsonl", "val": "/out/val.jsonl"}).cast_column("ner_tags", Sequence(ClassLabel(names=json.load(open("/out/label_names.json")))))',
    );
    expect(spacyFormat.describe({}).loadHint?.('/out', undefined)).toBe(
      'spaCy: [Example.from_dict(nlp.make_doc(d["text"]), {"entities": d["entities"]}) for d in map(json.loads, open("/out/data.jsonl", encoding="utf-8"))]',
    );
  });
});

function pythonHas(module: string): boolean {
  try {
    execFileSync('/usr/bin/python3', ['-c', `import ${module}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

describe('loads in its consumers', () => {
  const spacy = pythonHas('spacy');
  it.skipIf(!spacy)(
    'spaCy: Example.from_dict reads every line (skipped without spaCy: /usr/bin/python3 has no spacy module and no PyPI here)',
    async () => {
      const root = tempDir('ner-spacy-py');
      const data = await textFixture(join(root, 'src'));
      const run = await runWriter(spacyFormat, {}, data, join(root, 'out'));
      const script = [
        'import json, sys, spacy',
        'from spacy.training import Example',
        'nlp = spacy.blank("xx")',
        'n = 0',
        'for d in map(json.loads, open(sys.argv[1], encoding="utf-8")):',
        '    ex = Example.from_dict(nlp.make_doc(d["text"]), {"entities": d["entities"]})',
        '    n += 1',
        'print(n)',
      ].join('\n');
      const out = execFileSync(
        '/usr/bin/python3',
        ['-W', 'ignore', '-c', script, join(run.dir, 'data.jsonl')],
        {
          encoding: 'utf8',
        },
      );
      expect(out.trim()).toBe('4');
    },
  );
});
