import type { JsonValue } from '@synx/model';
import type { ObjectScope } from '@synx/plugin-api';
import { clampedConversion, type YoloMessageId } from './messages.js';
import type { ImageContext, YoloTaskModule } from './tasks/index.js';

function crowdOf(value: JsonValue | undefined): boolean {
  return value === true || value === 1 || value === '1' || value === 'true';
}

/**
 * One label line (`<class index> <task's numbers>`) of the kit's object, or undefined when the
 * object is not written. Settles what every task treats alike — crowd regions, polylines,
 * polygons with fewer than 3 vertices, an object clamped to its image — and lets the task draw
 * the rest.
 */
export function encodeObject(
  task: YoloTaskModule,
  o: ObjectScope<YoloMessageId>,
  c: ImageContext,
): string | undefined {
  const inst = o.instance;
  if (c.options.crowd === 'skip' && crowdOf(inst.attributes['iscrowd'])) {
    o.dropRest('crowd');
    return undefined;
  }
  for (const pl of inst.polylines) {
    o.drop(pl, 'polyline');
  }
  const polygons = inst.polygons.filter((p) => {
    if (p.points.length < 3) {
      o.drop(p, 'fewVertices');
      return false;
    }
    return true;
  });
  c.norm.reset();
  const { body, uses } = task.draw(o, polygons, c);
  if (body === undefined) {
    o.dropRest(uses.length > 0 ? 'zeroArea' : 'nothingToDraw');
    return undefined;
  }
  const clamped = c.norm.clamped;
  if (clamped) {
    c.report({
      code: 'SYNX_YOLO_CLAMPED',
      severity: 'warning',
      message: `${inst.classCode ?? ''} object extends outside the ${c.width}×${c.height} image; clamped to it`,
      itemId: o.item.id,
      mediaId: o.media.id,
      annotationId: (inst.group ?? inst.parts[0])?.id,
      action: 'clamped',
    });
  }
  for (const u of uses) {
    if (u.conversion !== undefined) {
      o.convert(u.a, clamped ? clampedConversion(u.conversion) : u.conversion, u.data);
    } else if (clamped) {
      o.convert(u.a, 'clamped');
    } else {
      o.keep(u.a);
    }
  }
  // The group (and any nested group) became the label line.
  for (const p of inst.parts) {
    if (p.kind === 'group' && !o.settled(p)) {
      o.keep(p);
    }
  }
  return `${o.cls.index} ${body}`;
}
