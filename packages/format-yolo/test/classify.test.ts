import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  checkAccounting,
  checkOutputHolds,
  classificationFixture,
  probeObjectsOfItems,
  readBack,
  recordingContext,
  runWriter,
  tempDir,
} from '@synx/format-testkit';
import { describe, expect, it } from 'vitest';
import { YoloOptionsSchema, yoloFormat } from '../src/index.js';

const root = tempDir('yolo-classify');
const options = YoloOptionsSchema.parse({ task: 'classify' });

describe('YOLO classify (the ultralytics classification tree)', () => {
  it('places images under <split>/<class>, writes no data.yaml or labels/, accounts everything', async () => {
    const data = await classificationFixture(join(root, 'src'));
    const run = await runWriter(yoloFormat, { task: 'classify' }, data, join(root, 'out'), {
      splits: ['train', 'val'],
    });
    checkAccounting(yoloFormat, data, run);
    const d = yoloFormat.describe(options);
    expect(run.exportItems.map((e) => d.mediaDir?.(e.split, e))).toEqual([
      'train/cat',
      'val/cat',
      'train/dog',
      undefined,
      'train/a%2Fb',
      undefined,
      'train/dog',
      undefined,
      'train/zebra',
      'val/猫',
    ]);
    expect(existsSync(join(run.dir, 'data.yaml'))).toBe(false);
    expect(existsSync(join(run.dir, 'labels'))).toBe(false);
    expect(readFileSync(join(run.dir, 'classes.txt'), 'utf8')).toBe('a%2Fb\ncat\ndog\nzebra\n猫\n');
    expect(run.issues.map((i) => i.code)).toEqual([
      'SYNX_YOLO_CLASSIFY_NO_CLASS',
      'SYNX_YOLO_CLASSIFY_MULTI_LABEL',
      'SYNX_YOLO_CLASSIFY_NO_CLASS',
      'SYNX_YOLO_CLASSIFY_SPLIT_CLASSES',
      'SYNX_YOLO_CLASSIFY_SPLIT_CLASSES',
    ]);
    expect(run.outcomes.find((o) => o.annotation.id === 'b1')?.reason).toBe(
      'YOLO classify holds one class per image; its bbox annotations are not kept',
    );
    const back = await readBack(yoloFormat, { task: 'classify' }, run.dir);
    expect(back.map((it) => it.id)).toContain('train/a%2Fb/slash.jpg');
    checkOutputHolds(yoloFormat, d, data, run, probeObjectsOfItems(back), { source: 'read back' });
    const { ctx } = recordingContext();
    expect(await yoloFormat.detect?.({ dir: run.dir }, ctx)).toBe(60);
  });

  it('says that ultralytics needs train and val splits', async () => {
    const data = await classificationFixture(join(root, 'src2'));
    const run = await runWriter(yoloFormat, { task: 'classify' }, data, join(root, 'unsplit'));
    expect(run.issues[0]).toMatchObject({
      code: 'SYNX_YOLO_CLASSIFY_SPLITS',
      severity: 'warning',
      message:
        'ultralytics classify needs train/ and val/ (or test/) folders, and this export is not split: export with --split (e.g. --split 0.8/0.2)',
    });
    const d = yoloFormat.describe(options);
    expect(d.layout(undefined).at(-1)).toContain('this export is not split');
    expect(d.layout(['train', 'val'])).toEqual([
      expect.stringContaining('classes.txt'),
      expect.stringContaining('labels.csv'),
      expect.stringContaining('counts.csv'),
      'train/<class>/<image> (with --save-original-files)',
      'val/<class>/<image> (with --save-original-files)',
    ]);
    expect(d.layout(['train', 'test']).at(-1)).toBe(
      'test/<class>/<image> (with --save-original-files)',
    );
    expect(d.layout(['train'])).toContainEqual(expect.stringContaining('no val (or test) split'));
    expect(d.loadHint?.('/data/out', ['train', 'val'])).toBe(
      'ultralytics: YOLO("yolo11n-cls.pt").train(data="/data/out") (task classify; class indices: /data/out/classes.txt)',
    );
    const t = d.kinds.classification;
    expect(t?.action === 'keep' ? t.note : '').toContain('classification.class');
    expect(d.owns).toContain('data.yaml');
  });
});

describe('classFrom belongs to the classify task', () => {
  it('is refused with another task, accepted with classify', () => {
    const other = YoloOptionsSchema.safeParse({ task: 'detect', classFrom: 'attribute:scene' });
    expect(other.success).toBe(false);
    expect(other.error?.issues[0]?.message).toMatch(
      /classFrom is an option of --yolo-task classify only/,
    );
    expect(
      YoloOptionsSchema.parse({ task: 'classify', classFrom: 'attribute:scene' }).classFrom,
    ).toBe('attribute:scene');
  });
});
