import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  bridgePolygons,
  pixelIndicesBbox,
  pointsExtent,
  rotatedBoxCorners,
  rotatedBoxHull,
  traceContours,
  type Box,
  type Contour,
  type Point,
} from '@synx/geometry';
import {
  type Annotation,
  boxOnlyInstance,
  type Instance,
  instancesOf,
  keypointVisibility,
  type Item,
  type JsonValue,
  type Media,
  SynxError,
  unknownClassReason,
} from '@synx/model';
import {
  writableMedia,
  writeError,
  writeFileAtomic,
  writeFileAtomicSync,
  type FormatContext,
  type OutputFile,
  type WriteInput,
  type WriteResult,
} from '@synx/plugin-api';
import type { YoloOptions } from './options.js';
import { yamlQuoted } from './yaml.js';

function caseLike(found: string, word: string): string {
  if (found === found.toUpperCase()) {
    return word.toUpperCase();
  }
  const first = found.charAt(0);
  return first !== first.toLowerCase() ? `${word.charAt(0).toUpperCase()}${word.slice(1)}` : word;
}

const FLIP_CHAR: Record<string, string> = { l: 'r', r: 'l', L: 'R', R: 'L' };

/** The mirror name of a keypoint: `left_eye` ↔ `right_eye`, `l_hip` ↔ `r_hip`, `hip_L` ↔ `hip_R`. */
function mirrorName(n: string): string | undefined {
  if (/left/i.test(n)) {
    return n.replace(/left/gi, (m) => caseLike(m, 'right'));
  }
  if (/right/i.test(n)) {
    return n.replace(/right/gi, (m) => caseLike(m, 'left'));
  }
  const pre = /^([lr])([_\-. ].*)$/i.exec(n);
  if (pre !== null) {
    return `${FLIP_CHAR[pre[1] ?? ''] ?? ''}${pre[2] ?? ''}`;
  }
  const suf = /^(.*[_\-. ])([lr])$/i.exec(n);
  if (suf !== null) {
    return `${suf[1] ?? ''}${FLIP_CHAR[suf[2] ?? ''] ?? ''}`;
  }
  return undefined;
}

/**
 * `flip_idx` for ultralytics pose: for each keypoint, the index of its mirror (left ↔ right), or
 * itself. Undefined when no name pairs up (then `flip_idx` is not written).
 */
export function flipIndex(names: readonly string[]): number[] | undefined {
  const index = new Map(names.map((n, i) => [n, i]));
  const out = names.map((n, i) => {
    const mirror = mirrorName(n);
    const j = mirror === undefined ? undefined : index.get(mirror);
    return j ?? i;
  });
  return out.some((j, i) => j !== i) ? out : undefined;
}

function crowdOf(value: JsonValue | undefined): boolean {
  return value === true || value === 1 || value === '1' || value === 'true';
}

const SLACK = 1e-9;

/**
 * Normalises coordinates to [0, 1] with 6 decimals. Values outside (beyond float noise) are
 * clamped and flagged so the caller can count them.
 */
class Normaliser {
  clamped = false;
  readonly #w: number;
  readonly #h: number;
  constructor(w: number, h: number) {
    this.#w = w;
    this.#h = h;
  }
  #n(v: number, size: number): string {
    let u = v / size;
    if (u < 0 || u > 1) {
      if (u < -SLACK || u > 1 + SLACK) {
        this.clamped = true;
      }
      u = Math.min(1, Math.max(0, u));
    }
    return u.toFixed(6);
  }
  x(v: number): string {
    return this.#n(v, this.#w);
  }
  y(v: number): string {
    return this.#n(v, this.#h);
  }
  /** `cx cy w h` of a box, clamped to the image first (so a box half outside shrinks, not shifts). */
  box(b: Box): string | undefined {
    const x0 = Math.min(Math.max(b.x, 0), this.#w);
    const y0 = Math.min(Math.max(b.y, 0), this.#h);
    const x1 = Math.min(Math.max(b.x + b.width, 0), this.#w);
    const y1 = Math.min(Math.max(b.y + b.height, 0), this.#h);
    if (
      Math.abs(x0 - b.x) > SLACK ||
      Math.abs(y0 - b.y) > SLACK ||
      Math.abs(x1 - b.x - b.width) > SLACK ||
      Math.abs(y1 - b.y - b.height) > SLACK
    ) {
      this.clamped = true;
    }
    if (x1 - x0 <= 0 || y1 - y0 <= 0) {
      return undefined;
    }
    return `${this.x((x0 + x1) / 2)} ${this.y((y0 + y1) / 2)} ${this.x(x1 - x0)} ${this.y(y1 - y0)}`;
  }
  points(ps: readonly Point[]): string {
    return ps.map((p) => `${this.x(p.x)} ${this.y(p.y)}`).join(' ');
  }
}

function extentOf(boxes: readonly Box[]): Box {
  return pointsExtent(
    boxes.flatMap((e) => [
      { x: e.x, y: e.y },
      { x: e.x + e.width, y: e.y + e.height },
    ]),
  );
}

/** The largest mask extent traced (pixels): the tracer's grids take ~5 bytes per pixel. */
const MAX_TRACE_PIXELS = 1 << 25;

/**
 * The outlines of a mask, traced within its extent (so the work and memory follow the mask,
 * not the image: a small mask on a 100,000 × 100,000 scan is cheap), or why it is not traced.
 */
function traceMask(indices: readonly number[], w: number, h: number): Contour[] | string {
  const [x0, y0, bw, bh] = pixelIndicesBbox(indices, w, h);
  if (bw === 0 || bh === 0) {
    return [];
  }
  if (bw * bh > MAX_TRACE_PIXELS) {
    return `the mask spans ${bw}×${bh} px, too large to trace (at most ${MAX_TRACE_PIXELS.toLocaleString('en-US')} px)`;
  }
  const total = w * h;
  const local: number[] = [];
  for (const idx of indices) {
    if (idx >= 0 && idx < total && Number.isInteger(idx)) {
      const y = Math.floor(idx / w);
      local.push((y - y0) * bw + (idx - y * w - x0));
    }
  }
  return traceContours(local, bw, bh).map((c) => ({
    area: c.area,
    points: c.points.map((p) => ({ x: p.x + x0, y: p.y + y0 })),
  }));
}

function maskExtent(indices: readonly number[], w: number, h: number): Box {
  const [x, y, bw, bh] = pixelIndicesBbox(indices, w, h);
  return { x, y, width: bw, height: bh };
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
  ctx: FormatContext,
): Promise<WriteResult> {
  const { task } = options;
  const classes = input.classes;
  const keypointNames = input.keypointNames;
  if (task === 'pose' && keypointNames.length === 0) {
    throw new SynxError(
      'SYNX_INVALID_INPUT',
      'the YOLO pose task needs keypoint classes, and the project configures none',
      {
        hint: 'configure keypoint classes in the project, or choose --yolo-task detect',
      },
    );
  }
  const keypointIndex = new Map(keypointNames.map((n, i) => [n, i]));
  let files = 0;

  const labelDir = (split: string | undefined): string =>
    split === undefined ? join(dir, 'labels') : join(dir, 'labels', split);
  const makeDir = (folder: string): void => {
    try {
      mkdirSync(folder, { recursive: true });
    } catch (err) {
      throw writeError(folder, err);
    }
  };
  /**
   * One label file, atomically (`.partial` + rename): a killed run never leaves an empty or
   * truncated label under its final name. Synchronous: one small file per image is written
   * faster without a promise and a thread-pool round trip (the folder is made on first use).
   */
  const writeLabel = (split: string | undefined, stem: string, text: string): void => {
    writeFileAtomicSync(join(labelDir(split), `${stem}.txt`), text);
  };

  const imageLines = (item: Item, media: Media): string[] | undefined => {
    const drop = (a: Annotation, reason: string, quiet = false): void => {
      ctx.account({ item, media, annotation: a, outcome: 'dropped', reason, quiet });
    };
    const w = media.width;
    const h = media.height;
    if (w === undefined || h === undefined) {
      for (const a of media.annotations) {
        drop(a, 'the image size is unknown, and YOLO coordinates are relative to it');
      }
      return undefined;
    }
    const iw: number = w;
    const ih: number = h;
    const { instances, rest } = instancesOf(media);
    for (const a of rest) {
      if (a.kind === 'other') {
        drop(a, `not interpretable (${a.reason}); kept only in raw JSON`, true);
      } else if (a.kind === 'keypoint') {
        drop(
          a,
          task === 'pose'
            ? 'a keypoint outside an annotation group belongs to no instance'
            : 'keypoints need --yolo-task pose (and an annotation group per instance)',
        );
      } else if (a.kind === 'classification') {
        drop(a, 'YOLO labels hold objects, not image-level labels');
      } else if (a.kind === 'group') {
        drop(a, 'a group without boxes, polygons, masks or keypoints has nothing to draw');
      } else {
        drop(a, `YOLO ${task} labels cannot hold ${a.kind} annotations`);
      }
    }
    const lines: string[] = [];
    const norm = new Normaliser(w, h);
    for (const inst of instances) {
      const line = instanceLine(inst);
      if (line !== undefined) {
        lines.push(line);
      }
    }
    return lines;

    function instanceLine(inst: Instance): string | undefined {
      const done = new Set<Annotation>();
      const dropPart = (a: Annotation, reason: string, quiet = false): void => {
        if (!done.has(a)) {
          done.add(a);
          drop(a, reason, quiet);
        }
      };
      const dropRest = (reason: string, quiet = false): void => {
        for (const p of inst.parts) {
          dropPart(p, reason, quiet);
        }
      };
      const cls = inst.classCode === null ? undefined : classes.get(inst.classCode);
      if (cls === undefined) {
        if (inst.classCode === null) {
          dropRest('the object has no class');
        } else {
          dropRest(unknownClassReason(inst.classCode), true);
        }
        return undefined;
      }
      if (options.crowd === 'skip' && crowdOf(inst.attributes['iscrowd'])) {
        dropRest('crowd region: skipped as ultralytics does (--option crowd=keep writes it)');
        return undefined;
      }
      const [box, ...extraBoxes] = inst.boxes;
      for (const extra of extraBoxes) {
        done.add(extra);
        const l = instanceLine(boxOnlyInstance(inst, extra));
        if (l !== undefined) {
          lines.push(l);
        }
      }
      for (const pl of inst.polylines) {
        dropPart(pl, 'YOLO has no polylines');
      }
      const polys = inst.polygons.filter((p) => {
        if (p.points.length < 3) {
          dropPart(p, 'a polygon needs at least 3 vertices');
          return false;
        }
        return true;
      });
      const outcomes: { a: Annotation; outcome: 'written' | 'converted'; reason?: string }[] = [];
      let body: string | undefined;

      if (task === 'segment') {
        let outline: Point[] | undefined;
        if (polys.length > 0) {
          outline =
            polys.length === 1 ? polys[0]?.points : bridgePolygons(polys.map((p) => p.points));
          for (const p of polys) {
            outcomes.push(
              polys.length === 1
                ? { a: p, outcome: 'written' }
                : {
                    a: p,
                    outcome: 'converted',
                    reason:
                      'polygon parts joined into one outline (zero-width bridges, as ultralytics does)',
                  },
            );
          }
          for (const m of inst.masks) {
            dropPart(m, 'the object already has polygons; a YOLO segment is one outline');
          }
        } else if (inst.masks.length > 0) {
          if (options.masks === 'skip') {
            for (const m of inst.masks) {
              dropPart(m, 'masks are skipped (--option masks=trace traces them)');
            }
          } else {
            const traced: { m: Annotation; contours: Contour[] }[] = [];
            for (const m of inst.masks) {
              const t = traceMask(m.pixelIndices, iw, ih);
              if (typeof t === 'string') {
                dropPart(m, t);
              } else {
                traced.push({ m, contours: t });
              }
            }
            const contours = traced.flatMap((t) => t.contours);
            if (contours.length > 0) {
              outline = bridgePolygons(contours.map((c) => c.points));
              for (const t of traced) {
                outcomes.push({
                  a: t.m,
                  outcome: 'converted',
                  reason: 'mask traced to its outline (holes filled; parts bridged)',
                });
              }
            } else {
              for (const t of traced) {
                dropPart(t.m, 'empty mask');
              }
            }
          }
        }
        if (outline === undefined && box !== undefined) {
          if (options.boxes === 'skip') {
            dropPart(
              box,
              'a box-only object is skipped in segment labels (--option boxes=polygon writes its corners)',
            );
          } else {
            outline = rotatedBoxCorners(box);
            outcomes.push({
              a: box,
              outcome: 'converted',
              reason: 'box written as its 4 corners (segment labels are polygons)',
            });
          }
        } else if (box !== undefined) {
          outcomes.push({
            a: box,
            outcome: 'converted',
            reason: 'the object’s box is implied by its outline in segment labels',
          });
        }
        for (const k of inst.keypoints) {
          dropPart(k, 'keypoints need --yolo-task pose');
        }
        if (outline !== undefined && outline.length >= 3) {
          const ext = pointsExtent(outline);
          if (ext.width > 0 && ext.height > 0) {
            body = norm.points(outline);
          }
        }
      } else if (task === 'obb') {
        let corners: Point[] | undefined;
        if (box !== undefined) {
          corners = rotatedBoxCorners(box);
          outcomes.push({ a: box, outcome: 'written' });
        } else {
          const exts: Box[] = [
            ...polys.map((p) => pointsExtent(p.points)),
            ...inst.masks.map((m) => maskExtent(m.pixelIndices, iw, ih)),
            ...(inst.keypoints.length > 1 ? [pointsExtent(inst.keypoints)] : []),
          ];
          if (exts.length > 0) {
            corners = rotatedBoxCorners(extentOf(exts));
            for (const a of [
              ...polys,
              ...inst.masks,
              ...(inst.keypoints.length > 1 ? inst.keypoints : []),
            ]) {
              outcomes.push({
                a,
                outcome: 'converted',
                reason: `${a.kind} written as its axis-aligned extent (an OBB with no rotation)`,
              });
            }
          }
        }
        if (box !== undefined) {
          for (const a of [...polys, ...inst.masks]) {
            dropPart(a, 'OBB labels hold the object’s box; its outline is not kept');
          }
        }
        for (const k of inst.keypoints) {
          dropPart(k, 'keypoints need --yolo-task pose');
        }
        if (corners !== undefined) {
          const ext = pointsExtent(corners);
          if (ext.width > 0 && ext.height > 0) {
            body = norm.points(corners);
          }
        }
      } else {
        // detect and pose: an axis-aligned box first
        let b: Box | undefined;
        if (box !== undefined) {
          if (box.rotation !== undefined && box.rotation !== 0) {
            b = rotatedBoxHull(box);
            outcomes.push({
              a: box,
              outcome: 'converted',
              reason:
                'rotated box written as its axis-aligned hull (--yolo-task obb keeps the angle)',
            });
          } else {
            b = box;
            outcomes.push({ a: box, outcome: 'written' });
          }
          for (const a of [...polys, ...inst.masks]) {
            dropPart(a, `the object's box is written; its outline needs --yolo-task segment`);
          }
        } else {
          const exts: Box[] = [
            ...polys.map((p) => pointsExtent(p.points)),
            ...inst.masks.map((m) => maskExtent(m.pixelIndices, iw, ih)),
          ];
          if (exts.length > 0) {
            b = extentOf(exts);
            for (const a of [...polys, ...inst.masks]) {
              outcomes.push({
                a,
                outcome: 'converted',
                reason: `${a.kind} written as its bounding box`,
              });
            }
          } else if (task === 'pose' && inst.keypoints.length > 1) {
            b = pointsExtent(inst.keypoints);
          }
        }
        let kp = '';
        if (task === 'pose') {
          const slots: ({ x: number; y: number; v: number } | undefined)[] = keypointNames.map(
            () => undefined,
          );
          for (const k of inst.keypoints) {
            const i = k.classCode === null ? undefined : keypointIndex.get(k.classCode);
            if (i === undefined) {
              dropPart(k, `keypoint class "${k.classCode ?? ''}" is not a configured keypoint`);
            } else if (slots[i] !== undefined) {
              dropPart(k, `the instance already has a "${k.classCode ?? ''}" keypoint`);
            } else {
              slots[i] = { x: k.x, y: k.y, v: keypointVisibility(k) };
              outcomes.push({ a: k, outcome: 'written' });
            }
          }
          kp = slots
            .map((s) =>
              s === undefined ? ' 0.000000 0.000000 0' : ` ${norm.x(s.x)} ${norm.y(s.y)} ${s.v}`,
            )
            .join('');
        } else {
          for (const k of inst.keypoints) {
            dropPart(k, 'keypoints need --yolo-task pose');
          }
        }
        if (b !== undefined) {
          const boxText = norm.box(b);
          if (boxText !== undefined) {
            body = `${boxText}${kp}`;
          }
        }
      }

      if (body === undefined) {
        dropRest(
          outcomes.length > 0
            ? 'zero-area object (its width or height is 0)'
            : 'the object has nothing this YOLO task can draw',
        );
        return undefined;
      }
      const clamped = norm.clamped;
      norm.clamped = false;
      if (clamped) {
        ctx.report({
          code: 'SYNX_YOLO_CLAMPED',
          severity: 'warning',
          message: `${inst.classCode ?? ''} object extends outside the ${w}×${h} image; clamped to it`,
          itemId: item.id,
          mediaId: media.id,
          annotationId: (inst.group ?? inst.parts[0])?.id,
          action: 'clamped',
        });
      }
      for (const o of outcomes) {
        done.add(o.a);
        const outcome = clamped ? 'converted' : o.outcome;
        const reason = clamped
          ? o.reason === undefined
            ? 'clamped to the image'
            : `${o.reason}; clamped to the image`
          : o.reason;
        ctx.account({
          item,
          media,
          annotation: o.a,
          outcome,
          ...(reason === undefined ? {} : { reason }),
        });
      }
      for (const p of inst.parts) {
        if (!done.has(p) && p.kind === 'group') {
          done.add(p);
          ctx.account({ item, media, annotation: p, outcome: 'written' });
        }
      }
      for (const p of inst.parts) {
        if (!done.has(p)) {
          dropPart(p, 'not used by this YOLO task');
        }
      }
      return `${cls.index} ${body}`;
    }
  };

  /** Label files and label lines per labels folder (key: the split, `''` when not split). */
  const folders = new Map<string, { files: number; lines: number }>();
  const folderOf = (split: string | undefined): { files: number; lines: number } => {
    const key = split ?? '';
    let f = folders.get(key);
    if (f === undefined) {
      f = { files: 0, lines: 0 };
      folders.set(key, f);
    }
    return f;
  };
  // Every split's folder exists, even an empty one (a trainer's config names it).
  for (const s of input.splits ?? []) {
    makeDir(labelDir(s));
    folderOf(s);
  }
  for await (const e of input.items) {
    ctx.signal.throwIfAborted();
    for (const image of e.images) {
      // Annotations with unusable numbers are accounted and left out; an unusable size is unknown.
      const lines = imageLines(e.item, writableMedia(e.item, image.media, ctx));
      if (lines === undefined) {
        continue;
      }
      writeLabel(e.split, image.stem, lines.length === 0 ? '' : `${lines.join('\n')}\n`);
      files++;
      const folder = folderOf(e.split);
      folder.files++;
      folder.lines += lines.length;
    }
  }
  if (files === 0 && input.splits === undefined) {
    makeDir(labelDir(undefined));
    folderOf(undefined);
  }

  const splits = input.splits;
  const imagesOf = (s: string | undefined): string => (s === undefined ? 'images' : `images/${s}`);
  // Written by hand, every string double-quoted (see yamlQuoted): PyYAML (YAML 1.1, what
  // ultralytics reads it with) and YAML 1.2 readers load exactly the same strings and integers.
  const body: string[] = [];
  if (options.yamlPath === 'absolute') {
    body.push(`path: ${yamlQuoted(dir)}`);
  }
  if (splits === undefined) {
    body.push(
      `train: ${yamlQuoted(imagesOf(undefined))}`,
      `val: ${yamlQuoted(imagesOf(undefined))}`,
    );
  } else {
    const trainSplit = splits.includes('train') ? 'train' : splits[0];
    const valSplit = splits.includes('val')
      ? 'val'
      : splits.includes('validation')
        ? 'validation'
        : (splits[1] ?? trainSplit);
    body.push(
      `train: ${yamlQuoted(imagesOf(trainSplit))}`,
      `val: ${yamlQuoted(imagesOf(valSplit))}`,
    );
    if (splits.includes('test')) {
      body.push(`test: ${yamlQuoted(imagesOf('test'))}`);
    }
  }
  if (task === 'pose') {
    body.push(`kpt_shape: [${keypointNames.length}, 3]`);
    const flip = flipIndex(keypointNames);
    if (flip !== undefined) {
      body.push(`flip_idx: [${flip.join(', ')}]`);
    }
  }
  if (classes.entries.length === 0) {
    body.push('names: {}');
  } else {
    body.push('names:', ...classes.entries.map((c) => `  ${c.index}: ${yamlQuoted(c.code)}`));
  }
  const header = [
    '# YOLO dataset written by synx (ultralytics layout).',
    `# synx: task=${task}`,
    ...(options.yamlPath === 'absolute'
      ? [
          '# path is absolute so ultralytics finds the dataset from any working directory; update it if you move the folder.',
        ]
      : []),
    '',
  ].join('\n');
  await writeFileAtomic(join(dir, 'data.yaml'), `${header}${body.join('\n')}\n`);
  // One label file per image: `images` counts the images that have one.
  const outputs: OutputFile[] = [...folders.entries()]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([split, f]) => ({
      path: split === '' ? 'labels/' : `labels/${split}/`,
      files: f.files,
      images: f.files,
      annotations: f.lines,
      ...(split !== '' && input.splits?.includes(split) === true ? { split } : {}),
    }));
  outputs.push({ path: 'data.yaml' });
  return { files: files + 1, outputs };
}
