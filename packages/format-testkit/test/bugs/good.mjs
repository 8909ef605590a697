// A correct minimal format ("box lines"): one text file per image, one line per axis-aligned
// box, written atomically, read back by the same rules. The deliberate-bug formats beside it
// each break one rule of the plugin contract.
import { mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** The format's reasons, by id (describe() and account() name them). */
export const MESSAGES = { boxesOnly: 'boxes only', axisAligned: 'axis-aligned boxes only' };

const drop = (messageId) => ({ action: 'drop', messageId });

/** describe(): boxes kept, everything else dropped. */
export function describeLines() {
  return {
    kinds: {
      bbox: { action: 'keep' },
      'rotated-bbox': drop('axisAligned'),
      polygon: drop('boxesOnly'),
      polyline: drop('boxesOnly'),
      keypoint: drop('boxesOnly'),
      'ungrouped-keypoint': drop('boxesOnly'),
      mask: drop('boxesOnly'),
      classification: drop('boxesOnly'),
      group: drop('boxesOnly'),
      relation: drop('boxesOnly'),
      other: drop('boxesOnly'),
    },
    splits: false,
    layout: () => ['labels/<stem>.txt'],
    owns: ['labels'],
  };
}

/** The lines of one image, accounting each annotation (`skip(a)` = leave it out of the file). */
export function linesOf(e, image, classes, ctx, skip = () => false) {
  const lines = [];
  for (const a of image.media.annotations) {
    if (
      a.kind === 'bbox' &&
      (a.rotation ?? 0) === 0 &&
      a.classCode !== null &&
      classes.has(a.classCode)
    ) {
      if (!skip(a)) {
        lines.push(`${a.classCode}\t${a.x}\t${a.y}\t${a.width}\t${a.height}`);
      }
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
  return lines;
}

/** Writes `text` to `path` through `<path>.partial`, so an interrupted write leaves no final file. */
export async function writeAtomic(path, text) {
  await writeFile(`${path}.partial`, text);
  await rename(`${path}.partial`, path);
}

export async function writeLines(input, to, _options, ctx, hooks = {}) {
  await mkdir(join(to.dir, 'labels'), { recursive: true });
  let files = 0;
  for await (const e of input.items) {
    if (hooks.checkSignal ?? true) {
      ctx.signal.throwIfAborted();
    }
    for (const image of e.images) {
      const lines = linesOf(e, image, input.classes, ctx, hooks.skip);
      const text = `${lines.join('\n')}\n${hooks.extra?.() ?? ''}`;
      await writeAtomic(join(to.dir, 'labels', `${image.stem}.txt`), text);
      files++;
    }
  }
  return { files };
}

/** The output as items (one image per label file). */
export async function readLines(at) {
  const names = (await readdir(join(at.dir, 'labels'))).filter((n) => n.endsWith('.txt')).sort();
  const items = [];
  for (const name of names) {
    const stem = name.slice(0, -4);
    const annotations = [];
    for (const line of (await readFile(join(at.dir, 'labels', name), 'utf8')).split('\n')) {
      const [cls, x, y, w, h] = line.split('\t');
      if (h !== undefined) {
        annotations.push({
          id: String(annotations.length),
          tool: 'bounding_box',
          kind: 'bbox',
          classCode: cls,
          attributes: {},
          x: Number(x),
          y: Number(y),
          width: Number(w),
          height: Number(h),
        });
      }
    }
    items.push({
      id: stem,
      sourceKind: 'folder',
      key: stem,
      stem,
      media: [{ id: 'image_1', kind: 'image', file: { name: `${stem}.jpg` }, annotations }],
    });
  }
  return {
    header: {
      source: { kind: 'synapse-folder' },
      classes: { origin: 'class-map', entries: [] },
      keypointNames: [],
      mediaKinds: ['image'],
    },
    items: async function* () {
      yield* items;
    },
  };
}

/** The probe a format without a reader gives the suite: every box line in the output. */
export async function probeLines(outDir) {
  const ds = await readLines({ dir: outDir });
  const out = [];
  for await (const it of ds.items()) {
    for (const a of it.media[0].annotations) {
      out.push({
        media: it.media[0].file.name,
        kind: 'bbox',
        class: a.classCode,
        box: { x: a.x, y: a.y, width: a.width, height: a.height },
      });
    }
  }
  return out;
}

export const format = {
  apiVersion: 1,
  id: 'box-lines',
  title: 'Box lines',
  messages: MESSAGES,
  describe: describeLines,
  write: (input, to, options, ctx) => writeLines(input, to, options, ctx),
  read: readLines,
  async detect(at) {
    try {
      return (await readdir(join(at.dir, 'labels'))).some((n) => n.endsWith('.txt')) ? 80 : 0;
    } catch {
      return 0;
    }
  },
};
