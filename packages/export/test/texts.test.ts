import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { startFakeSynapse } from '@synx/fake-synapse';
import { defineFormat, writeFileAtomic } from '@synx/plugin-api';
import { SynapseFolderWriter } from '@synx/synapse-folder';
import { beforeAll, describe, expect, it } from 'vitest';
import { runExport, TEXT_CACHE_DIR, type ExportManifest } from '../src/index.js';
import { tempDir } from './helpers.js';

const root = tempDir('texts');
const src = join(root, 'src');
const TOKEN = 'texts-test-token-81c4';

/** A format that writes what it was handed of each text media (its text, encoding and spans). */
const capture = defineFormat({
  apiVersion: 1,
  id: 'text-capture',
  title: 'Text capture',
  describe: () => ({
    kinds: { 'named-entity': { action: 'keep' } },
    splits: false,
    mediaKinds: ['text'],
    texts: true,
    layout: () => ['texts.json'],
    owns: ['texts.json'],
  }),
  async write(input, to, _options, ctx) {
    const out: unknown[] = [];
    for await (const e of input.items) {
      for (const t of e.texts ?? []) {
        out.push({ item: e.item.id, media: t.media.id, text: t.text, encoding: t.encoding });
        for (const a of t.media.annotations) {
          ctx.account({ item: e.item, media: t.media, annotation: a, outcome: 'written' });
        }
      }
    }
    await writeFileAtomic(join(to.dir, 'texts.json'), `${JSON.stringify(out, null, 2)}\n`);
    return { files: 1 };
  },
});

const ner = (id: string, cls: string, content: string): { ann: object; data: object } => ({
  ann: { id, tool: 'named_entity', classification: { class: cls } },
  data: {
    id,
    ranges: [{ start: '/p[1]', startOffset: 0, end: '/p[1]', endOffset: content.length }],
    content,
  },
});

/** windows-1252 bytes of a text of Latin-1 letters and ’ (0x92). */
function cp1252(text: string): Buffer {
  return Buffer.from(Array.from(text, (c) => (c === '\u2019' ? 0x92 : c.charCodeAt(0))));
}

const TEXTS: Record<string, { bytes: Buffer; expected: string; encoding: string }> = {
  utf8: {
    bytes: Buffer.from('Zoë met Ünal in München 🎉.\n', 'utf8'),
    expected: 'Zoë met Ünal in München 🎉.\n',
    encoding: 'utf-8',
  },
  bom: {
    bytes: Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('Ada\r\nLovelace', 'utf8')]),
    expected: 'Ada\r\nLovelace',
    encoding: 'utf-8',
  },
  utf16: {
    bytes: Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('Grace Hopper', 'utf16le')]),
    expected: 'Grace Hopper',
    encoding: 'utf-16le',
  },
  legacy: {
    // windows-1252: "Café « Zoë » à Paris, l’été, déjà très célèbre." — é (0xe9), « » (0xab 0xbb), ’ (0x92)
    bytes: cp1252(
      'Caf\u00e9 \u00ab Zo\u00eb \u00bb \u00e0 Paris, l\u2019\u00e9t\u00e9, d\u00e9j\u00e0 tr\u00e8s c\u00e9l\u00e8bre, \u00e9videmment.',
    ),
    expected:
      'Caf\u00e9 \u00ab Zo\u00eb \u00bb \u00e0 Paris, l\u2019\u00e9t\u00e9, d\u00e9j\u00e0 tr\u00e8s c\u00e9l\u00e8bre, \u00e9videmment.',
    encoding: 'windows-1252',
  },
};

beforeAll(async () => {
  const w = new SynapseFolderWriter(src);
  await w.writeProject({
    id: 7,
    title: 'texts',
    category: 'text',
    configuration: {
      classification: {
        named_entity: { classification_schema: [{ code: 'PER', name: 'Person' }] },
      },
    },
  });
  for (const [stem, t] of Object.entries(TEXTS)) {
    const e = ner(`${stem}-1`, 'PER', t.expected.slice(0, 3));
    await w.write({
      stem,
      data: { annotations: { text_1: [e.ann] }, annotationsData: { text_1: [e.data] } },
      media: { name: `${stem}.txt`, bytes: t.bytes },
    });
  }
  // An item whose text file is missing from origin_files/.
  const e = ner('gone-1', 'PER', 'x');
  await w.write({
    stem: 'gone',
    data: { annotations: { text_1: [e.ann] }, annotationsData: { text_1: [e.data] } },
  });
});

type Captured = {
  item: string;
  media: string;
  text: string | undefined;
  encoding: string | undefined;
}[];

describe('text media for a format that declares texts', () => {
  it('a folder source: each text decoded (BOM, UTF-8, UTF-16, detected legacy), a missing file reported', async () => {
    const out = join(root, 'folder-out');
    const summary = await runExport({
      source: { kind: 'folder', dir: src },
      format: capture,
      output: out,
    });
    const got = JSON.parse(readFileSync(join(out, 'texts.json'), 'utf8')) as Captured;
    for (const [stem, t] of Object.entries(TEXTS)) {
      const c = got.find((g) => g.item === stem);
      expect(c, stem).toEqual({
        item: stem,
        media: 'text_1',
        text: t.expected,
        encoding: t.encoding,
      });
    }
    expect(got.find((g) => g.item === 'gone')?.text).toBeUndefined();
    const manifest = JSON.parse(
      readFileSync(join(out, 'synx-export.json'), 'utf8'),
    ) as ExportManifest;
    expect(manifest.status).toBe('incomplete');
    const issues = readFileSync(join(out, 'synx-issues.jsonl'), 'utf8');
    expect(issues).toMatch(/"code":"SYNX_TEXT_UNREADABLE".*"itemId":"gone"/);
    expect(issues).toMatch(
      /"code":"SYNX_TEXT_ENCODING".*windows-1252.*"itemId":"legacy"|"itemId":"legacy".*windows-1252/,
    );
    expect(summary.status).toBe('incomplete');
  });

  it('an API source with faults (429, 5xx, cut bodies, expired URLs): the same texts as without; a text with no file is reported', async () => {
    const clean = await startFakeSynapse({ from: src, token: TOKEN, seed: 5 });
    const faulty = await startFakeSynapse({
      from: src,
      token: TOKEN,
      seed: 6,
      faults: {
        routes: { media: { serverError: 0.3, truncate: 0.3, expire: 0.3, rateLimit: 0.2 } },
      },
    });
    try {
      const run = async (fake: typeof clean, out: string): Promise<string> => {
        const summary = await runExport({
          source: {
            kind: 'api',
            host: fake.url,
            token: TOKEN,
            target: 'assignment',
            project: fake.projectId,
          },
          format: capture,
          output: out,
          retry: { baseDelayMs: 1, maxDelayMs: 5 },
        });
        // the item without a text file: reported, and the run is not complete
        expect(summary.status).toBe('incomplete');
        expect(readFileSync(join(out, 'synx-issues.jsonl'), 'utf8')).toMatch(
          /"code":"SYNX_TEXT_UNREADABLE".*the data unit has no file for it/,
        );
        return readFileSync(join(out, 'texts.json'), 'utf8');
      };
      const a = await run(clean, join(root, 'api-clean'));
      const b = await run(faulty, join(root, 'api-faulty'));
      expect(b).toBe(a);
      const log = (await (await fetch(`${faulty.url}/__fake/log`)).json()) as { status?: number }[];
      expect(log.some((l) => l.status !== undefined && l.status >= 429)).toBe(true);
    } finally {
      await clean.close();
      await faulty.close();
    }
  });

  it('an API source: texts downloaded into the cache once; a rerun fetches none again', async () => {
    const fake = await startFakeSynapse({ from: src, token: TOKEN, seed: 5 });
    try {
      const out = join(root, 'api-out');
      const request = {
        source: {
          kind: 'api' as const,
          host: fake.url,
          token: TOKEN,
          target: 'assignment' as const,
          project: fake.projectId,
        },
        format: capture,
        output: out,
      };
      await runExport(request);
      const got = JSON.parse(readFileSync(join(out, 'texts.json'), 'utf8')) as Captured;
      for (const [stem, t] of Object.entries(TEXTS)) {
        expect(
          got.find((g) => g.text === t.expected),
          stem,
        ).toBeDefined();
      }
      expect(existsSync(join(out, TEXT_CACHE_DIR))).toBe(true);
      const before = JSON.stringify(got);
      const log1 = (await (await fetch(`${fake.url}/__fake/log`)).json()) as { path: string }[];
      const textGets = (log: { path: string }[]): number =>
        log.filter((l) => l.path.includes('.txt')).length;
      expect(textGets(log1)).toBeGreaterThanOrEqual(4);
      await fetch(`${fake.url}/__fake/reset-log`, { method: 'POST' });
      await runExport(request);
      const log2 = (await (await fetch(`${fake.url}/__fake/log`)).json()) as { path: string }[];
      expect(textGets(log2)).toBe(0);
      expect(readFileSync(join(out, 'texts.json'), 'utf8')).toBe(
        `${JSON.stringify(JSON.parse(before), null, 2)}\n`,
      );
      rmSync(out, { recursive: true, force: true });
    } finally {
      await fake.close();
    }
  });
});
