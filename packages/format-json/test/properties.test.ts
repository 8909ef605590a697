import { describeWriterProperties } from '@synx/format-testkit';
import { expect } from 'vitest';
import { jsonFormat } from '../src/index.js';

/** Paths of every `null` below a geometry key (a NaN that JSON.stringify turned into null). */
function nullsInGeometry(v: unknown, path: string, inGeometry: boolean, out: string[]): void {
  if (v === null) {
    if (inGeometry) {
      out.push(path);
    }
    return;
  }
  if (typeof v !== 'object') {
    return;
  }
  for (const [k, child] of Object.entries(v as Record<string, unknown>)) {
    nullsInGeometry(
      child,
      `${path}.${k}`,
      inGeometry || k === 'coordinate' || k === 'pixel_indices',
      out,
    );
  }
}

describeWriterProperties(jsonFormat, {
  checkFile: ({ rel, text }) => {
    expect(rel).toMatch(/^json\/[^/]+\.json$/);
    const nulls: string[] = [];
    nullsInGeometry(JSON.parse(text), '$', false, nulls);
    expect(nulls, rel).toEqual([]);
  },
});
