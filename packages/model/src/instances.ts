import { putKey } from './dm-json.js';
import type {
  Annotation,
  BBoxAnnotation,
  GroupAnnotation,
  GroupMember,
  JsonObject,
  JsonValue,
  KeypointAnnotation,
  MaskAnnotation,
  Media,
  PolygonAnnotation,
  PolylineAnnotation,
} from './schema.js';

/**
 * One object instance of an image: the parts of one annotation group (DM `annotationGroups`),
 * or a single ungrouped box, polygon, polyline or mask.
 */
export interface Instance {
  /** The group that forms the instance; undefined for a single ungrouped annotation. */
  readonly group: GroupAnnotation | undefined;
  /** The group's class, else the class of its first part. */
  readonly classCode: string | null;
  readonly boxes: readonly BBoxAnnotation[];
  readonly polygons: readonly PolygonAnnotation[];
  readonly polylines: readonly PolylineAnnotation[];
  readonly masks: readonly MaskAnnotation[];
  readonly keypoints: readonly KeypointAnnotation[];
  /** Attributes of the group, then of its parts except keypoints (the first value of a name wins). */
  readonly attributes: JsonObject;
  /** Every annotation that makes up the instance (group first), for accounting. */
  readonly parts: readonly Annotation[];
}

/** What {@link instancesOf} returns. */
export interface InstanceSplit {
  /** Instances in the order their first annotation appears. */
  readonly instances: Instance[];
  /**
   * Annotations that form no instance: ungrouped keypoints, classifications, relations, groups
   * without geometry, and every other kind — the format decides what to do with them.
   */
  readonly rest: Annotation[];
}

const GEOMETRY = new Set(['bbox', 'polygon', 'polyline', 'mask', 'keypoint']);

function flatten(members: readonly GroupMember[], out: string[]): void {
  for (const m of members) {
    out.push(m.annotationId);
    flatten(m.children, out);
  }
}

const NONE: readonly never[] = Object.freeze([]);

/** A single ungrouped annotation as an instance (the common case: few allocations). */
function single(a: Annotation): Instance {
  return {
    group: undefined,
    classCode: a.classCode,
    boxes: a.kind === 'bbox' ? [a] : NONE,
    polygons: a.kind === 'polygon' ? [a] : NONE,
    polylines: a.kind === 'polyline' ? [a] : NONE,
    masks: a.kind === 'mask' ? [a] : NONE,
    keypoints: NONE,
    attributes: a.attributes,
    parts: [a],
  };
}

function instanceFrom(group: GroupAnnotation, parts: Annotation[], nested: Annotation[]): Instance {
  const boxes: BBoxAnnotation[] = [];
  const polygons: PolygonAnnotation[] = [];
  const polylines: PolylineAnnotation[] = [];
  const masks: MaskAnnotation[] = [];
  const keypoints: KeypointAnnotation[] = [];
  const attributes: JsonObject = {};
  // Keypoints carry per-point attributes (visibility); they are not the object's.
  for (const source of [group, ...parts]) {
    if (source.kind === 'keypoint') {
      continue;
    }
    for (const k in source.attributes) {
      if (!Object.hasOwn(attributes, k)) {
        putKey(attributes, k, source.attributes[k] as JsonValue);
      }
    }
  }
  for (const p of parts) {
    if (p.kind === 'bbox') {
      boxes.push(p);
    } else if (p.kind === 'polygon') {
      polygons.push(p);
    } else if (p.kind === 'polyline') {
      polylines.push(p);
    } else if (p.kind === 'mask') {
      masks.push(p);
    } else if (p.kind === 'keypoint') {
      keypoints.push(p);
    }
  }
  return {
    group,
    classCode: group.classCode ?? parts.find((p) => p.classCode !== null)?.classCode ?? null,
    boxes,
    polygons,
    polylines,
    masks,
    keypoints,
    attributes,
    parts: [group, ...parts, ...nested],
  };
}

/**
 * Groups one media's annotations into object instances. A group with at least one box,
 * polygon, polyline, mask or keypoint (at any nesting depth) is one instance; ungrouped boxes,
 * polygons, polylines and masks are instances of their own. Each annotation belongs to at most
 * one instance (the first group that lists it).
 */
export function instancesOf(media: Media): InstanceSplit {
  const annotations = media.annotations;
  const instances: Instance[] = [];
  const rest: Annotation[] = [];
  if (!annotations.some((a) => a.kind === 'group')) {
    // No groups: every box, polygon, polyline and mask is its own instance.
    for (const a of annotations) {
      if (a.kind === 'bbox' || a.kind === 'polygon' || a.kind === 'polyline' || a.kind === 'mask') {
        instances.push(single(a));
      } else {
        rest.push(a);
      }
    }
    return { instances, rest };
  }
  const byId = new Map<string, Annotation>();
  for (const a of annotations) {
    if (!byId.has(a.id)) {
      byId.set(a.id, a);
    }
  }
  const consumed = new Set<Annotation>();
  const fromGroup = new Map<Annotation, Instance>();
  for (const a of annotations) {
    if (a.kind !== 'group' || consumed.has(a)) {
      continue;
    }
    const ids: string[] = [];
    flatten(a.members, ids);
    const parts: Annotation[] = [];
    const nested: Annotation[] = [];
    for (const id of ids) {
      const hit = byId.get(id);
      if (hit === undefined || hit === a || consumed.has(hit)) {
        continue;
      }
      if (GEOMETRY.has(hit.kind)) {
        parts.push(hit);
      } else if (hit.kind === 'group') {
        nested.push(hit);
      }
    }
    if (parts.length === 0) {
      continue;
    }
    consumed.add(a);
    for (const p of parts) {
      consumed.add(p);
    }
    for (const p of nested) {
      consumed.add(p);
    }
    fromGroup.set(a, instanceFrom(a, parts, nested));
  }
  // In the order of each instance's first annotation: the group, or the lone annotation.
  for (const a of annotations) {
    const inst = fromGroup.get(a);
    if (inst !== undefined) {
      instances.push(inst);
    } else if (consumed.has(a)) {
      continue;
    } else if (
      a.kind === 'bbox' ||
      a.kind === 'polygon' ||
      a.kind === 'polyline' ||
      a.kind === 'mask'
    ) {
      instances.push(single(a));
    } else {
      rest.push(a);
    }
  }
  return { instances, rest };
}

/**
 * The instance made of one box of `inst` alone: how formats that hold one box per object write
 * the second and later boxes of a group (each becomes an object of the group's class).
 */
export function boxOnlyInstance(inst: Instance, box: BBoxAnnotation): Instance {
  return {
    ...inst,
    group: undefined,
    boxes: [box],
    polygons: [],
    polylines: [],
    masks: [],
    keypoints: [],
    parts: [box],
  };
}

/** The reason formats give when an object's class is not in the class map. */
export function unknownClassReason(code: string): string {
  return `class "${code}" is not in the class map`;
}

/**
 * The COCO / ultralytics visibility flag of a keypoint: 1 (labelled, not visible) when its
 * `visibility` or `visible` attribute says occluded (`1`, `'1'`, `false`, `'occluded'`), else 2.
 */
export function keypointVisibility(a: Annotation): 1 | 2 {
  const v = a.attributes['visibility'] ?? a.attributes['visible'];
  return v === 1 || v === '1' || v === false || v === 'occluded' ? 1 : 2;
}
