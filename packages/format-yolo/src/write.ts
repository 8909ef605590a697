import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type Annotation, type Item, type Media, SynxError } from '@synx/model';
import {
  writableMedia,
  writeError,
  writeFileAtomic,
  writeFileAtomicSync,
  WriterKit,
  type AnnotationScope,
  type FormatContext,
  type MediaEncoders,
  type OutputFile,
  type WriteInput,
  type WriteResult,
} from '@synx/plugin-api';
import { parseClassRule, writeImageClasses } from '@synx/format-imagefolder';
import { dataYaml } from './data-yaml.js';
import {
  classifySplitsProblem,
  describeClassify,
  describeYolo,
  UNSUPPORTED_KINDS,
} from './describe.js';
import { encodeObject } from './encode.js';
import { Normaliser } from './geometry.js';
import type { YoloMessageId } from './messages.js';
import type { YoloOptions } from './options.js';
import { TASKS, type ImageContext, type YoloTaskModule } from './tasks/index.js';

/**
 * The label folders (`labels/` or `labels/<split>/`): one file per image, with the files and
 * label lines written per folder. Every split's folder exists, even an empty one (a trainer's
 * config names it).
 */
class LabelFolders {
  files = 0;
  readonly #dir: string;
  readonly #splits: readonly string[] | undefined;
  /** Files and lines per folder (key: the split, `''` when not split). */
  readonly #counts = new Map<string, { files: number; lines: number }>();

  constructor(dir: string, splits: readonly string[] | undefined) {
    this.#dir = dir;
    this.#splits = splits;
    for (const s of splits ?? []) {
      this.#make(s);
    }
  }

  #path(split: string | undefined): string {
    return split === undefined ? join(this.#dir, 'labels') : join(this.#dir, 'labels', split);
  }

  #count(split: string | undefined): { files: number; lines: number } {
    const key = split ?? '';
    let f = this.#counts.get(key);
    if (f === undefined) {
      f = { files: 0, lines: 0 };
      this.#counts.set(key, f);
    }
    return f;
  }

  #make(split: string | undefined): void {
    const folder = this.#path(split);
    try {
      mkdirSync(folder, { recursive: true });
    } catch (err) {
      throw writeError(folder, err);
    }
    this.#count(split);
  }

  /**
   * One label file, atomically (`.partial` + rename): a killed run never leaves an empty or
   * truncated label under its final name. Synchronous: one small file per image is written
   * faster without a promise and a thread-pool round trip (the folder is made on first use).
   */
  write(split: string | undefined, stem: string, lines: readonly string[]): void {
    writeFileAtomicSync(
      join(this.#path(split), `${stem}.txt`),
      lines.length === 0 ? '' : `${lines.join('\n')}\n`,
    );
    this.files++;
    const f = this.#count(split);
    f.files++;
    f.lines += lines.length;
  }

  /** The folders as outputs; an unsplit export without images still gets its `labels/`. */
  outputs(): OutputFile[] {
    if (this.files === 0 && this.#splits === undefined) {
      this.#make(undefined);
    }
    // One label file per image: `images` counts the images that have one.
    return [...this.#counts.entries()]
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([split, f]) => ({
        path: split === '' ? 'labels/' : `labels/${split}/`,
        files: f.files,
        images: f.files,
        annotations: f.lines,
        ...(split !== '' && this.#splits?.includes(split) === true ? { split } : {}),
      }));
  }
}

/** Kinds no task holds: dropped naming the task and the kind, as the plan says. */
const unsupported = (a: Annotation, s: AnnotationScope<YoloMessageId>): void => {
  s.drop('unsupported', { kind: a.kind });
};
const REST: NonNullable<MediaEncoders<YoloMessageId>['rest']> = Object.fromEntries(
  UNSUPPORTED_KINDS.map((k) => [k, unsupported]),
);

/** The label lines of one image, or undefined when its size is unknown (no label file). */
function imageLines(
  kit: WriterKit<YoloMessageId>,
  task: YoloTaskModule,
  item: Item,
  media: Media,
  base: Omit<ImageContext, 'width' | 'height' | 'norm'>,
): string[] | undefined {
  const w = media.width;
  const h = media.height;
  if (w === undefined || h === undefined) {
    kit.dropAll(item, media, 'sizeUnknown');
    return undefined;
  }
  const c: ImageContext = { ...base, width: w, height: h, norm: new Normaliser(w, h) };
  const lines: string[] = [];
  kit.walk(item, media, {
    rest: REST,
    object: (o) => {
      const line = encodeObject(task, o, c);
      if (line !== undefined) {
        lines.push(line);
      }
    },
  });
  return lines;
}

/**
 * Writes ultralytics YOLO labels: `labels/<split>/<image stem>.txt` (an empty file for an image
 * without objects), and `data.yaml` (`path`, `train`, `val`, `test`, `names` as an index→name
 * map; `kpt_shape`/`flip_idx` for pose). One task per export, so files never mix row kinds.
 */
export async function writeYolo(
  input: WriteInput,
  dir: string,
  options: YoloOptions,
  ctx: FormatContext<YoloMessageId>,
): Promise<WriteResult> {
  if (options.task === 'classify') {
    return writeClassify(input, dir, options, ctx);
  }
  const keypointNames = input.keypointNames;
  if (options.task === 'pose' && keypointNames.length === 0) {
    throw new SynxError(
      'SYNX_INVALID_INPUT',
      'the YOLO pose task needs keypoint classes, and the project configures none',
      { hint: 'configure keypoint classes in the project, or choose --yolo-task detect' },
    );
  }
  const task = TASKS[options.task];
  const kit = new WriterKit<YoloMessageId>({
    description: describeYolo(options),
    classes: input.classes,
    ctx,
    data: { format: `YOLO ${options.task} labels` },
  });
  const base = {
    options,
    keypointIndex: new Map(keypointNames.map((n, i) => [n, i])),
    keypointCount: keypointNames.length,
    report: (issue: Parameters<typeof ctx.report>[0]) => {
      ctx.report(issue);
    },
  };
  const labels = new LabelFolders(dir, input.splits);
  for await (const e of input.items) {
    ctx.signal.throwIfAborted();
    for (const image of e.images) {
      // Annotations with unusable numbers are accounted and left out; an unusable size is unknown.
      const media = writableMedia(e.item, image.media, ctx);
      const lines = imageLines(kit, task, e.item, media, base);
      if (lines !== undefined) {
        labels.write(e.split, image.stem, lines);
      }
    }
  }
  const outputs = labels.outputs();
  await writeFileAtomic(
    join(dir, 'data.yaml'),
    dataYaml(dir, options, input.splits, input.classes, keypointNames, input.mediaSaved),
  );
  outputs.push({ path: 'data.yaml' });
  return { files: labels.files + 1, outputs };
}

/**
 * `classify`: the ultralytics classification tree (`train/<class>/<image>`, `val/…`, `test/…`),
 * written by `@synx/format-imagefolder`'s writer (`classes.txt`, `labels.csv`, `counts.csv`;
 * synx saves the images into the class folders). Warns when ultralytics would lack a split.
 */
async function writeClassify(
  input: WriteInput,
  dir: string,
  options: YoloOptions,
  ctx: FormatContext<YoloMessageId>,
): Promise<WriteResult> {
  const problem = classifySplitsProblem(input.splits);
  if (problem !== undefined) {
    ctx.report({ code: 'SYNX_YOLO_CLASSIFY_SPLITS', severity: 'warning', message: problem });
  }
  const { files, outputs } = await writeImageClasses(
    input,
    dir,
    {
      rule: parseClassRule(options.classFrom ?? 'classification'),
      format: 'YOLO classify',
      description: describeClassify(options),
      issuePrefix: 'SYNX_YOLO_CLASSIFY',
      consumer: 'ultralytics (an ImageFolder per split)',
    },
    ctx,
  );
  return { files, outputs };
}
