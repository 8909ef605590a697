import {
  describeWriterProperties,
  PROPERTY_CLASSES,
  PROPERTY_KEYPOINTS,
} from '@synx/format-testkit';
import { expect } from 'vitest';
import { parse } from 'yaml';
import { yoloFormat } from '../src/index.js';

/** A normalised coordinate as written: 6 decimals, no sign, within [0, 1]. */
const COORD = /^(?:0\.\d{6}|1\.000000)$/;

describeWriterProperties(yoloFormat, {
  options: [{ task: 'detect' }, { task: 'segment' }, { task: 'pose' }, { task: 'obb' }],
  checkFile: ({ rel, text }, options) => {
    if (rel === 'data.yaml') {
      for (const version of ['1.1', '1.2'] as const) {
        const doc = parse(text, { version }) as { names: Record<string, string> };
        expect(Object.values(doc.names)).toEqual([...PROPERTY_CLASSES]);
      }
      return;
    }
    expect(rel).toMatch(/^labels\/[^/]+\.txt$/);
    // What ultralytics' label loader accepts: whitespace-separated finite numbers per row.
    for (const row of text.split('\n').slice(0, -1)) {
      const [cls, ...rest] = row.split(' ');
      expect(cls, `${rel}: class id in "${row}"`).toMatch(/^\d+$/);
      expect(Number(cls)).toBeLessThan(PROPERTY_CLASSES.length);
      const task = options['task'];
      const count =
        task === 'pose'
          ? 4 + 3 * PROPERTY_KEYPOINTS.length
          : task === 'obb'
            ? 8
            : task === 'segment'
              ? rest.length
              : 4;
      expect(rest.length, `${rel}: "${row}"`).toBe(count);
      if (task === 'segment') {
        expect(rest.length % 2 === 0 && rest.length >= 6, `${rel}: "${row}"`).toBe(true);
      }
      rest.forEach((token, i) => {
        if (task === 'pose' && i >= 4 && (i - 4) % 3 === 2) {
          expect(token, `${rel}: visibility in "${row}"`).toMatch(/^[012]$/);
        } else {
          expect(token, `${rel}: coordinate ${i} in "${row}"`).toMatch(COORD);
        }
      });
    }
    expect(text === '' || text.endsWith('\n'), rel).toBe(true);
  },
});
