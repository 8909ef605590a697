import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { classMapFromList, type Annotation, type Item } from '@synx/model';
import { defineFormat } from '@synx/plugin-api';
import { describe, expect, it } from 'vitest';
import { describeFormatConformance, loadFixture, runWriter } from '../src/index.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';

/** A minimal third-party-style format: one text line per box, read back by the same rules. */
const boxLines = defineFormat({
  apiVersion: 1,
  id: 'box-lines',
  title: 'Box lines',
  messages: { hull: 'hull', boxesOnly: 'boxes only' },
  describe: () => ({
    kinds: {
      bbox: { action: 'keep' },
      'rotated-bbox': { action: 'convert', to: 'bbox', messageId: 'hull' },
      polygon: { action: 'drop', messageId: 'boxesOnly' },
      polyline: { action: 'drop', messageId: 'boxesOnly' },
      keypoint: { action: 'drop', messageId: 'boxesOnly' },
      'ungrouped-keypoint': { action: 'drop', messageId: 'boxesOnly' },
      mask: { action: 'drop', messageId: 'boxesOnly' },
      classification: { action: 'drop', messageId: 'boxesOnly' },
      group: { action: 'drop', messageId: 'boxesOnly' },
      relation: { action: 'drop', messageId: 'boxesOnly' },
      other: { action: 'drop', messageId: 'boxesOnly' },
    },
    splits: false,
    layout: () => ['boxes.txt'],
    owns: ['boxes.txt'],
  }),
  async write(input, to, _options, ctx) {
    const lines: string[] = [];
    for await (const e of input.items) {
      ctx.signal.throwIfAborted();
      for (const image of e.images) {
        lines.push(`# ${image.stem}`);
        for (const a of image.media.annotations) {
          if (
            a.kind === 'bbox' &&
            (a.rotation ?? 0) === 0 &&
            a.classCode !== null &&
            input.classes.has(a.classCode)
          ) {
            lines.push(`${a.classCode}\t${a.x}\t${a.y}\t${a.width}\t${a.height}`);
            ctx.account({ item: e.item, media: image.media, annotation: a, outcome: 'written' });
          } else {
            ctx.account({
              item: e.item,
              media: image.media,
              annotation: a,
              outcome: 'dropped',
              messageId: 'boxesOnly',
            });
          }
        }
      }
    }
    await mkdir(to.dir, { recursive: true });
    await writeFile(join(to.dir, 'boxes.txt'), `${lines.join('\n')}\n`);
    return { files: 1 };
  },
  async read(at) {
    const items: Item[] = [];
    for (const line of (await readFile(join(at.dir, 'boxes.txt'), 'utf8')).split('\n')) {
      if (line.startsWith('# ')) {
        items.push({
          id: line.slice(2),
          sourceKind: 'folder',
          key: line.slice(2),
          stem: line.slice(2),
          media: [
            {
              id: 'image_1',
              kind: 'image',
              file: { name: `${line.slice(2)}.jpg` },
              annotations: [],
            },
          ],
        });
      } else if (line !== '') {
        const [cls = '', x, y, w, h] = line.split('\t');
        const a: Annotation = {
          id: String(items.length),
          tool: 'bounding_box',
          kind: 'bbox',
          classCode: cls,
          attributes: {},
          x: Number(x),
          y: Number(y),
          width: Number(w),
          height: Number(h),
        };
        items[items.length - 1]?.media[0]?.annotations.push(a);
      }
    }
    return {
      header: {
        source: { kind: 'synapse-folder' },
        classes: classMapFromList([]).toJSON(),
        keypointNames: [],
        mediaKinds: ['image'],
      },
      items: async function* () {
        yield* items;
      },
    };
  },
});

describeFormatConformance(boxLines, { fixtures: ['rich', 'voc'] });

describe('the testkit catches broken formats', () => {
  it('a writer that forgets to account an annotation is caught', async () => {
    const lazy = defineFormat({
      ...boxLines,
      id: 'lazy',
      async write(input, to) {
        for await (const _ of input.items) {
          // writes nothing, accounts nothing
        }
        await mkdir(to.dir, { recursive: true });
        return { files: 0 };
      },
    });
    const dir = mkdtempSync(join(tmpdir(), 'synx-testkit-'));
    try {
      const data = await loadFixture('rich', join(dir, 'src'));
      const run = await runWriter(lazy, {}, data, join(dir, 'out'));
      expect(run.outcomes).toHaveLength(0);
      expect(
        data.items.flatMap((i) => i.media.flatMap((m) => m.annotations)).length,
      ).toBeGreaterThan(10);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
