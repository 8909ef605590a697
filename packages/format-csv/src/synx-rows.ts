import type { Annotation, ClassEntry, ClassMap, Item, Media, Vertex } from '@synx/model';
import type { ExportImage, FormatContext, MessageData } from '@synx/plugin-api';
import { neutralise, numberCell, SYNX_COLUMNS } from './cells.js';
import { extentOf, maskExtent, type Extent } from './extent.js';
import type { CsvMessageId } from './messages.js';

/** The annotation kinds that are objects of a class (their class must be in the class map). */
const OBJECT_KINDS: ReadonlySet<Annotation['kind']> = new Set([
  'bbox',
  'polygon',
  'polyline',
  'mask',
]);

function pointsJson(points: readonly Vertex[]): string {
  return JSON.stringify(points.map((p) => [p.x, p.y]));
}

/** The class cells of an annotation's row. */
function classCells(entry: ClassEntry | undefined, code: string | null): [string, string] {
  if (entry !== undefined) {
    return [neutralise(entry.code), numberCell(entry.id ?? entry.index)];
  }
  return [code === null ? '' : neutralise(code), ''];
}

/** Everything the `synx` rows of one image need. */
export interface SynxImage {
  readonly item: Item;
  readonly split: string | undefined;
  readonly image: ExportImage;
  readonly classes: ClassMap;
  readonly ctx: FormatContext<CsvMessageId>;
}

/**
 * Rows of the `synx` preset for one image: one per annotation with geometry (or classification),
 * in annotation order (not by object: the preset has a row per annotation, so it walks no
 * instances); one image-only row when the image gets no other.
 */
export function synxRows(s: SynxImage): string[][] {
  const { item, image, classes, ctx } = s;
  const media: Media = image.media;
  const account = (
    a: Annotation,
    outcome: 'converted' | 'dropped',
    messageId: CsvMessageId | 'unknownClass',
    data?: MessageData,
  ): void => {
    ctx.account({ item, media, annotation: a, outcome, messageId, data });
  };
  const written = (a: Annotation): void => {
    ctx.account({ item, media, annotation: a, outcome: 'written' });
  };
  const file = neutralise(image.fileName);
  const width = numberCell(media.width);
  const height = numberCell(media.height);
  const split = neutralise(s.split ?? '');
  const itemId = neutralise(item.id);
  const rows: string[][] = [];
  const row = (
    a: Annotation,
    cls: [string, string],
    e: Extent | undefined,
    rotation: number | undefined,
    points: string,
  ): void => {
    rows.push([
      file,
      width,
      height,
      split,
      cls[0],
      cls[1],
      a.kind,
      numberCell(e?.xmin),
      numberCell(e?.ymin),
      numberCell(e?.xmax),
      numberCell(e?.ymax),
      numberCell(rotation),
      points,
      neutralise(JSON.stringify(a.attributes)),
      itemId,
      neutralise(a.id),
    ]);
  };
  for (const a of media.annotations) {
    if (a.kind === 'group') {
      account(a, 'converted', 'groupNotStored');
      continue;
    }
    if (a.kind === 'other') {
      account(a, 'dropped', 'uninterpretable', { reason: a.reason });
      continue;
    }
    const entry = a.classCode === null ? undefined : classes.get(a.classCode);
    if (entry === undefined && a.classCode !== null && OBJECT_KINDS.has(a.kind)) {
      account(a, 'dropped', 'unknownClass', { class: a.classCode });
      continue;
    }
    const cls = classCells(entry, a.classCode);
    switch (a.kind) {
      case 'bbox':
        row(
          a,
          cls,
          { xmin: a.x, ymin: a.y, xmax: a.x + a.width, ymax: a.y + a.height },
          a.rotation,
          '',
        );
        written(a);
        break;
      case 'polygon':
      case 'polyline':
        row(
          a,
          cls,
          a.points.length === 0 ? undefined : extentOf(a.points),
          undefined,
          pointsJson(a.points),
        );
        written(a);
        break;
      case 'keypoint':
        row(a, cls, { xmin: a.x, ymin: a.y, xmax: a.x, ymax: a.y }, undefined, pointsJson([a]));
        written(a);
        break;
      case 'mask': {
        const e = maskExtent(a, media);
        if (typeof e === 'string') {
          account(a, 'dropped', e);
        } else {
          row(a, cls, e, undefined, '');
          account(a, 'converted', 'maskRow');
        }
        break;
      }
      case 'classification':
        row(a, cls, undefined, undefined, '');
        written(a);
        break;
      default:
        account(a, 'dropped', 'noGeometry');
    }
  }
  if (rows.length === 0) {
    // Every image is listed, even one without annotations (or whose annotations all dropped).
    const empty = new Array<string>(SYNX_COLUMNS.length).fill('');
    empty[0] = file;
    empty[1] = width;
    empty[2] = height;
    empty[3] = split;
    empty[14] = itemId;
    rows.push(empty);
  }
  return rows;
}
