import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import {
  parseVocXml,
  realFixture,
  writeFolderFromVoc,
  writeSyntheticFolder,
} from '@synx/fake-synapse';
import { csvFormat } from '@synx/format-csv';
import { vocFormat } from '@synx/format-voc';
import { describe, expect, it } from 'vitest';
import { runExport } from '../src/index.js';
import { tempDir } from './helpers.js';

const voc = vocFormat;
const csv = csvFormat;
const root = tempDir('fixtures-voc-csv');
const annotationsDir = realFixture('voc2012-multiformat', 'voc', 'Annotations');
const hasXmllint = spawnSync('xmllint', ['--version']).status === 0;

/** The VOC 2012 fixture as a Synapse folder (flags as classification attributes). */
async function vocFolder(name: string): Promise<string> {
  const dir = join(root, name);
  await writeFolderFromVoc({ annotationsDir, outDir: dir, media: 'placeholder' });
  return dir;
}

describe('VOC 2012 as a Synapse folder → --format voc', () => {
  it('writes every box within 1 px of the original XML, with pose/truncated/difficult', async () => {
    const out = join(root, 'voc-voc');
    const summary = await runExport({
      source: { kind: 'folder', dir: await vocFolder('voc-src') },
      format: voc,
      output: out,
    });
    expect(summary.dropped).toEqual([]);
    const devkit = join(out, 'VOCdevkit', 'VOC2012');
    const originals = readdirSync(annotationsDir).filter((f) => f.endsWith('.xml'));
    expect(readdirSync(join(devkit, 'Annotations')).sort()).toEqual(originals.sort());
    let objects = 0;
    for (const f of originals) {
      const theirs = parseVocXml(readFileSync(join(annotationsDir, f), 'utf8'), f);
      const ours = parseVocXml(readFileSync(join(devkit, 'Annotations', f), 'utf8'), f);
      expect([ours.filename, ours.width, ours.height]).toEqual([
        theirs.filename,
        theirs.width,
        theirs.height,
      ]);
      expect(ours.objects).toHaveLength(theirs.objects.length);
      theirs.objects.forEach((t, k) => {
        const o = ours.objects[k]!;
        expect(o.name).toBe(t.name);
        for (const c of ['xmin', 'ymin', 'xmax', 'ymax'] as const) {
          expect(Math.abs(o[c] - t[c]), `${f} #${k} ${c}`).toBeLessThanOrEqual(1);
        }
        expect([o.pose, o.truncated, o.difficult], `${f} #${k}`).toEqual([
          t.pose,
          t.truncated,
          t.difficult,
        ]);
        objects++;
      });
    }
    expect(objects).toBe(78);
    // the convention is stated in the manifest
    const manifest = JSON.parse(readFileSync(join(out, 'synx-export.json'), 'utf8')) as {
      format: { options: { coordinates: string }; treatments: { bbox: { note: string } } };
    };
    expect(manifest.format.options.coordinates).toBe('one-based');
    expect(manifest.format.treatments.bbox.note).toContain('1-based inclusive');
    if (hasXmllint) {
      const files = readdirSync(join(devkit, 'Annotations')).map((f) =>
        join(devkit, 'Annotations', f),
      );
      const run = spawnSync('xmllint', ['--noout', ...files], { encoding: 'utf8' });
      expect(run.status, run.stderr).toBe(0);
    }
  });
});

describe('VOC 2012 as a Synapse folder → --format csv --csv-preset openimages', () => {
  it('matches openimages_style.csv by value', async () => {
    const out = join(root, 'voc-oi');
    await runExport({
      source: { kind: 'folder', dir: await vocFolder('oi-src') },
      format: csv,
      formatOptions: { preset: 'openimages' },
      output: out,
    });
    const ours: string[][] = parse(readFileSync(join(out, 'annotations.csv'), 'utf8'));
    const theirs: string[][] = parse(
      readFileSync(realFixture('voc2012-multiformat', 'openimages_style.csv'), 'utf8'),
    );
    expect(ours[0]).toEqual(theirs[0]);
    // the reference writes decimal commas; values are compared as numbers
    const num = (cell: string | undefined): number => Number((cell ?? '').replace(',', '.'));
    const pool = theirs.slice(1);
    expect(ours.slice(1)).toHaveLength(pool.length);
    for (const row of ours.slice(1)) {
      const i = pool.findIndex(
        (ref) =>
          ref[0] === row[0] &&
          ref[2] === row[2] &&
          [4, 5, 6, 7].every((c) => Math.abs(num(ref[c]) - num(row[c])) <= 1e-6),
      );
      expect(i, row.join(',')).toBeGreaterThanOrEqual(0);
      pool.splice(i, 1);
    }
    expect(pool).toEqual([]);
  });
});

describe('a formula-looking class name', () => {
  const evil = '=HYPERLINK("http://evil.example/?q=1&x=<2>","click")';
  it('is neutralised in CSV and escaped in VOC XML', async () => {
    const src = join(root, 'evil-src');
    await writeSyntheticFolder({
      outDir: src,
      items: 4,
      objectsPerItem: 3,
      classes: [evil, '+cmd', 'car'],
      seed: 7,
    });
    const csvOut = join(root, 'evil-csv');
    await runExport({ source: { kind: 'folder', dir: src }, format: csv, output: csvOut });
    const text = readFileSync(join(csvOut, 'annotations.csv'), 'utf8');
    const rows: string[][] = parse(text);
    const classCells = new Set(rows.slice(1).map((r) => r[4]));
    expect(classCells).toContain(`'${evil}`);
    expect(classCells).toContain("'+cmd");
    expect(classCells).not.toContain(evil);
    // no cell of any row starts with a formula trigger
    for (const row of rows) {
      for (const cell of row) {
        if (Number.isNaN(Number(cell))) {
          expect(cell, row.join(',')).not.toMatch(/^[=+\-@\t\r]/);
        }
      }
    }

    const vocOut = join(root, 'evil-voc');
    await runExport({ source: { kind: 'folder', dir: src }, format: voc, output: vocOut });
    const dir = join(vocOut, 'VOCdevkit', 'VOC2012', 'Annotations');
    const names = new Set<string>();
    for (const f of readdirSync(dir)) {
      const xml = readFileSync(join(dir, f), 'utf8');
      if (xml.includes('HYPERLINK')) {
        expect(xml).toContain('&lt;2&gt;');
        expect(xml).toContain('&amp;x=');
        expect(xml).not.toContain('<2>');
      }
      for (const o of parseVocXml(xml, f).objects) {
        names.add(o.name);
      }
    }
    // parsed back, the name is exactly the class name
    expect(names).toContain(evil);
    expect(readFileSync(join(vocOut, 'VOCdevkit', 'VOC2012', 'labelmap.txt'), 'utf8')).toContain(
      'HYPERLINK',
    );
  });
});
