import { describe, expect, it } from 'vitest';
import { entitiesOfTags, OffsetMap, spacyFormat } from '../src/index.js';
import {
  conllBody,
  hfPairs,
  runAll,
  runOne,
  spacyLine,
  TITLES,
  textItem,
  type E,
  type FormatRun,
  type R,
} from './harness.js';

/**
 * The span corpus: for each case, the exact output of each format and what each accounts
 * (README "Reported cases"). Offsets in DM ranges are UTF-16 code units, end exclusive; spaCy
 * offsets are code points. `%F` in a reason is the format's title.
 */

/** `{start, end}` of the nth occurrence of `sub` in `text` (UTF-16). */
function at(text: string, sub: string, nth = 0): { start: number; end: number } {
  let start = -1;
  for (let i = 0; i <= nth; i++) {
    start = text.indexOf(sub, start + 1);
  }
  if (start < 0) {
    throw new Error(`"${sub}" not in the text`);
  }
  return { start, end: start + sub.length };
}

interface Case {
  readonly text: string | undefined;
  readonly entities: readonly E[];
  readonly relations?: readonly R[];
  /** spaCy `entities` (code points) and `relations`. */
  readonly spacy: readonly (readonly [number, number, string])[];
  readonly spacyRelations?: readonly object[];
  /** The CoNLL document after its DOCSTART line (undefined: no document written). */
  readonly conll: string | undefined;
  /** hf-ner `token/TAG` pairs. */
  readonly hf: readonly string[] | undefined;
  /** Outcomes of every format, unless `by` says otherwise for one. */
  readonly outcomes: Readonly<Record<string, string>>;
  readonly by?: Readonly<Record<string, Readonly<Record<string, string>>>>;
}

const W = 'written';

async function check(c: Case): Promise<Record<string, FormatRun>> {
  const item = textItem('doc', c.entities, c.relations ?? []);
  const runs = await runAll(item, c.text);
  for (const [id, run] of Object.entries(runs)) {
    const title = TITLES[id]!;
    const want = Object.fromEntries(
      Object.entries({ ...c.outcomes, ...c.by?.[id] }).map(([k, v]) => [
        k,
        v.replaceAll('%F', title),
      ]),
    );
    expect(run.outcomes, `${id} outcomes`).toEqual(want);
  }
  const spacy = runs['spacy']!;
  const conll = runs['conll']!;
  const hf = runs['hf-ner']!;
  if (c.text === undefined) {
    expect(spacy.files['data.jsonl']).toBe('');
    expect(conll.files['data.conll']).toBe('');
    expect(hf.files['data.jsonl']).toBe('');
    return runs;
  }
  const line = spacyLine(spacy);
  expect(line.text).toBe(c.text);
  expect(line.entities, 'spacy entities').toEqual(c.spacy);
  expect(line.relations, 'spacy relations').toEqual(c.spacyRelations ?? []);
  expect(line.meta).toEqual({ item: 'doc', media: 'text_1', file: 'doc.txt', data_unit: null });
  expect(conllBody(conll), 'conll').toBe(c.conll);
  expect(hfPairs(hf), 'hf-ner').toEqual(c.hf);
  // Round trip: each reader gives the spans written, with their labels.
  const map = new OffsetMap(c.text);
  expect(spacy.back, 'spacy read back').toEqual(
    c.spacy.map(([s, e, l]) => {
      const [u, v] = [map.toUtf16(s), map.toUtf16(e)];
      return `${u}..${v} ${l} ${JSON.stringify(c.text?.slice(u, v))}`;
    }),
  );
  const tokenEntities = (pairs: readonly string[]): string[] => {
    const tokens = pairs.map((p) => p.slice(0, p.lastIndexOf('/')));
    const tags = pairs.map((p) => p.slice(p.lastIndexOf('/') + 1));
    return entitiesOfTags(tags).map(
      (e) => `${e.label} ${JSON.stringify(tokens.slice(e.first, e.last + 1).join(' '))}`,
    );
  };
  const strip = (back: readonly string[]): string[] =>
    back.map((b) => b.replace(/^\d+\.\.\d+ /, ''));
  expect(strip(hf.back), 'hf-ner read back').toEqual(tokenEntities(c.hf ?? []));
  const conllPairs = (c.conll ?? '')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => l.replace(' ', '/'));
  // The CoNLL reader joins sentences with a line end, tokens with a space.
  expect(
    strip(conll.back).map((b) => b.replaceAll('\\n', ' ')),
    'conll read back',
  ).toEqual(tokenEntities(conllPairs));
  return runs;
}

describe('span corpus', () => {
  it('plain entities and a relation', async () => {
    const text = 'Alice works for Acme.';
    await check({
      text,
      entities: [
        { id: 'a', cls: 'PER', ranges: [at(text, 'Alice')], content: 'Alice' },
        { id: 'b', cls: 'ORG', ranges: [at(text, 'Acme')], content: 'Acme' },
      ],
      relations: [{ id: 'r', from: 'a', to: 'b' }],
      spacy: [
        [0, 5, 'PER'],
        [16, 20, 'ORG'],
      ],
      spacyRelations: [{ head: [0, 5], child: [16, 20], label: 'works_for' }],
      conll: 'Alice B-PER\nworks O\nfor O\nAcme B-ORG\n. O\n\n',
      hf: ['Alice/B-PER', 'works/O', 'for/O', 'Acme/B-ORG', './O'],
      outcomes: { a: W, b: W, r: W },
      by: {
        conll: { r: 'dropped noRelations: %F holds entities only, not relations' },
        'hf-ner': { r: 'dropped noRelations: %F holds entities only, not relations' },
      },
    });
  });

  it('overlapping spans: the first by start is kept, the other dropped naming it', async () => {
    const text = 'New York City Hall';
    await check({
      text,
      entities: [
        { id: 'hall', cls: 'ORG', ranges: [at(text, 'City Hall')] },
        { id: 'city', cls: 'LOC', ranges: [at(text, 'New York City')] },
      ],
      spacy: [[0, 13, 'LOC']],
      conll: 'New B-LOC\nYork I-LOC\nCity I-LOC\nHall O\n\n',
      hf: ['New/B-LOC', 'York/I-LOC', 'City/I-LOC', 'Hall/O'],
      outcomes: {
        city: W,
        hall: 'dropped overlap: annotationsData.text_1[0].ranges of item doc: 9..18 overlaps entity city (0..13 LOC), which is kept; %F holds no overlapping entities',
      },
    });
  });

  it('nested spans: at one start the longer is kept; inner spans are dropped', async () => {
    const text = 'Bank of America Tower';
    await check({
      text,
      entities: [
        { id: 'bank', cls: 'ORG', ranges: [at(text, 'Bank of America')] },
        { id: 'tower', cls: 'LOC', ranges: [at(text, 'Bank of America Tower')] },
        { id: 'america', cls: 'LOC', ranges: [at(text, 'America')] },
      ],
      spacy: [[0, 21, 'LOC']],
      conll: 'Bank B-LOC\nof I-LOC\nAmerica I-LOC\nTower I-LOC\n\n',
      hf: ['Bank/B-LOC', 'of/I-LOC', 'America/I-LOC', 'Tower/I-LOC'],
      outcomes: {
        tower: W,
        bank: 'dropped overlap: annotationsData.text_1[0].ranges of item doc: 0..15 overlaps entity tower (0..21 LOC), which is kept; %F holds no overlapping entities',
        america:
          'dropped overlap: annotationsData.text_1[2].ranges of item doc: 8..15 overlaps entity tower (0..21 LOC), which is kept; %F holds no overlapping entities',
      },
    });
  });

  it('accented, CJK and combining characters (one UTF-16 unit each: offsets equal)', async () => {
    const text = 'José Müller (東京) met Zoe\u0301.';
    await check({
      text,
      entities: [
        { id: 'jose', cls: 'PER', ranges: [at(text, 'José Müller')], content: 'José Müller' },
        { id: 'tokyo', cls: 'LOC', ranges: [at(text, '東京')], content: '東京' },
        { id: 'zoe', cls: 'PER', ranges: [at(text, 'Zoe\u0301')], content: 'Zoe\u0301' },
      ],
      spacy: [
        [0, 11, 'PER'],
        [13, 15, 'LOC'],
        [21, 25, 'PER'],
      ],
      conll: 'José B-PER\nMüller I-PER\n( O\n東京 B-LOC\n) O\nmet O\nZoe\u0301 B-PER\n. O\n\n',
      hf: [
        'José/B-PER',
        'Müller/I-PER',
        '(/O',
        '東京/B-LOC',
        ')/O',
        'met/O',
        'Zoe\u0301/B-PER',
        './O',
      ],
      outcomes: { jose: W, tokyo: W, zoe: W },
    });
  });

  it('emoji: astral characters and ZWJ sequences shift code point offsets', async () => {
    const text = '👍 Ann 👨‍👩‍👧 met Bob 🎉';
    // 👍 = 2 units (1 code point); 👨‍👩‍👧 = 8 units (5 code points).
    await check({
      text,
      entities: [
        { id: 'ann', cls: 'PER', ranges: [at(text, 'Ann')], content: 'Ann' },
        { id: 'bob', cls: 'PER', ranges: [at(text, 'Bob')], content: 'Bob' },
        { id: 'party', cls: 'MISC', ranges: [at(text, '🎉')], content: '🎉' },
      ],
      spacy: [
        [2, 5, 'PER'],
        [16, 19, 'PER'],
        [20, 21, 'MISC'],
      ],
      conll: '👍 O\nAnn B-PER\n👨‍👩‍👧 O\nmet O\nBob B-PER\n🎉 B-MISC\n\n',
      hf: ['👍/O', 'Ann/B-PER', '👨‍👩‍👧/O', 'met/O', 'Bob/B-PER', '🎉/B-MISC'],
      outcomes: { ann: W, bob: W, party: W },
    });
  });

  it('an offset between the halves of a surrogate pair is dropped', async () => {
    const text = '😀ab';
    await check({
      text,
      entities: [{ id: 'x', cls: 'MISC', ranges: [{ start: 1, end: 3 }] }],
      spacy: [],
      conll: '😀ab O\n\n',
      hf: ['😀ab/O'],
      outcomes: {
        x: 'dropped splitsCharacter: annotationsData.text_1[0].ranges[0].start of item doc: offset 1 falls between the two halves of a surrogate pair (offsets are UTF-16 indices of the text)',
      },
    });
  });

  it('CRLF line ends: one sentence per line; an entity across a line end keeps its lines in one sentence', async () => {
    const text = 'Alice\r\nworks at Acme\r\nCorp.\r\n';
    await check({
      text,
      entities: [
        { id: 'alice', cls: 'PER', ranges: [at(text, 'Alice')], content: 'Alice' },
        { id: 'acme', cls: 'ORG', ranges: [at(text, 'Acme\r\nCorp')], content: 'Acme\r\nCorp' },
      ],
      spacy: [
        [0, 5, 'PER'],
        [16, 26, 'ORG'],
      ],
      // no sentence break between Acme and Corp: a CoNLL reader would see two entities
      conll: 'Alice B-PER\n\nworks O\nat O\nAcme B-ORG\nCorp I-ORG\n. O\n\n',
      hf: ['Alice/B-PER', 'works/O', 'at/O', 'Acme/B-ORG', 'Corp/I-ORG', './O'],
      outcomes: { alice: W, acme: W },
    });
  });

  it('spans at offset 0 and at the end of the text', async () => {
    const text = 'Paris, said Ann';
    await check({
      text,
      entities: [
        { id: 'first', cls: 'LOC', ranges: [{ start: 0, end: 5 }], content: 'Paris' },
        { id: 'last', cls: 'PER', ranges: [{ start: 12, end: 15 }], content: 'Ann' },
      ],
      spacy: [
        [0, 5, 'LOC'],
        [12, 15, 'PER'],
      ],
      conll: 'Paris B-LOC\n, O\nsaid O\nAnn B-PER\n\n',
      hf: ['Paris/B-LOC', ',/O', 'said/O', 'Ann/B-PER'],
      outcomes: { first: W, last: W },
    });
  });

  it('an empty text: an empty document; any span is outside it', async () => {
    await check({
      text: '',
      entities: [{ id: 'x', cls: 'PER', ranges: [{ start: 0, end: 1 }] }],
      spacy: [],
      conll: '',
      hf: [],
      outcomes: {
        x: 'dropped outOfText: annotationsData.text_1[0].ranges[0] of item doc: 0..1 lies outside the text (0 UTF-16 code units)',
      },
    });
  });

  it('spans cutting a token: spaCy keeps the characters; token formats widen (converted) or drop a second entity on the token', async () => {
    const text = "Washington's AppleInc";
    await check({
      text,
      entities: [
        { id: 'wash', cls: 'LOC', ranges: [{ start: 0, end: 9 }], content: 'Washingto' },
        { id: 'apple', cls: 'ORG', ranges: [at(text, 'Apple')], content: 'Apple' },
        { id: 'inc', cls: 'ORG', ranges: [at(text, 'Inc')], content: 'Inc' },
        { id: 'space', cls: 'MISC', ranges: [{ start: 12, end: 13 }], content: ' ' },
      ],
      spacy: [
        [0, 9, 'LOC'],
        [12, 13, 'MISC'],
        [13, 18, 'ORG'],
        [18, 21, 'ORG'],
      ],
      conll: "Washington B-LOC\n' O\ns O\nAppleInc B-ORG\n\n",
      hf: ['Washington/B-LOC', "'/O", 's/O', 'AppleInc/B-ORG'],
      outcomes: { wash: W, apple: W, inc: W, space: W },
      by: Object.fromEntries(
        ['conll', 'hf-ner'].map((f) => [
          f,
          {
            wash: 'converted cutsToken: annotationsData.text_1[0].ranges of item doc: 0..9 "Washingto" cuts the token "Washington"; the entity is written over the whole tokens 0..10 "Washington"',
            apple:
              'converted cutsToken: annotationsData.text_1[1].ranges of item doc: 13..18 "Apple" cuts the token "AppleInc"; the entity is written over the whole tokens 13..21 "AppleInc"',
            inc: 'dropped overlapTokens: annotationsData.text_1[2].ranges of item doc: 18..21 shares the token "AppleInc" with entity apple (13..18 ORG), which is kept; BIO tags hold one entity per token',
            space:
              'dropped noTokens: annotationsData.text_1[3].ranges of item doc: 12..13 " " holds no token (whitespace only)',
          },
        ]),
      ),
    });
  });

  it('out-of-range, end ≤ start and non-integer offsets', async () => {
    const text = 'Ten chars.';
    await check({
      text,
      entities: [
        { id: 'far', cls: 'PER', ranges: [{ start: 4, end: 50 }] },
        { id: 'neg', cls: 'PER', ranges: [{ start: -1, end: 3 }] },
        { id: 'zero', cls: 'PER', ranges: [{ start: 3, end: 3 }] },
        { id: 'back', cls: 'PER', ranges: [[5, 2]] },
        { id: 'half', cls: 'PER', ranges: [{ start: 1.5, end: 3 }] },
        { id: 'str', cls: 'PER', ranges: [[0, '3']] },
      ],
      spacy: [],
      conll: 'Ten O\nchars O\n. O\n\n',
      hf: ['Ten/O', 'chars/O', './O'],
      outcomes: {
        far: 'dropped outOfText: annotationsData.text_1[0].ranges[0] of item doc: 4..50 lies outside the text (10 UTF-16 code units)',
        neg: 'dropped outOfText: annotationsData.text_1[1].ranges[0] of item doc: -1..3 lies outside the text (10 UTF-16 code units)',
        zero: 'dropped emptySpan: annotationsData.text_1[2].ranges[0] of item doc: end 3 is not after start 3',
        back: 'dropped emptySpan: annotationsData.text_1[3].ranges[0] of item doc: end 2 is not after start 5',
        half: 'dropped notInteger: annotationsData.text_1[4].ranges[0].start of item doc is 1.5, not a whole number',
        str: 'dropped notInteger: annotationsData.text_1[5].ranges[0][1] of item doc is "3", not a whole number',
      },
    });
  });

  it('ranges as Synapse stores them: a paragraph per line, offsets within it', async () => {
    const text = 'Ada Lovelace\r\nmet Charles Babbage.\nIn London.';
    await check({
      text,
      entities: [
        {
          id: 'ada',
          cls: 'PER',
          ranges: [{ start: '/p[1]', startOffset: 0, end: '/p[1]', endOffset: 12 }],
        },
        {
          id: 'cb',
          cls: 'PER',
          ranges: [
            { start: '/html/body/p[2]', startOffset: 4, end: '/html/body/p[2]', endOffset: 19 },
          ],
        },
        {
          id: 'ldn',
          cls: 'LOC',
          ranges: [{ start: '/p[3]', startOffset: 3, end: '/p[3]', endOffset: 9 }],
        },
        {
          id: 'div',
          cls: 'LOC',
          ranges: [{ start: '/div[1]', startOffset: 0, end: '/div[1]', endOffset: 2 }],
        },
        {
          id: 'p9',
          cls: 'LOC',
          ranges: [{ start: '/p[9]', startOffset: 0, end: '/p[9]', endOffset: 2 }],
        },
        {
          id: 'long',
          cls: 'LOC',
          ranges: [{ start: '/p[3]', startOffset: 3, end: '/p[3]', endOffset: 11 }],
        },
      ],
      spacy: [
        [0, 12, 'PER'],
        [18, 33, 'PER'],
        [38, 44, 'LOC'],
      ],
      conll:
        'Ada B-PER\nLovelace I-PER\n\nmet O\nCharles B-PER\nBabbage I-PER\n. O\n\nIn O\nLondon B-LOC\n. O\n\n',
      hf: [
        'Ada/B-PER',
        'Lovelace/I-PER',
        'met/O',
        'Charles/B-PER',
        'Babbage/I-PER',
        './O',
        'In/O',
        'London/B-LOC',
        './O',
      ],
      outcomes: {
        ada: 'written',
        cb: 'written',
        ldn: 'written',
        div: 'dropped badXPath: annotationsData.text_1[3].ranges[0].start of item doc is "/div[1]", not a paragraph path such as "/p[1]" (one paragraph per line of the text)',
        p9: 'dropped noParagraph: annotationsData.text_1[4].ranges[0].start of item doc is /p[9], but the text has 3 line(s) (one paragraph per line)',
        long: 'dropped outOfParagraph: annotationsData.text_1[5].ranges[0].endOffset of item doc: offset 11 lies outside paragraph /p[3] (10 UTF-16 code units)',
      },
    });
  });

  it('ranges of a wrong shape, and no ranges', async () => {
    const text = 'Bob';
    await check({
      text,
      entities: [
        { id: 'obj', cls: 'PER', ranges: [{ from: 0, to: 3 }] },
        { id: 'flat', cls: 'PER', ranges: [0, 3] },
        { id: 'triple', cls: 'PER', ranges: [[0, 3, 1]] },
        { id: 'none', cls: 'PER', ranges: [] },
      ],
      spacy: [],
      conll: 'Bob O\n\n',
      hf: ['Bob/O'],
      outcomes: {
        obj: 'dropped badShape: annotationsData.text_1[0].ranges[0] of item doc holds {"from":0,"to":3}; synx reads ranges as Synapse stores them ({start: "/p[N]", startOffset, end: "/p[M]", endOffset}), as {start, end} objects or as [start, end] pairs',
        flat: 'dropped badShape: annotationsData.text_1[1].ranges[0] of item doc holds 0; synx reads ranges as Synapse stores them ({start: "/p[N]", startOffset, end: "/p[M]", endOffset}), as {start, end} objects or as [start, end] pairs',
        triple:
          'dropped badShape: annotationsData.text_1[2].ranges[0] of item doc holds [0,3,1]; synx reads ranges as Synapse stores them ({start: "/p[N]", startOffset, end: "/p[M]", endOffset}), as {start, end} objects or as [start, end] pairs',
        none: 'dropped noRanges: annotationsData.text_1[3].ranges of item doc is empty: the entity has no span',
      },
    });
  });

  it('content that differs from the text at the range (with a hint when code points would match)', async () => {
    const text = '😀 Bob and Carol';
    await check({
      text,
      entities: [
        { id: 'robert', cls: 'PER', ranges: [at(text, 'Bob')], content: 'Robert' },
        // Offsets counted in code points: 2..5 is " Bo" in UTF-16 units.
        { id: 'cp', cls: 'PER', ranges: [{ start: 2, end: 5 }], content: 'Bob' },
        { id: 'carol', cls: 'PER', ranges: [at(text, 'Carol')], content: 'Carol' },
      ],
      spacy: [[10, 15, 'PER']],
      conll: '😀 O\nBob O\nand O\nCarol B-PER\n\n',
      hf: ['😀/O', 'Bob/O', 'and/O', 'Carol/B-PER'],
      outcomes: {
        robert:
          'dropped contentMismatch: item doc: the text at annotationsData.text_1[0].ranges (3..6) is "Bob", but the annotation content is "Robert"; the span is not written',
        cp: 'dropped contentMismatch: item doc: the text at annotationsData.text_1[1].ranges (2..5) is " Bo", but the annotation content is "Bob" (the offsets match if counted in code points); the span is not written',
        carol: W,
      },
    });
  });

  it('several ranges: contiguous ones are one entity, ranges with a gap are dropped', async () => {
    const text = 'New York and Los Angeles';
    await check({
      text,
      entities: [
        {
          id: 'ny',
          cls: 'LOC',
          ranges: [
            { start: 0, end: 4 },
            { start: 4, end: 8 },
          ],
          content: 'New York',
        },
        {
          id: 'gap',
          cls: 'LOC',
          ranges: [
            [13, 16],
            [17, 24],
          ],
        },
      ],
      spacy: [[0, 8, 'LOC']],
      conll: 'New B-LOC\nYork I-LOC\nand O\nLos O\nAngeles O\n\n',
      hf: ['New/B-LOC', 'York/I-LOC', 'and/O', 'Los/O', 'Angeles/O'],
      outcomes: {
        ny: W,
        gap: 'dropped discontinuous: annotationsData.text_1[1].ranges of item doc holds 2 separate ranges (13..16, 17..24); %F holds contiguous entities only',
      },
    });
  });

  it('classes: none, and one that is not an entity class', async () => {
    const text = 'Ann Bob';
    await check({
      text,
      entities: [
        { id: 'none', ranges: [at(text, 'Ann')] },
        { id: 'rel', cls: 'works_for', ranges: [at(text, 'Bob')] },
      ],
      spacy: [],
      conll: 'Ann O\nBob O\n\n',
      hf: ['Ann/O', 'Bob/O'],
      outcomes: {
        none: 'dropped noClass: the entity has no class, so it has no label',
        rel: 'dropped unknownClass: class "works_for" is not a named-entity class of the class map',
      },
    });
  });

  it('relations to a dropped entity, to a missing id, and without an entity at an end', async () => {
    const text = 'Ann works for Initech';
    const runs = await check({
      text,
      entities: [
        { id: 'ann', cls: 'PER', ranges: [at(text, 'Ann')] },
        { id: 'init', ranges: [at(text, 'Initech')] },
      ],
      relations: [
        { id: 'r1', from: 'ann', to: 'init' },
        { id: 'r2', from: 'ghost', to: 'ann' },
        { id: 'r3', from: 'ann', to: 'r1' },
      ],
      spacy: [[0, 3, 'PER']],
      conll: 'Ann B-PER\nworks O\nfor O\nInitech O\n\n',
      hf: ['Ann/B-PER', 'works/O', 'for/O', 'Initech/O'],
      outcomes: {
        ann: W,
        init: 'dropped noClass: the entity has no class, so it has no label',
        r1: 'dropped relationEnd: relation r1 of item doc: its child init was not written (see its own drop), so the relation is not written',
        r2: 'dropped relationEnd: relation r2 of item doc: its head ghost is not an annotation of text_1, so the relation is not written',
        r3: 'dropped relationEnd: relation r3 of item doc: its child r1 is a relation, not a named entity, so the relation is not written',
      },
      by: Object.fromEntries(
        ['conll', 'hf-ner'].map((f) => [
          f,
          Object.fromEntries(
            ['r1', 'r2', 'r3'].map((r) => [
              r,
              'dropped noRelations: %F holds entities only, not relations',
            ]),
          ),
        ]),
      ),
    });
    expect(runs['spacy']?.relationsBack).toEqual([]);
  });

  it('a relation read back from spaCy names its two entities', async () => {
    const text = 'Ann 😀 works for Initech';
    const runs = await check({
      text,
      entities: [
        { id: 'ann', cls: 'PER', ranges: [at(text, 'Ann')] },
        { id: 'init', cls: 'ORG', ranges: [at(text, 'Initech')] },
      ],
      relations: [{ id: 'r', from: 'ann', to: 'init' }],
      spacy: [
        [0, 3, 'PER'],
        [16, 23, 'ORG'],
      ],
      spacyRelations: [{ head: [0, 3], child: [16, 23], label: 'works_for' }],
      conll: 'Ann B-PER\n😀 O\nworks O\nfor O\nInitech B-ORG\n\n',
      hf: ['Ann/B-PER', '😀/O', 'works/O', 'for/O', 'Initech/B-ORG'],
      outcomes: { ann: W, init: W, r: W },
      by: {
        conll: { r: 'dropped noRelations: %F holds entities only, not relations' },
        'hf-ner': { r: 'dropped noRelations: %F holds entities only, not relations' },
      },
    });
    expect(runs['spacy']?.relationsBack).toEqual(['Ann -works_for-> Initech']);
  });

  it('a text synx could not read: every annotation dropped with noText, no document written', async () => {
    await check({
      text: undefined,
      entities: [{ id: 'x', cls: 'PER', ranges: [{ start: 0, end: 3 }] }],
      relations: [{ id: 'r', from: 'x', to: 'x' }],
      spacy: [],
      conll: undefined,
      hf: undefined,
      outcomes: {
        x: 'dropped noText: the text of text_1 could not be read, so its spans cannot be placed',
        r: 'dropped noText: the text of text_1 could not be read, so its spans cannot be placed',
      },
    });
  });

  it('a host that hands no texts: every annotation dropped with textNotHanded (reported, not quiet)', async () => {
    const item = textItem('doc', [{ id: 'x', cls: 'PER', ranges: [{ start: 0, end: 3 }] }], []);
    const run = await runOne(spacyFormat, item, 'Ann', false);
    expect(run.outcomes).toEqual({
      x: 'dropped textNotHanded: synx handed no content for text_1 (a host that does not read texts: spaCy NER JSONL needs synx with plugin-api 1.1 or later), so its spans cannot be placed',
    });
  });
});
