import { describeWriterProperties } from '@synx/format-testkit';
import { parse } from 'csv-parse/sync';
import { expect } from 'vitest';
import { csvFormat } from '../src/index.js';

/** A number cell as a spreadsheet or pandas reads it: plain, finite, never `-0`. */
const NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:e[+-]?\d+)?$/;

const NUMERIC: Record<string, readonly string[]> = {
  synx: ['width', 'height', 'class_id', 'xmin', 'ymin', 'xmax', 'ymax', 'rotation'],
  tfod: ['width', 'height', 'xmin', 'ymin', 'xmax', 'ymax'],
  openimages: ['XMin', 'XMax', 'YMin', 'YMax'],
};

describeWriterProperties(csvFormat, {
  options: [{}, { preset: 'tfod' }, { preset: 'openimages' }],
  checkFile: ({ rel, text }, options) => {
    expect(rel.endsWith('.csv'), rel).toBe(true);
    // Strict: every record has exactly the header's columns.
    const rows: string[][] = parse(text, { bom: true, relax_column_count: false });
    const [header, ...records] = rows;
    expect(header, rel).toBeDefined();
    const preset = typeof options['preset'] === 'string' ? options['preset'] : 'synx';
    const columns = (NUMERIC[preset] ?? []).map((c) => header?.indexOf(c) ?? -1);
    expect(
      columns.every((i) => i >= 0),
      rel,
    ).toBe(true);
    for (const r of records) {
      expect(r.length, rel).toBe(header?.length);
      for (const i of columns) {
        const cell = r[i] ?? '';
        if (cell === '' && preset === 'synx') {
          continue; // synx leaves a cell empty when the annotation has no such number
        }
        expect(cell, `${rel}: ${header?.[i] ?? ''} in ${JSON.stringify(r)}`).toMatch(NUMBER);
        expect(cell, rel).not.toBe('-0');
        if (preset === 'openimages') {
          expect(Number(cell) >= 0 && Number(cell) <= 1, `${rel}: ${cell}`).toBe(true);
        }
      }
    }
  },
});
