import { spawnSync } from 'node:child_process';
import { describeWriterProperties } from '@synx/format-testkit';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { expect } from 'vitest';
import { vocFormat } from '../src/index.js';

const hasXmllint = spawnSync('xmllint', ['--version']).status === 0;
const parser = new XMLParser({ parseTagValue: false, isArray: (name) => name === 'object' });
const INT = /^(?:0|[1-9]\d*)$/;

interface Voc {
  annotation: {
    size: { width: string; height: string; depth: string };
    object?: { bndbox: { xmin: string; ymin: string; xmax: string; ymax: string } }[];
  };
}

describeWriterProperties(vocFormat, {
  options: [{}, { coordinates: 'zero-based' }],
  checkFile: ({ rel, path, text }, options) => {
    if (!rel.endsWith('.xml')) {
      return;
    }
    // eslint-disable-next-line @typescript-eslint/no-deprecated -- fast-xml-parser's own validator
    expect(XMLValidator.validate(text), rel).toBe(true);
    if (hasXmllint) {
      const lint = spawnSync('xmllint', ['--noout', path], { encoding: 'utf8' });
      expect(lint.status, `${rel}: ${lint.stderr}`).toBe(0);
    }
    // What torchvision's VOCDetection and the devkit read: integer sizes and corners in the image.
    const doc = parser.parse(text) as Voc;
    const { width, height, depth } = doc.annotation.size;
    for (const v of [width, height, depth]) {
      expect(v, `${rel} size`).toMatch(INT);
    }
    const lo = options['coordinates'] === 'zero-based' ? 0 : 1;
    for (const o of doc.annotation.object ?? []) {
      const { xmin, ymin, xmax, ymax } = o.bndbox;
      for (const v of [xmin, ymin, xmax, ymax]) {
        expect(v, `${rel} bndbox ${JSON.stringify(o.bndbox)}`).toMatch(/^-?(?:0|[1-9]\d*)$/);
        expect(v, rel).not.toBe('-0');
      }
      expect(Number(xmin) <= Number(xmax) && Number(ymin) <= Number(ymax), rel).toBe(true);
      if (Number(width) > 0 && Number(height) > 0) {
        expect(Number(xmin) >= lo && Number(ymin) >= lo, `${rel} ${JSON.stringify(o.bndbox)}`).toBe(
          true,
        );
        expect(
          Number(xmax) <= Number(width) && Number(ymax) <= Number(height),
          `${rel} ${JSON.stringify(o.bndbox)} in ${width}×${height}`,
        ).toBe(true);
      }
    }
  },
});
