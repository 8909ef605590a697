import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEMO, tempDir, tree } from './helpers.js';

const DEMO_ROOT = join(DEMO, '..');

/** The demo folders, generated once into a temporary root by tools/make-demo.mjs. */
function generate(): string {
  const out = join(tempDir('demo-gen'), 'demo');
  execFileSync(
    process.execPath,
    [join(import.meta.dirname, '..', '..', '..', 'tools', 'make-demo.mjs'), out],
    { stdio: 'pipe' },
  );
  return out;
}

function expectSameTree(got: Map<string, Buffer>, want: Map<string, Buffer>): void {
  expect([...got.keys()]).toEqual([...want.keys()]);
  for (const [path, bytes] of want) {
    expect(got.get(path)?.equals(bytes), path).toBe(true);
  }
}

function jsonTexts(files: Map<string, Buffer>): string {
  return [...files.entries()]
    .filter(([p]) => p.startsWith('json/'))
    .map(([, b]) => b.toString('utf8'))
    .join('\n');
}

interface DmEntry {
  id: string;
  tool?: string;
  classification?: Record<string, unknown>;
  ranges?: { start: string; startOffset: number; end: string; endOffset: number }[];
  content?: string;
  annotationId?: string;
  targetAnnotationId?: string;
}
interface DmData {
  annotations: Record<string, DmEntry[]>;
  annotationsData: Record<string, DmEntry[]>;
}

describe('the bundled demos', () => {
  const out = generate();

  it('are exactly what tools/make-demo.mjs generates (seeded, reproducible)', () => {
    for (const name of ['synapse-demo', 'synapse-demo-classification', 'synapse-demo-text']) {
      expectSameTree(tree(join(out, name)), tree(join(DEMO_ROOT, name)));
    }
  });

  it('the street demo covers every image tool', () => {
    const want = tree(DEMO);
    expect([...want.keys()].filter((p) => p.startsWith('json/'))).toHaveLength(30);
    expect([...want.keys()]).toContain('origin_files/渋谷の交差点_café.jpg');
    const all = jsonTexts(want);
    for (const tool of [
      '"bounding_box"',
      '"polygon"',
      '"polyline"',
      '"keypoint"',
      '"annotationGroup"',
      '"classification"',
      '"relation"',
      '"rotation"',
      '"weather"',
    ]) {
      expect(all, tool).toContain(tool);
    }
  });

  it('the classification demo: 24 photos, one label each, one unlabelled, one with a box', () => {
    const files = tree(join(DEMO_ROOT, 'synapse-demo-classification'));
    const project = JSON.parse(files.get('project.json')!.toString('utf8')) as {
      id: number;
      category: string;
    };
    expect(project).toMatchObject({ id: 43, category: 'image' });
    const items = [...files.entries()]
      .filter(([p]) => p.startsWith('json/'))
      .map(([, b]) => JSON.parse(b.toString('utf8')) as DmData);
    expect(items).toHaveLength(24);
    expect([...files.keys()].filter((p) => p.startsWith('origin_files/'))).toHaveLength(24);
    const labels = items.map((d) =>
      (d.annotations['image_1'] ?? []).filter((a) => a.tool === 'classification'),
    );
    expect(labels.every((l) => l.length === 1)).toBe(true);
    const counts = new Map<string, number>();
    for (const [l] of labels) {
      const value = l?.classification?.['class'];
      const c = typeof value === 'string' ? value : '(none)';
      counts.set(c, (counts.get(c) ?? 0) + 1);
    }
    expect(Object.fromEntries(counts)).toEqual({ cat: 7, dog: 7, bird: 5, rabbit: 4, '(none)': 1 });
    const boxes = items.flatMap((d) =>
      (d.annotations['image_1'] ?? []).filter((a) => a.tool === 'bounding_box'),
    );
    expect(boxes).toHaveLength(1);
  });

  it('the text demo: named-entity ranges match the text files (lines, UTF-16 offsets)', () => {
    const files = tree(join(DEMO_ROOT, 'synapse-demo-text'));
    const project = JSON.parse(files.get('project.json')!.toString('utf8')) as {
      id: number;
      category: string;
    };
    expect(project).toMatchObject({ id: 44, category: 'text' });
    const stems = [...files.keys()].filter((p) => p.startsWith('json/')).map((p) => p.slice(5, -5));
    expect(stems).toHaveLength(12);
    const raw = stems.map((s) => files.get(`origin_files/${s}.txt`));
    expect(raw.every((b) => b !== undefined)).toBe(true);
    const texts = raw.map((b) => b!.toString('utf8'));
    expect(texts.filter((t) => t.startsWith('\ufeff'))).toHaveLength(1);
    expect(texts.filter((t) => t.includes('\r\n'))).toHaveLength(1);
    expect(texts.some((t) => /\p{Extended_Pictographic}/u.test(t))).toBe(true);
    expect(texts.join('')).toContain('Zoë');
    let entities = 0;
    let relations = 0;
    let overlapping = 0;
    let cutWords = 0;
    stems.forEach((stem, k) => {
      const lines = texts[k]!.replace(/^\ufeff/, '').split(/\r?\n/);
      const data = JSON.parse(files.get(`json/${stem}.json`)!.toString('utf8')) as DmData;
      const tools = new Map((data.annotations['text_1'] ?? []).map((a) => [a.id, a.tool]));
      const spans: [number, number, number][] = [];
      for (const d of data.annotationsData['text_1'] ?? []) {
        if (tools.get(d.id) === 'relation') {
          relations++;
          expect(tools.get(d.annotationId ?? ''), stem).toBe('named_entity');
          expect(tools.get(d.targetAnnotationId ?? ''), stem).toBe('named_entity');
          continue;
        }
        entities++;
        const [r] = d.ranges ?? [];
        expect(r?.start, stem).toBe(r?.end);
        const line = Number(/^\/p\[(\d+)\]$/.exec(r!.start)?.[1]);
        const text = lines[line - 1] ?? '';
        expect(text.slice(r!.startOffset, r!.endOffset), `${stem} ${d.id}`).toBe(d.content);
        if (/\p{L}/u.test(text[r!.endOffset] ?? '')) {
          cutWords++;
        }
        spans.push([line, r!.startOffset, r!.endOffset]);
      }
      for (const [i, a] of spans.entries()) {
        for (const b of spans.slice(i + 1)) {
          if (a[0] === b[0] && a[1] < b[2] && b[1] < a[2]) {
            overlapping++;
          }
        }
      }
    });
    expect(entities).toBeGreaterThan(40);
    expect(relations).toBeGreaterThanOrEqual(5);
    expect(overlapping).toBe(1);
    expect(cutWords).toBe(1);
  });
});
