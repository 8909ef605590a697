import { geometryProblem, MAX_IMAGE_SIDE, type Item, type Media } from '@synx/model';
import type { FormatContext } from './format.js';

/** The issue code of an annotation a writer leaves out because of its geometry. */
export const GEOMETRY_INVALID = 'SYNX_GEOMETRY_INVALID';

/**
 * A usable image side: a positive integer no larger than `MAX_IMAGE_SIDE` (1,000,000 px).
 * Anything else (missing, 0, negative, fractional, NaN, infinite, absurdly large) is unknown.
 */
export function imageSide(value: unknown): number | undefined {
  return typeof value === 'number' &&
    Number.isInteger(value) &&
    value > 0 &&
    value <= MAX_IMAGE_SIDE
    ? value
    : undefined;
}

/**
 * An image as a writer should see it — the one rule every built-in writer applies before it
 * writes an annotation:
 * - each annotation whose geometry `geometryProblem` flags (a number that is not finite, beyond
 *   ±`MAX_COORDINATE`, a negative size, a pixel index that is not a non-negative integer) is
 *   accounted as `dropped` with the kit message `invalidGeometry` (`invalid geometry: <field> …`;
 *   the host reports it with code `SYNX_GEOMETRY_INVALID`) and left out;
 * - a `width` or `height` that is not a usable side ({@link imageSide}) is treated as unknown
 *   (both are, since one is no use without the other).
 *
 * Returns `media` itself when nothing is left out (no allocation in the common case), else a
 * shallow copy with the remaining annotations. Outcomes of the other annotations may name
 * either object: only its `id` is used.
 */
export function writableMedia<M extends string>(
  item: Item,
  media: Media,
  ctx: FormatContext<M>,
): Media {
  let kept: Media['annotations'] | undefined;
  const annotations = media.annotations;
  for (let i = 0; i < annotations.length; i++) {
    const a = annotations[i];
    if (a === undefined) {
      continue;
    }
    const problem = geometryProblem(a);
    if (problem !== undefined) {
      kept ??= annotations.slice(0, i);
      ctx.account({
        item,
        media,
        annotation: a,
        outcome: 'dropped',
        messageId: 'invalidGeometry',
        data: { detail: problem.reason },
      });
    } else if (kept !== undefined) {
      kept.push(a);
    }
  }
  const sized =
    (media.width === undefined && media.height === undefined) ||
    (imageSide(media.width) !== undefined && imageSide(media.height) !== undefined);
  if (kept === undefined && sized) {
    return media;
  }
  const { width, height, ...rest } = media;
  return {
    ...rest,
    ...(sized && width !== undefined ? { width } : {}),
    ...(sized && height !== undefined ? { height } : {}),
    annotations: kept ?? annotations,
  };
}
