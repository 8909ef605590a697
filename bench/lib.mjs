// Helpers shared by the bench scripts.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The median (the mean of the middle two for an even count). */
export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Reads every file under `dir` once, so each contender starts with a warm page cache. */
export function warm(dir) {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) warm(p);
    else readFileSync(p);
  }
}

/** Node flags from an entry's `#!/usr/bin/env -S node …` line: the bin runs with them. */
export function shebangFlags(entry) {
  const first = readFileSync(entry, 'utf8').split('\n', 1)[0];
  const m = /^#!\/usr\/bin\/env -S node (.*)$/.exec(first);
  return m === null ? [] : m[1].trim().split(/\s+/);
}

/**
 * The seeded folder the export benchmarks share (8 objects per item on average, 20 % with
 * polygons, seed 7), generated once under the temp dir; resolves with its path and object count.
 */
export async function benchFolder(items) {
  const { existsSync, rmSync, writeFileSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { writeSyntheticFolder } = await import('@synx/fake-synapse');
  const src = join(tmpdir(), `synx-bench-folder-${items}-s7`);
  if (!existsSync(join(src, 'project.json'))) {
    process.stdout.write(`generating ${items} items… `);
    const t0 = performance.now();
    rmSync(src, { recursive: true, force: true });
    const g = await writeSyntheticFolder({
      outDir: src,
      items,
      objectsPerItem: 8,
      polygonShare: 0.2,
      seed: 7,
    });
    writeFileSync(join(src, 'generated.json'), JSON.stringify(g));
    console.log(
      `${g.objects} objects (${g.polygons} with polygons) in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
    );
  }
  return { src, objects: JSON.parse(readFileSync(join(src, 'generated.json'), 'utf8')).objects };
}

/**
 * A seeded text folder for the NER benchmarks (`--source text`): each item a `text_1` of two or
 * three generated sentences on as many lines, with about six named entities as Synapse stores
 * them (`/p[N]` line ranges) and a relation; generated once under the temp dir. Resolves with
 * its path and entity count.
 */
export async function textBenchFolder(items) {
  const { existsSync, writeFileSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { SynapseFolderWriter } = await import('@synx/synapse-folder');
  const { mulberry32 } = await import('@synx/fake-synapse');
  const src = join(tmpdir(), `synx-bench-text-${items}-s7`);
  if (!existsSync(join(src, 'project.json'))) {
    process.stdout.write(`generating ${items} texts… `);
    const t0 = performance.now();
    const rand = mulberry32(7);
    const pick = (list) => list[Math.floor(rand() * list.length)];
    const people = [
      'Zoë Okafor',
      'Søren Madsen',
      'Ana Lima',
      'Kenji Sato',
      'Marta Nowak',
      'Li Wei',
    ];
    const orgs = ['Brightwater Energy', 'Kestrel Robotics', 'Nordlys Shipping', 'Metrô Verde'];
    const places = ['München', 'Lagos', 'São Paulo', 'Kraków', 'Aarhus', '東京'];
    const dates = ['3 March 2025', '12 May', 'Tuesday', 'June 2026'];
    const w = new SynapseFolderWriter(src);
    const schema = (codes) => ({ classification_schema: codes.map((c) => ({ code: c, name: c })) });
    await w.writeProject({
      id: 9,
      title: 'text bench',
      category: 'text',
      configuration: {
        classification: {
          named_entity: schema(['PER', 'ORG', 'LOC', 'DATE']),
          relation: schema(['works_for']),
        },
      },
    });
    let entities = 0;
    for (let i = 0; i < items; i++) {
      const lines = [];
      const anns = [];
      const datas = [];
      const sentences = 2 + Math.floor(rand() * 2);
      for (let s = 0; s < sentences; s++) {
        const parts = [
          [pick(people), 'PER'],
          [' of ', undefined],
          [pick(orgs), 'ORG'],
          [' met reporters in ', undefined],
          [pick(places), 'LOC'],
          [' on ', undefined],
          [pick(dates), 'DATE'],
          ['.', undefined],
        ];
        let line = '';
        for (const [text, cls] of parts) {
          if (cls !== undefined && (s > 0 || cls !== 'DATE' || rand() < 0.5)) {
            const id = `e${i}_${anns.length}`;
            const p = `/p[${s + 1}]`;
            anns.push({ id, tool: 'named_entity', classification: { class: cls } });
            datas.push({
              id,
              ranges: [
                {
                  start: p,
                  startOffset: line.length,
                  end: p,
                  endOffset: line.length + text.length,
                },
              ],
              content: text,
            });
            entities++;
          }
          line += text;
        }
        lines.push(line);
      }
      if (anns.length >= 2) {
        anns.push({ id: `r${i}`, tool: 'relation', classification: { class: 'works_for' } });
        datas.push({ id: `r${i}`, annotationId: anns[0].id, targetAnnotationId: anns[1].id });
      }
      const stem = `doc_${String(i).padStart(6, '0')}`;
      await w.write({
        stem,
        data: { annotations: { text_1: anns }, annotationsData: { text_1: datas } },
        media: { name: `${stem}.txt`, bytes: Buffer.from(`${lines.join('\n')}\n`) },
      });
    }
    writeFileSync(join(src, 'generated.json'), JSON.stringify({ objects: entities }));
    console.log(`${entities} entities in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  }
  return { src, objects: JSON.parse(readFileSync(join(src, 'generated.json'), 'utf8')).objects };
}
