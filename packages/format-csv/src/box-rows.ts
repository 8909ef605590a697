import { rotatedBoxHull } from '@synx/geometry';
import { type Annotation, instancesOf, type JsonValue, type Media } from '@synx/model';
import type { ObjectScope } from '@synx/plugin-api';
import { fixedCell, neutralise, numberCell, roundDerived } from './cells.js';
import { clampExtent, extentOf, maskExtent, type Extent } from './extent.js';
import type { CsvMessageId } from './messages.js';
import type { CsvPreset } from './options.js';

/** A box preset. */
export type BoxPreset = Exclude<CsvPreset, 'synx'>;

/** Names of the box presets, for the `{{title}}` of their messages. */
export const PRESET_TITLE: Readonly<Record<BoxPreset, string>> = {
  tfod: 'TensorFlow Object Detection CSV rows',
  openimages: 'Open Images CSV rows',
};

/** Decimals of normalised Open Images coordinates. */
const OPENIMAGES_DECIMALS = 10;

/** What a part of an object box was converted from (undefined: a box written as it is). */
type Shape = 'rotated' | 'polygon' | 'mask' | undefined;

/** One object box of a box preset, with the annotations it stands for. */
interface ObjectBox {
  readonly extent: Extent;
  readonly from: readonly { readonly a: Annotation; readonly shape: Shape }[];
  /** Attributes for the flag columns: the part's own, then the object's. */
  readonly attributes: readonly Readonly<Record<string, JsonValue>>[];
}

/** The message of a part of a written box: its conversion and the clamping, if any. */
function fromMessage(shape: Shape, clamped: boolean): CsvMessageId | undefined {
  if (shape === undefined) {
    return clamped ? 'clamped' : undefined;
  }
  return clamped ? `${shape}Clamped` : shape;
}

/** 1/0 for an `occluded`/`truncated`-style flag; empty when absent or not a yes/no value. */
function flagCell(value: JsonValue | undefined): string {
  if (value === true || value === 1 || value === '1' || value === 'true' || value === 'yes') {
    return '1';
  }
  if (value === false || value === 0 || value === '0' || value === 'false' || value === 'no') {
    return '0';
  }
  return '';
}

/**
 * The box of one object: its box (a rotated one as its axis-aligned hull); without one, a box
 * around its polygons and masks. Drops every part it does not use.
 */
function objectBox(o: ObjectScope<CsvMessageId>, media: Media): ObjectBox | undefined {
  const inst = o.instance;
  const box = o.box;
  let out: ObjectBox | undefined;
  if (box !== undefined) {
    const rotated = box.rotation !== undefined && box.rotation !== 0;
    let extent: Extent;
    if (rotated) {
      const hull = rotatedBoxHull(box);
      extent = {
        xmin: roundDerived(hull.x),
        ymin: roundDerived(hull.y),
        xmax: roundDerived(hull.x + hull.width),
        ymax: roundDerived(hull.y + hull.height),
      };
    } else {
      extent = { xmin: box.x, ymin: box.y, xmax: box.x + box.width, ymax: box.y + box.height };
    }
    out = {
      extent,
      from: [{ a: box, shape: rotated ? 'rotated' : undefined }],
      attributes: [box.attributes, inst.attributes],
    };
  }
  const shapes: { a: Annotation; extent: Extent; shape: Shape }[] = [];
  for (const p of inst.polygons) {
    if (out !== undefined) {
      o.drop(p, 'polygonBesideBox');
    } else if (p.points.length === 0) {
      o.drop(p, 'emptyPolygon');
    } else {
      shapes.push({ a: p, extent: extentOf(p.points), shape: 'polygon' });
    }
  }
  for (const m of inst.masks) {
    if (out !== undefined) {
      o.drop(m, 'maskBesideBox');
      continue;
    }
    const e = maskExtent(m, media);
    if (typeof e === 'string') {
      o.drop(m, e);
    } else {
      shapes.push({ a: m, extent: e, shape: 'mask' });
    }
  }
  if (shapes.length > 0) {
    out = {
      extent: {
        xmin: Math.min(...shapes.map((s) => s.extent.xmin)),
        ymin: Math.min(...shapes.map((s) => s.extent.ymin)),
        xmax: Math.max(...shapes.map((s) => s.extent.xmax)),
        ymax: Math.max(...shapes.map((s) => s.extent.ymax)),
      },
      from: shapes.map((s) => ({ a: s.a, shape: s.shape })),
      attributes: [inst.attributes],
    };
  }
  for (const l of inst.polylines) {
    o.drop(l, 'polyline');
  }
  for (const k of inst.keypoints) {
    o.drop(k, 'keypoint');
  }
  return out;
}

/** The cells of one box row. */
function boxCells(
  preset: BoxPreset,
  file: string,
  label: string,
  e: Extent,
  w: number,
  h: number,
  attributes: ObjectBox['attributes'],
): string[] {
  if (preset === 'tfod') {
    return [
      file,
      numberCell(w),
      numberCell(h),
      label,
      numberCell(e.xmin),
      numberCell(e.ymin),
      numberCell(e.xmax),
      numberCell(e.ymax),
    ];
  }
  const attr = (key: string): JsonValue | undefined => {
    for (const source of attributes) {
      const v = source[key];
      if (v !== undefined) {
        return v;
      }
    }
    return undefined;
  };
  return [
    file,
    '',
    label,
    '',
    fixedCell(e.xmin / w, OPENIMAGES_DECIMALS),
    fixedCell(e.xmax / w, OPENIMAGES_DECIMALS),
    fixedCell(e.ymin / h, OPENIMAGES_DECIMALS),
    fixedCell(e.ymax / h, OPENIMAGES_DECIMALS),
    flagCell(attr('occluded')),
    flagCell(attr('truncated')),
    '',
    '',
    '',
  ];
}

/**
 * The row of one object of the `tfod` and `openimages` presets (none when it has no box, lies
 * outside the image, or the image size is unknown).
 */
export function boxRow(
  o: ObjectScope<CsvMessageId>,
  preset: BoxPreset,
  media: Media,
  fileName: string,
): string[] | undefined {
  const w = media.width;
  const h = media.height;
  if (w === undefined || h === undefined) {
    o.dropRest(preset === 'openimages' ? 'sizeUnknownNormalise' : 'sizeUnknown');
    return undefined;
  }
  const box = objectBox(o, media);
  if (box === undefined) {
    return undefined;
  }
  let extent = box.extent;
  let clamped = false;
  if (preset === 'openimages') {
    const c = clampExtent(box.extent, w, h);
    if (c !== box.extent) {
      if (c.xmax <= c.xmin || c.ymax <= c.ymin) {
        for (const f of box.from) {
          o.drop(f.a, 'outside');
        }
        return undefined;
      }
      extent = c;
      clamped = true;
    }
  }
  for (const f of box.from) {
    const id = fromMessage(f.shape, clamped);
    if (id === undefined) {
      o.keep(f.a);
    } else {
      o.convert(f.a, id);
    }
  }
  return boxCells(
    preset,
    neutralise(fileName),
    neutralise(o.cls.code),
    extent,
    w,
    h,
    box.attributes,
  );
}

/**
 * The boxes after the first of each group with several (the kit hands each to the encoder as an
 * object of its own, before the group's main object); empty for an image without groups.
 */
export function extraBoxesOf(media: Media): ReadonlySet<Annotation> {
  const extras = new Set<Annotation>();
  if (!media.annotations.some((a) => a.kind === 'group')) {
    return extras;
  }
  for (const inst of instancesOf(media).instances) {
    for (const b of inst.boxes.slice(1)) {
      extras.add(b);
    }
  }
  return extras;
}
