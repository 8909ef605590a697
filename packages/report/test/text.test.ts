import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Annotation, Dataset, Item, Media } from '@synx/model';
import { describe, expect, it } from 'vitest';
import {
  regenerateReport,
  renderReport,
  ReportCollector,
  type ReportData,
  type ReportOptions,
  type ReportSummary,
} from '../src/index.js';

const base = { attributes: {}, tool: 'named_entity' } as const;

/** A named entity on line `line` (`/p[N]` ranges), or with numeric offsets when line is null. */
function entity(
  id: string,
  cls: string | null,
  content: string,
  start: number,
  line: number | null = 1,
): Annotation {
  const end = start + content.length;
  return {
    ...base,
    id,
    kind: 'named-entity',
    classCode: cls,
    content,
    ranges: [
      line === null
        ? { start, end }
        : { start: `/p[${line}]`, startOffset: start, end: `/p[${line}]`, endOffset: end },
    ],
  };
}

function relation(id: string, from: string, to: string): Annotation {
  return { ...base, tool: 'relation', id, kind: 'relation', classCode: 'works_for', from, to };
}

function text(annotations: Annotation[], name: string): Media {
  return { id: 'text_1', kind: 'text', file: { name }, annotations };
}

function textItem(id: string, annotations: Annotation[]): Item {
  return {
    id,
    key: `key-${id}`,
    stem: id,
    sourceKind: 'folder',
    media: [text(annotations, `${id}.txt`)],
  };
}

const OPTIONS: ReportOptions = {
  classes: [
    { index: 0, code: 'PER', name: 'Person' },
    { index: 1, code: 'ORG', name: 'Organisation' },
    { index: 2, code: 'LOC', name: 'Location' },
  ],
  keypointNames: [],
  splits: ['train', 'val'],
  ratios: [0.8, 0.2],
};

const SUMMARY: ReportSummary = {
  status: 'complete',
  project: { title: 'News' },
  format: { id: 'spacy', title: 'spaCy NER JSONL' },
};

function news(): ReportCollector {
  const c = new ReportCollector(OPTIONS);
  c.add(
    textItem('a', [
      // out of reading order on purpose: the sample lists them by line, then offset
      entity('e3', 'LOC', 'Lagos', 4, 2),
      entity('e1', 'PER', 'Zoë Okafor', 0),
      entity('e2', 'ORG', 'Brightwater Energy', 40),
      relation('r1', 'e1', 'e2'),
    ]),
    'train',
    [],
  );
  c.add(
    textItem('b', [entity('e1', 'ORG', 'Kestrel', 0, null), entity('e2', 'LOC', '東京', 9)]),
    'train',
    [],
  );
  c.add(textItem('c', []), 'train', []);
  c.add(
    textItem('d', [entity('e1', 'PER', 'Ann', 0), entity('e2', 'MISC', 'Nobel', 8)]),
    'val',
    [],
  );
  return c;
}

describe('ReportCollector on texts', () => {
  it('counts texts, entities per class and relations per split', () => {
    const data = news().data();
    expect(data.counts.items).toEqual([3, 1]);
    // image counting is untouched: a text export has no images and no objects
    expect(data.counts.images).toEqual([0, 0]);
    expect(data.counts.objects).toEqual([0, 0]);
    expect(data.text.texts).toEqual([3, 1]);
    expect(data.text.emptyTexts).toEqual([1, 0]);
    expect(data.text.entities).toEqual([5, 2]);
    expect(data.text.relations).toEqual([1, 0]);
    expect(data.counts.annotations).toEqual({ 'named-entity': [5, 2], relation: [1, 0] });
    // class slots by classCode, as objects; MISC is found in the data
    expect(data.classes.map((k) => k.code)).toEqual(['PER', 'ORG', 'LOC', 'MISC']);
    expect(data.text.classEntities).toEqual([
      [1, 1],
      [2, 0],
      [2, 0],
      [0, 1],
    ]);
    expect(data.text.classTexts).toEqual([
      [1, 1],
      [2, 0],
      [2, 0],
      [0, 1],
    ]);
    expect(data.classObjects.flat().every((n) => n === 0)).toBe(true);
  });

  it('counts entity lengths in characters and entities per text in fixed bins', () => {
    const { entityLength, entitiesPerText } = news().data().text;
    const at = (lower: readonly number[], counts: readonly number[], v: number): number =>
      counts[lower.indexOf(v)] ?? -1;
    // 東京 is 2 characters, Ann 3, Lagos/Nobel 5, Kestrel 7, Zoë Okafor 10, Brightwater Energy 18
    expect(at(entityLength.lower, entityLength.counts, 2)).toBe(1);
    expect(at(entityLength.lower, entityLength.counts, 3)).toBe(1);
    expect(at(entityLength.lower, entityLength.counts, 5)).toBe(2);
    expect(at(entityLength.lower, entityLength.counts, 6)).toBe(1); // 6–7
    expect(at(entityLength.lower, entityLength.counts, 10)).toBe(1); // 10–11
    expect(at(entityLength.lower, entityLength.counts, 15)).toBe(1); // 15–19
    expect(entityLength.counts.reduce((a, b) => a + b, 0)).toBe(7);
    expect(entitiesPerText.counts.slice(0, 4)).toEqual([1, 0, 2, 1]);
  });

  it('keeps each sample text’s entities in reading order, bounded', () => {
    const data = news().data();
    const a = data.samples[0]?.find((e) => e.itemId === 'a');
    expect(a?.media).toEqual([]);
    expect(a?.texts).toEqual([
      {
        mediaId: 'text_1',
        name: 'a.txt',
        entityCount: 3,
        relations: 1,
        entities: [
          { c: 0, id: 'e1', text: 'Zoë Okafor', cut: false },
          { c: 1, id: 'e2', text: 'Brightwater Energy', cut: false },
          { c: 2, id: 'e3', text: 'Lagos', cut: false },
        ],
      },
    ]);
    // many long entities: the data stays small
    const c = new ReportCollector({ ...OPTIONS, samplesPerSplit: 5 });
    for (let i = 0; i < 2000; i++) {
      c.add(
        textItem(
          `t${i}`,
          Array.from({ length: 100 }, (_, j) => entity(`e${j}`, 'PER', 'x'.repeat(500), j * 600)),
        ),
        i % 5 === 0 ? 'val' : 'train',
        [],
      );
    }
    const big = c.data();
    expect(big.text.entities).toEqual([160_000, 40_000]);
    const sample = big.samples[0]?.[0]?.texts[0];
    expect(sample?.entityCount).toBe(100);
    expect(sample?.entities.length).toBe(40);
    expect(sample?.entities[0]?.text.length).toBe(80);
    expect(sample?.entities[0]?.cut).toBe(true);
    expect(JSON.stringify(big).length).toBeLessThan(60_000);
  });
});

describe('renderReport of a text export', () => {
  const html = renderReport(news().data(), SUMMARY, new Map());

  it('has a Texts section with the counts per split and class', () => {
    expect(html).toContain('<a href="#texts">Texts</a>');
    expect(html).toContain('<section id="texts"><h2>Texts</h2>');
    const texts = html.slice(
      html.indexOf('<section id="texts">'),
      html.indexOf('</section>', html.indexOf('<section id="texts">')),
    );
    // train: 3 texts, 1 without entities, 5 entities, 1.7 per text, 1 relation
    expect(texts).toMatch(
      /train<\/td><td class="n">3<\/td><td class="n">1<\/td><td class="n">5<\/td><td class="n">1\.7<\/td><td class="n">1<\/td>/,
    );
    expect(texts).toMatch(
      /val<\/td><td class="n">1<\/td><td class="n">0<\/td><td class="n">2<\/td><td class="n">2\.0<\/td><td class="n">0<\/td>/,
    );
    expect(texts).toContain('aria-label="Entities per class"');
    expect(texts).toContain('aria-label="Entity length"');
    expect(texts).toContain('aria-label="Entities per text"');
    expect(html).toContain('<b>4</b><span>texts</span>');
    expect(html).toContain('<b>7</b><span>named entities</span>');
    expect(html).toContain('classes with entities / in class map');
  });

  it('shows entity counts in the class table instead of object columns', () => {
    const classes = html.slice(
      html.indexOf('<section id="classes">'),
      html.indexOf('<section id="balance">'),
    );
    expect(classes).toContain('<th class="n">entities · train</th>');
    expect(classes).not.toContain('>objects<');
    expect(classes).not.toContain('image labels');
    // Organisation: 2 entities (2 train, 0 val), in 2 texts
    expect(classes).toMatch(
      /Organisation<\/td><td><code>ORG<\/code><\/td><td class="n">2<\/td><td class="n">2<\/td><td class="n">0<\/td><td class="n">2<\/td>/,
    );
    expect(classes).not.toContain('<svg');
  });

  it('draws no empty image charts and says the export has no images', () => {
    expect(html).not.toContain('<section id="boxes">');
    expect(html).not.toContain('href="#boxes"');
    expect(html).not.toContain('Images per split');
    expect(html).not.toContain('Objects per split');
    expect(html).not.toContain('Objects per class');
    expect(html).not.toContain('Annotations per image');
    expect(html).not.toContain('<th class="n">images</th>');
    expect(html).toContain('The export has no images');
    expect(html).toContain('Texts per split');
    expect(html).toContain('Entities per split');
  });

  it('lists sample texts’ entities with their class, escaped', () => {
    expect(html).toMatch(
      /<mark style="background:#4e79a726;border-color:#4e79a7">Zoë Okafor<\/mark><b style="color:#4e79a7">Person<\/b>/,
    );
    expect(html).toContain('item a · 3 entities · 1 relation');
    const c = new ReportCollector({
      ...OPTIONS,
      classes: [{ index: 0, code: 'X', name: '<i>X</i>' }],
    });
    c.add(textItem('<b>', [entity('e1', 'X', '<script>alert(1)</script>', 0)]), 'train', []);
    const evil = renderReport(c.data(), SUMMARY, new Map());
    expect(evil).not.toMatch(/<script|<i>X|<b>\.txt|item <b>/i);
    expect(evil).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(evil).toContain(
      `content="default-src 'none'; img-src data:; style-src 'unsafe-inline'"`,
    );
  });

  it('is byte-identical for the same input', () => {
    expect(
      renderReport(JSON.parse(JSON.stringify(news().data())) as ReportData, SUMMARY, new Map()),
    ).toBe(html);
  });
});

describe('an image export', () => {
  it('gets no text parts', () => {
    const c = new ReportCollector(OPTIONS);
    c.add(
      {
        id: 'a',
        key: 'a',
        stem: 'a',
        sourceKind: 'folder',
        media: [{ id: 'image_1', kind: 'image', width: 4, height: 4, annotations: [] }],
      },
      'train',
      [],
    );
    const data = c.data();
    expect(data.text.texts).toEqual([0, 0]);
    const html = renderReport(data, SUMMARY, new Map());
    expect(html).not.toContain('id="texts"');
    expect(html).not.toContain('figure.text');
    expect(html).toContain('<section id="boxes">');
    expect(html).toContain('Images per split');
  });

  it('with texts too shows both', () => {
    const c = news();
    c.add(
      {
        id: 'img',
        key: 'img',
        stem: 'img',
        sourceKind: 'folder',
        media: [
          {
            id: 'image_1',
            kind: 'image',
            width: 40,
            height: 40,
            annotations: [
              {
                ...base,
                tool: 'bounding_box',
                id: 'b',
                kind: 'bbox',
                classCode: 'PER',
                x: 1,
                y: 1,
                width: 5,
                height: 5,
              },
            ],
          },
        ],
      },
      'train',
      [],
    );
    const html = renderReport(c.data(), SUMMARY, new Map());
    expect(html).toContain('<section id="texts">');
    expect(html).toContain('<section id="boxes">');
    expect(html).toContain('<th class="n">objects · train</th>');
    expect(html).toContain('<th class="n">entities · train</th>');
    expect(html).toContain('classes with objects or entities / in class map');
  });
});

describe('synx report of a text export', () => {
  it('counts the texts a NER reader gives back', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'synx-report-text-'));
    const items = [
      { ...textItem('a', [entity('e1', 'PER', 'Ann', 0)]), gtCategory: 'train' as const },
      {
        ...textItem('b', [entity('e1', 'LOC', 'Oslo', 0), entity('e2', 'PER', 'Bo', 8)]),
        gtCategory: 'validation' as const,
      },
    ];
    const dataset: Dataset = {
      header: {
        source: { kind: 'synapse-folder' },
        classes: { origin: 'class-map', entries: [] },
        keypointNames: [],
        mediaKinds: ['text'],
      },
      items: async function* () {
        yield* items;
      },
    };
    const result = await regenerateReport({
      dir,
      manifest: {
        format: { id: 'spacy' },
        classes: { entries: OPTIONS.classes.map((c) => ({ ...c })) },
        split: { names: ['train', 'val'], ratios: [0.5, 0.5], items: [1, 1] },
      },
      read: () => Promise.resolve(dataset),
      layout: {},
    });
    expect(result).toMatchObject({ items: 2, splits: { train: 1, val: 1 }, splitKnown: true });
    const html = readFileSync(result.path, 'utf8');
    expect(html).toContain('<b>2</b><span>texts</span>');
    expect(html).toContain('<b>3</b><span>named entities</span>');
    expect(html).toMatch(
      /Person<\/td><td><code>PER<\/code><\/td><td class="n">2<\/td><td class="n">1<\/td><td class="n">1<\/td>/,
    );
  });
});
