import type { IssueReporter } from './issues.js';
import { putKey } from './dm-json.js';
import { coordinateProblem, MAX_COORDINATE, MAX_PIXEL_INDEX } from './limits.js';
import type {
  Annotation,
  FileRef,
  GroupMember,
  JsonObject,
  JsonValue,
  Media,
  MediaKind,
  Vertex,
} from './schema.js';

/*
 * DM schema v1 (what Synapse's annotation tool stores) → the canonical model, and back.
 *
 * `annotations[mediaId][]` (tool, classification) is joined by `id` with
 * `annotationsData[mediaId][]` (geometry). Problems are reported as issues naming item, media,
 * annotation and field; conversion of everything else continues. Anything synx cannot interpret
 * is kept verbatim (kind `other`, `extra`, `dataExtra`, `orphanData`) so `toDmV1` reproduces the
 * input.
 */

/** Issue codes reported by {@link convertDmV1}. */
export const DM_ISSUE_CODES = {
  notAnObject: 'SYNX_DM_INVALID',
  badSection: 'SYNX_DM_INVALID_SECTION',
  missingId: 'SYNX_DM_MISSING_ID',
  duplicateId: 'SYNX_DM_DUPLICATE_ID',
  missingData: 'SYNX_DM_MISSING_DATA',
  orphanData: 'SYNX_DM_ORPHAN_DATA',
  unknownTool: 'SYNX_DM_UNKNOWN_TOOL',
  unknownClass: 'SYNX_DM_UNKNOWN_CLASS',
  invalidGeometry: 'SYNX_DM_INVALID_GEOMETRY',
  unsupportedShape: 'SYNX_DM_UNSUPPORTED_SHAPE',
  noClass: 'SYNX_DM_NO_CLASS',
  unknownMedia: 'SYNX_DM_UNKNOWN_MEDIA',
  dangling: 'SYNX_DM_DANGLING_REFERENCE',
  tooDeep: 'SYNX_DM_TOO_DEEP',
} as const;

/** The deepest nesting of lists and objects kept in an attribute value. */
export const MAX_JSON_DEPTH = 64;

/** The DM v1 tool codes synx understands, and the canonical kind each becomes. */
export const DM_TOOLS: readonly string[] = [
  'bounding_box',
  'polygon',
  'polyline',
  'keypoint',
  'classification',
  'segmentation',
  'relation',
  'annotationGroup',
  'named_entity',
  '3d_bounding_box',
  '3d_segmentation',
  'prompt',
  'answer',
];

const MEDIA_KINDS: readonly MediaKind[] = ['image', 'video', 'pcd', 'text', 'audio', 'prompt'];

/** Media kind from a DM media id or file-spec name (`image_1` → image, `image` → image). */
export function mediaKindOf(mediaId: string): MediaKind {
  const prefix = mediaId.replace(/_\d+$/, '');
  return (MEDIA_KINDS as readonly string[]).includes(prefix) ? (prefix as MediaKind) : 'unknown';
}

/** Options of {@link convertDmV1}. */
export interface DmV1ConvertOptions {
  /** The item id used in every issue. */
  readonly itemId: string;
  readonly reporter: IssueReporter;
  /** The item's files by spec name (`image_1` …); media without annotations still become media. */
  readonly files?: Readonly<Record<string, FileRef>>;
  /**
   * Decides whether a class is known. When given, an annotation whose class it rejects is
   * reported as `SYNX_DM_UNKNOWN_CLASS` (it stays in the item; formats drop it and count it).
   */
  readonly isKnownClass?: (classCode: string, tool: string) => boolean;
}

/** Result of {@link convertDmV1}. */
export interface DmV1Converted {
  media: Media[];
  assignmentId?: JsonValue;
  extra?: JsonObject;
  dmKeys: string[];
}

const STANDARD_KEYS = [
  'annotations',
  'annotationsData',
  'relations',
  'annotationGroups',
  'extra',
  'assignmentId',
];

function isRecord(v: unknown): v is Record<string, JsonValue> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function describe(v: unknown): string {
  if (typeof v === 'string') {
    return `"${v.length > 40 ? `${v.slice(0, 40)}…` : v}"`;
  }
  if (v === undefined) {
    return 'missing';
  }
  return JSON.stringify(v);
}

class Converter {
  readonly #o: DmV1ConvertOptions;
  constructor(options: DmV1ConvertOptions) {
    this.#o = options;
  }

  issue(
    code: string,
    severity: 'error' | 'warning' | 'info',
    message: string,
    at: { mediaId?: string; annotationId?: string; field?: string; action?: 'dropped' | 'kept' },
  ): void {
    this.#o.reporter.report({
      code,
      severity,
      message,
      itemId: this.#o.itemId,
      ...(at.mediaId === undefined ? {} : { mediaId: at.mediaId }),
      ...(at.annotationId === undefined ? {} : { annotationId: at.annotationId }),
      ...(at.field === undefined ? {} : { field: at.field }),
      ...(at.action === undefined ? {} : { action: at.action }),
    });
  }

  run(data: unknown): DmV1Converted {
    if (!isRecord(data)) {
      this.issue(
        DM_ISSUE_CODES.notAnObject,
        'error',
        `annotation data is ${describe(data)}, not an object`,
        {
          field: 'data',
          action: 'dropped',
        },
      );
      return { media: this.mediaFromFiles([]), dmKeys: [] };
    }
    const dmKeys = Object.keys(data);
    const section = (name: string): Record<string, JsonValue> => {
      const value = data[name];
      if (value === undefined || value === null) {
        return {};
      }
      if (!isRecord(value)) {
        this.issue(
          DM_ISSUE_CODES.badSection,
          'error',
          `"${name}" is ${describe(value)}, not an object keyed by media id`,
          {
            field: name,
            action: 'dropped',
          },
        );
        return {};
      }
      return value;
    };
    const annotations = section('annotations');
    const annotationsData = section('annotationsData');
    const relations = section('relations');
    const groups = section('annotationGroups');
    const extra = section('extra');

    const ids: string[] = [];
    const sectionsOf = new Map<string, string[]>();
    const note = (sectionName: string, obj: Record<string, JsonValue>): void => {
      for (const id of Object.keys(obj)) {
        if (!sectionsOf.has(id)) {
          sectionsOf.set(id, []);
          ids.push(id);
        }
        sectionsOf.get(id)?.push(sectionName);
      }
    };
    note('annotations', annotations);
    note('annotationsData', annotationsData);
    note('relations', relations);
    note('annotationGroups', groups);
    note('extra', extra);

    const media: Media[] = [];
    for (const mediaId of ids) {
      media.push(
        this.convertMedia(
          mediaId,
          sectionsOf.get(mediaId) ?? [],
          annotations,
          annotationsData,
          relations,
          groups,
          extra,
        ),
      );
    }
    const withFiles = this.mediaFromFiles(media);

    const result: DmV1Converted = { media: withFiles, dmKeys };
    if ('assignmentId' in data) {
      result.assignmentId = data['assignmentId'];
    }
    const rest: JsonObject = {};
    for (const [k, v] of Object.entries(data)) {
      if (!STANDARD_KEYS.includes(k)) {
        putKey(rest, k, v);
      }
    }
    if (Object.keys(rest).length > 0) {
      result.extra = rest;
    }
    return result;
  }

  /** Attaches files to media and adds media that have a file but no annotations. */
  mediaFromFiles(media: Media[]): Media[] {
    const files = this.#o.files ?? {};
    const used = new Set<string>();
    for (const m of media) {
      const direct = files[m.id];
      if (direct !== undefined) {
        m.file = direct;
        used.add(m.id);
      }
    }
    // DM payloads sometimes key media as "image" while the data unit names the file "image_1".
    for (const m of media) {
      if (m.file !== undefined) {
        continue;
      }
      const candidates = Object.keys(files).filter(
        (k) => !used.has(k) && mediaKindOf(k) === m.kind && m.kind !== 'unknown',
      );
      const first = candidates[0];
      if (candidates.length === 1 && first !== undefined && !/_\d+$/.test(m.id)) {
        m.file = files[first];
        used.add(first);
      }
    }
    for (const [specName, file] of Object.entries(files)) {
      if (used.has(specName) || mediaKindOf(specName) === 'unknown') {
        continue;
      }
      media.push({ id: specName, kind: mediaKindOf(specName), file, annotations: [] });
      used.add(specName);
    }
    return media;
  }

  convertMedia(
    mediaId: string,
    sections: string[],
    annotations: Record<string, JsonValue>,
    annotationsData: Record<string, JsonValue>,
    relations: Record<string, JsonValue>,
    groups: Record<string, JsonValue>,
    extra: Record<string, JsonValue>,
  ): Media {
    const media: Media = { id: mediaId, kind: mediaKindOf(mediaId), annotations: [], sections };
    if (media.kind === 'unknown') {
      this.issue(
        DM_ISSUE_CODES.unknownMedia,
        'warning',
        `"${mediaId}" is not a DM v1 media id (a kind and a number, e.g. image_1): its annotations are kept only in raw JSON`,
        { mediaId, field: `${sections[0] ?? 'annotations'}.${mediaId}`, action: 'kept' },
      );
    }
    const list = (name: string, value: JsonValue | undefined): JsonValue[] => {
      if (value === undefined || value === null) {
        return [];
      }
      if (!Array.isArray(value)) {
        this.issue(
          DM_ISSUE_CODES.badSection,
          'error',
          `"${name}.${mediaId}" is ${describe(value)}, not a list`,
          {
            mediaId,
            field: `${name}.${mediaId}`,
            action: 'dropped',
          },
        );
        return [];
      }
      return value;
    };

    const dataList = list('annotationsData', own(annotationsData, mediaId));
    const dataById = new Map<string, { entry: Record<string, JsonValue>; index: number }>();
    const orphans: JsonValue[] = [];
    dataList.forEach((entry, index) => {
      const id = isRecord(entry) ? entry['id'] : undefined;
      if (!isRecord(entry) || typeof id !== 'string' || id === '') {
        this.issue(
          DM_ISSUE_CODES.missingId,
          'warning',
          `annotationsData entry ${index} has no id; kept verbatim`,
          {
            mediaId,
            field: `annotationsData.${mediaId}[${index}].id`,
            action: 'kept',
          },
        );
        orphans.push(entry);
        return;
      }
      if (dataById.has(id)) {
        this.issue(
          DM_ISSUE_CODES.duplicateId,
          'warning',
          `annotationsData has two entries with id ${id}; the first is used`,
          {
            mediaId,
            annotationId: id,
            field: `annotationsData.${mediaId}[${index}].id`,
            action: 'kept',
          },
        );
        orphans.push(entry);
        return;
      }
      dataById.set(id, { entry, index });
    });

    const consumed = new Set<string>();
    const seenIds = new Set<string>();
    const annList = list('annotations', own(annotations, mediaId));
    annList.forEach((raw, index) => {
      const field = `annotations.${mediaId}[${index}]`;
      if (isRecord(raw) && typeof raw['id'] === 'string' && raw['id'] !== '') {
        if (seenIds.has(raw['id'])) {
          this.issue(
            DM_ISSUE_CODES.duplicateId,
            'warning',
            `two annotations share the id ${raw['id']}: both are kept, joined to the same geometry, and a group or relation naming the id means the first`,
            { mediaId, annotationId: raw['id'], field: `${field}.id`, action: 'kept' },
          );
        }
        seenIds.add(raw['id']);
      }
      if (!isRecord(raw) || typeof raw['id'] !== 'string' || raw['id'] === '') {
        this.issue(
          DM_ISSUE_CODES.missingId,
          'error',
          `annotation ${index} has no id and cannot be joined to its geometry`,
          {
            mediaId,
            field: `${field}.id`,
            action: 'dropped',
          },
        );
        return;
      }
      const id = raw['id'];
      const data = dataById.get(id);
      if (data !== undefined) {
        consumed.add(id);
      }
      const ann = this.convertAnnotation(mediaId, raw, field, data, 'annotations', index);
      if (ann !== undefined) {
        media.annotations.push(ann);
      }
    });

    for (const [id, { entry, index }] of dataById) {
      if (!consumed.has(id)) {
        this.issue(
          DM_ISSUE_CODES.orphanData,
          'warning',
          `annotationsData entry ${id} has no annotation (no tool, no class); kept only in raw JSON`,
          {
            mediaId,
            annotationId: id,
            field: `annotationsData.${mediaId}[${index}]`,
            action: 'kept',
          },
        );
        orphans.push(entry);
      }
    }
    if (orphans.length > 0) {
      media.orphanData = orphans;
    }

    list('relations', own(relations, mediaId)).forEach((raw, index) => {
      const field = `relations.${mediaId}[${index}]`;
      if (!isRecord(raw) || typeof raw['id'] !== 'string') {
        this.issue(DM_ISSUE_CODES.missingId, 'error', `relation ${index} has no id`, {
          mediaId,
          field,
          action: 'dropped',
        });
        return;
      }
      const ann = this.convertAnnotation(
        mediaId,
        { tool: 'relation', ...raw },
        field,
        { entry: raw, index },
        'relations',
        index,
      );
      if (ann !== undefined) {
        media.annotations.push(ann);
      }
    });
    list('annotationGroups', own(groups, mediaId)).forEach((raw, index) => {
      const field = `annotationGroups.${mediaId}[${index}]`;
      if (!isRecord(raw) || typeof raw['id'] !== 'string') {
        this.issue(DM_ISSUE_CODES.missingId, 'error', `annotation group ${index} has no id`, {
          mediaId,
          field,
          action: 'dropped',
        });
        return;
      }
      const ann = this.convertAnnotation(
        mediaId,
        { tool: 'annotationGroup', ...raw },
        field,
        { entry: raw, index },
        'annotationGroups',
        index,
      );
      if (ann !== undefined) {
        media.annotations.push(ann);
      }
    });
    this.reportClassless(media);
    this.reportDangling(media);
    if (Object.hasOwn(extra, mediaId)) {
      media.extra = own(extra, mediaId);
    }
    return media;
  }

  /** Relations and groups that name an annotation the media does not have. */
  reportDangling(media: Media): void {
    let ids: Set<string> | undefined;
    const missing = (id: string): boolean => {
      ids ??= new Set(media.annotations.map((x) => x.id));
      return !ids.has(id);
    };
    for (const a of media.annotations) {
      if (a.kind === 'relation') {
        for (const [end, key] of [
          [a.from, 'annotationId'],
          [a.to, 'targetAnnotationId'],
        ] as const) {
          if (missing(end)) {
            this.issue(
              DM_ISSUE_CODES.dangling,
              'warning',
              `relation ${a.id} names annotation ${end}, which ${media.id} does not have: formats that keep relations leave it out`,
              {
                mediaId: media.id,
                annotationId: a.id,
                field: dmFieldOf(media.id, a, key),
                action: 'kept',
              },
            );
          }
        }
      } else if (a.kind === 'group') {
        const absent = [...groupMemberIds([a])].filter(missing);
        if (absent.length > 0) {
          this.issue(
            DM_ISSUE_CODES.dangling,
            'warning',
            `group ${a.id} lists ${absent.length} annotation(s) ${media.id} does not have (${absent.slice(0, 3).join(', ')}): they are not part of the object`,
            {
              mediaId: media.id,
              annotationId: a.id,
              field: dmFieldOf(media.id, a, 'annotationList'),
              action: 'kept',
            },
          );
        }
      }
    }
  }

  /**
   * Objects (boxes, polygons, polylines, masks) and image labels that have no class and belong to no group that
   * could give them one: every format that numbers classes leaves them out, so each is named.
   */
  reportClassless(media: Media): void {
    let grouped: Set<string> | undefined;
    for (const a of media.annotations) {
      if (
        a.classCode !== null ||
        (a.kind !== 'bbox' &&
          a.kind !== 'polygon' &&
          a.kind !== 'polyline' &&
          a.kind !== 'mask' &&
          a.kind !== 'classification')
      ) {
        continue;
      }
      grouped ??= groupMemberIds(media.annotations);
      if (grouped.has(a.id)) {
        continue;
      }
      const field = `${a.section ?? 'annotations'}.${media.id}[${String(a.dmIndex)}]`;
      const cls = a.classification;
      // A `class` that is not a string stays among the attributes (the key is not an attribute).
      const value = Object.hasOwn(a.attributes, 'class') ? a.attributes['class'] : undefined;
      this.issue(
        DM_ISSUE_CODES.noClass,
        'error',
        value !== undefined
          ? `classification.class is ${describe(value)}, not a class code: the ${a.kind} has no class, and formats that number classes leave it out`
          : `the ${a.kind} has no class (classification is ${cls === 'null' ? 'null' : 'missing'}): formats that number classes leave it out`,
        {
          mediaId: media.id,
          annotationId: a.id,
          field: value !== undefined ? `${field}.classification.class` : `${field}.classification`,
          action: 'dropped',
        },
      );
    }
  }

  convertAnnotation(
    mediaId: string,
    raw: Record<string, JsonValue>,
    field: string,
    data: { entry: Record<string, JsonValue>; index: number } | undefined,
    section: 'annotations' | 'relations' | 'annotationGroups',
    index: number,
  ): Annotation | undefined {
    const id = raw['id'] as string;
    const tool = typeof raw['tool'] === 'string' ? raw['tool'] : '';
    // Built only when an issue is reported: this runs for every annotation.
    const dataField = (): string =>
      section === 'annotations' ? `annotationsData.${mediaId}[${data?.index ?? -1}]` : field;
    const at = (): { mediaId: string; annotationId: string } => ({ mediaId, annotationId: id });

    // classification → class + attributes
    let classCode: string | null = null;
    const attributes: JsonObject = {};
    let classificationForm: 'absent' | 'null' | undefined;
    const cls = raw['classification'];
    if (cls === undefined) {
      classificationForm = 'absent';
    } else if (cls === null) {
      classificationForm = 'null';
    } else if (isRecord(cls)) {
      for (const k in cls) {
        const v = cls[k] as JsonValue;
        if (k === 'class' && typeof v === 'string') {
          classCode = v;
        } else if (typeof v === 'object' && v !== null && nestedDeeperThan(v, MAX_JSON_DEPTH)) {
          // Writers turn attributes into JSON text; a value this deep breaks every JSON tool.
          this.issue(
            DM_ISSUE_CODES.tooDeep,
            'error',
            `attribute "${k}" is nested more than ${MAX_JSON_DEPTH} levels deep; it is left out (kept only in raw JSON)`,
            { ...at(), field: `${field}.classification.${k}`, action: 'dropped' },
          );
        } else {
          putKey(attributes, k, v);
        }
      }
    } else {
      classificationForm = 'absent';
      this.issue(
        DM_ISSUE_CODES.invalidGeometry,
        'warning',
        `classification is ${describe(cls)}, not an object; ignored`,
        {
          ...at(),
          field: `${field}.classification`,
          action: 'kept',
        },
      );
    }

    // Where it came from, so that later issues can name its DM field (see dmFieldOf).
    const base: AnnotationBase = { id, tool, classCode, attributes, dmIndex: index };
    if (section === 'annotations' && data !== undefined) {
      base.dataIndex = data.index;
    }
    if (classificationForm !== undefined) {
      base.classification = classificationForm;
    }
    if (Array.isArray(raw['label']) && raw['label'].every((l) => typeof l === 'string')) {
      base.label = raw['label'];
    }
    let state: Record<string, boolean> | undefined;
    for (const k of FLAG_KEYS) {
      const v = raw[k];
      if (typeof v === 'boolean') {
        state ??= {};
        state[k] = v;
      }
    }
    if (state !== undefined) {
      base.state = state;
    }
    if (section !== 'annotations') {
      base.section = section;
    }

    if (
      this.#o.isKnownClass !== undefined &&
      classCode !== null &&
      !this.#o.isKnownClass(classCode, tool)
    ) {
      this.issue(
        DM_ISSUE_CODES.unknownClass,
        'error',
        `class "${classCode}" (${tool || 'no tool'}) is not in the class map; it gets no id and is left out of formats that need one`,
        { ...at(), field: `${field}.classification.class`, action: 'kept' },
      );
    }

    const entry = data?.entry;
    const original = section === 'annotations' ? raw : (entry ?? raw);
    const finish = (ann: Annotation): Annotation => {
      // Whatever the canonical fields do not reproduce exactly is kept verbatim.
      // (The checks below skip that comparison for the usual, fully understood shapes.)
      if (section === 'annotations') {
        const extra = plainHead(raw) ? undefined : residual(raw, annotationHeadToDm(ann));
        if (extra !== undefined) {
          ann.extra = extra;
        }
        if (entry === undefined) {
          ann.noData = true;
        } else if (ann.kind !== 'other') {
          const dataExtra = plainData(entry, ann.kind)
            ? undefined
            : residual(entry, { id, ...geometryToDm(ann) });
          if (dataExtra !== undefined) {
            ann.dataExtra = dataExtra;
          }
        }
      } else if (ann.kind !== 'other') {
        const extra = residual(original, { ...annotationHeadToDm(ann), ...geometryToDm(ann) });
        if (extra !== undefined) {
          ann.extra = extra;
        }
      }
      return ann;
    };
    const other = (
      reason: 'unknown-tool' | 'invalid-geometry' | 'missing-data' | 'unsupported-shape',
    ): Annotation => {
      const out: Annotation = { ...base, kind: 'other', reason };
      if (entry !== undefined) {
        const copy: JsonObject = {};
        for (const [k, v] of Object.entries(entry)) {
          if (k !== 'id' || section !== 'annotations') {
            putKey(copy, k, v);
          }
        }
        out.data = copy;
      }
      return finish(out);
    };

    if (!DM_TOOLS.includes(tool)) {
      this.issue(
        DM_ISSUE_CODES.unknownTool,
        'warning',
        `unknown tool ${describe(raw['tool'])}; the annotation is kept only in raw JSON`,
        { ...at(), field: `${field}.tool`, action: 'kept' },
      );
      return other('unknown-tool');
    }
    if (entry === undefined) {
      if (tool === 'classification') {
        return finish({ ...base, kind: 'classification' });
      }
      this.issue(
        DM_ISSUE_CODES.missingData,
        'error',
        `${tool} annotation has no annotationsData entry (no geometry); it is left out of every format but raw JSON`,
        { ...at(), field: `annotationsData.${mediaId}`, action: 'dropped' },
      );
      return other('missing-data');
    }

    const bad = (what: string, f: string): Annotation => {
      this.issue(
        DM_ISSUE_CODES.invalidGeometry,
        'error',
        `${tool} ${what}; left out of every format but raw JSON`,
        {
          ...at(),
          field: `${dataField()}.${f}`,
          action: 'dropped',
        },
      );
      return other('invalid-geometry');
    };
    if (typeof entry['frameIndex'] === 'number' && Number.isInteger(entry['frameIndex'])) {
      base.frameIndex = entry['frameIndex'];
    }

    const geometry = readGeometry(tool, entry);
    if (typeof geometry === 'string') {
      if (geometry.startsWith('unsupported:')) {
        this.issue(
          DM_ISSUE_CODES.unsupportedShape,
          'warning',
          `${geometry.slice(12)}; kept only in raw JSON`,
          {
            ...at(),
            field: dataField(),
            action: 'kept',
          },
        );
        return other('unsupported-shape');
      }
      const [f = '', ...why] = geometry.split(' ');
      return bad(`${f} ${why.join(' ')}`.trim(), f);
    }
    // The geometry object is fresh: complete it in place rather than copying it.
    return finish(Object.assign(geometry, base));
  }
}

interface AnnotationBase {
  id: string;
  tool: string;
  classCode: string | null;
  attributes: JsonObject;
  dmIndex: number;
  dataIndex?: number;
  label?: string[];
  state?: { isLocked?: boolean; isVisible?: boolean; isValid?: boolean; isDrawCompleted?: boolean };
  frameIndex?: number;
  classification?: 'absent' | 'null';
  section?: 'relations' | 'annotationGroups';
}

type Geometry =
  | { kind: 'bbox'; x: number; y: number; width: number; height: number; rotation?: number }
  | { kind: 'polygon' | 'polyline'; points: Vertex[] }
  | { kind: 'keypoint'; x: number; y: number }
  | { kind: 'classification' }
  | { kind: 'mask'; pixelIndices: number[] }
  | { kind: 'video-segment'; startFrame: number; endFrame: number }
  | { kind: 'relation'; from: string; to: string }
  | { kind: 'group'; members: GroupMember[] }
  | { kind: 'named-entity'; ranges: JsonValue[]; content: string }
  | { kind: 'cuboid'; position: Vec3; scale: Vec3; rotation: Vec3 }
  | { kind: 'point-segmentation'; points: number[] }
  | { kind: 'prompt'; input: JsonValue[] }
  | { kind: 'answer'; output: JsonValue[]; promptAnnotationId?: string };
interface Vec3 {
  x: number;
  y: number;
  z: number;
}

/** A usable coordinate (finite, within ±MAX_COORDINATE), or a "field reason" string. */
function num(obj: Record<string, JsonValue>, key: string, path: string): number | string {
  const v = obj[key];
  if (typeof v === 'number' && v <= MAX_COORDINATE && v >= -MAX_COORDINATE) {
    return v; // finite and within the bound (NaN fails both tests)
  }
  if (typeof v === 'number' && Number.isFinite(v)) {
    return `${path} ${coordinateProblem(v) ?? 'is not usable'}`;
  }
  return `${path} is ${describe(v)}, not a finite number`;
}

/**
 * Reads the geometry of one `annotationsData` entry. Returns the geometry, or a string
 * "<field> <reason>" for invalid data, or "unsupported:<reason>" for shapes synx keeps only raw.
 */
function readGeometry(tool: string, entry: Record<string, JsonValue>): Geometry | string {
  switch (tool) {
    case 'bounding_box': {
      const c = entry['coordinate'];
      if (!isRecord(c)) {
        if (entry['coordinates'] !== undefined) {
          return 'unsupported:per-frame video boxes ("coordinates")';
        }
        return `coordinate is ${describe(c)}`;
      }
      const v: number[] = [];
      for (const k of ['x', 'y', 'width', 'height']) {
        const n = num(c, k, `coordinate.${k}`);
        if (typeof n === 'string') {
          return n;
        }
        v.push(n);
      }
      const [x = 0, y = 0, width = 0, height = 0] = v;
      if (width < 0) {
        return `coordinate.width is negative (${width})`;
      }
      if (height < 0) {
        return `coordinate.height is negative (${height})`;
      }
      const box: Geometry = { kind: 'bbox', x, y, width, height };
      if (c['rotation'] !== undefined && c['rotation'] !== null) {
        const r = num(c, 'rotation', 'coordinate.rotation');
        if (typeof r === 'string') {
          return r;
        }
        box.rotation = r;
      }
      return box;
    }
    case 'polygon':
    case 'polyline': {
      const c = entry['coordinate'];
      if (!Array.isArray(c)) {
        return `coordinate is ${describe(c)}, not a vertex list`;
      }
      const points: Vertex[] = [];
      for (let i = 0; i < c.length; i++) {
        const p = c[i];
        if (!isRecord(p)) {
          return `coordinate[${i}] is ${describe(p)}, not a vertex`;
        }
        const x = num(p, 'x', `coordinate[${i}].x`);
        if (typeof x === 'string') {
          return x;
        }
        const y = num(p, 'y', `coordinate[${i}].y`);
        if (typeof y === 'string') {
          return y;
        }
        points.push(typeof p['id'] === 'string' ? { x, y, id: p['id'] } : { x, y });
      }
      return { kind: tool, points };
    }
    case 'keypoint': {
      const c = entry['coordinate'];
      if (!isRecord(c)) {
        return `coordinate is ${describe(c)}`;
      }
      const x = num(c, 'x', 'coordinate.x');
      if (typeof x === 'string') {
        return x;
      }
      const y = num(c, 'y', 'coordinate.y');
      if (typeof y === 'string') {
        return y;
      }
      return { kind: 'keypoint', x, y };
    }
    case 'classification':
      return { kind: 'classification' };
    case 'segmentation': {
      const pix = entry['pixel_indices'];
      if (pix !== undefined) {
        if (
          !Array.isArray(pix) ||
          !pix.every(
            (p) => typeof p === 'number' && Number.isInteger(p) && p >= 0 && p <= MAX_PIXEL_INDEX,
          )
        ) {
          return 'pixel_indices is not a list of non-negative integers';
        }
        return { kind: 'mask', pixelIndices: pix as number[] };
      }
      const sec = entry['section'];
      if (isRecord(sec)) {
        const s = sec['startFrame'];
        const e = sec['endFrame'];
        if (typeof s !== 'number' || !Number.isInteger(s)) {
          return `section.startFrame is ${describe(s)}, not an integer`;
        }
        if (typeof e !== 'number' || !Number.isInteger(e)) {
          return `section.endFrame is ${describe(e)}, not an integer`;
        }
        return { kind: 'video-segment', startFrame: s, endFrame: e };
      }
      return 'pixel_indices missing (and no video section)';
    }
    case 'relation': {
      const from = entry['annotationId'];
      const to = entry['targetAnnotationId'];
      if (typeof from !== 'string') {
        return `annotationId is ${describe(from)}`;
      }
      if (typeof to !== 'string') {
        return `targetAnnotationId is ${describe(to)}`;
      }
      return { kind: 'relation', from, to };
    }
    case 'annotationGroup': {
      const members = parseMembers(entry['annotationList']);
      if (members === undefined) {
        return 'annotationList is not a list of {annotationId, children}';
      }
      return { kind: 'group', members };
    }
    case 'named_entity': {
      const ranges = entry['ranges'];
      const content = entry['content'];
      if (!Array.isArray(ranges)) {
        return `ranges is ${describe(ranges)}`;
      }
      if (typeof content !== 'string') {
        return `content is ${describe(content)}`;
      }
      return { kind: 'named-entity', ranges, content };
    }
    case '3d_bounding_box': {
      const psr = entry['psr'];
      if (!isRecord(psr)) {
        return `psr is ${describe(psr)}`;
      }
      const out: Record<string, Vec3> = {};
      for (const k of ['position', 'scale', 'rotation']) {
        const v = psr[k];
        if (!isRecord(v)) {
          return `psr.${k} is ${describe(v)}`;
        }
        const n: number[] = [];
        for (const axis of ['x', 'y', 'z']) {
          const a = num(v, axis, `psr.${k}.${axis}`);
          if (typeof a === 'string') {
            return a;
          }
          n.push(a);
        }
        out[k] = { x: n[0] ?? 0, y: n[1] ?? 0, z: n[2] ?? 0 };
      }
      return {
        kind: 'cuboid',
        position: out['position'] ?? { x: 0, y: 0, z: 0 },
        scale: out['scale'] ?? { x: 0, y: 0, z: 0 },
        rotation: out['rotation'] ?? { x: 0, y: 0, z: 0 },
      };
    }
    case '3d_segmentation': {
      const pts = entry['points'];
      if (
        !Array.isArray(pts) ||
        !pts.every(
          (p) => typeof p === 'number' && Number.isInteger(p) && p >= 0 && p <= MAX_PIXEL_INDEX,
        )
      ) {
        return 'points is not a list of non-negative integers';
      }
      return { kind: 'point-segmentation', points: pts as number[] };
    }
    case 'prompt': {
      const input = entry['input'];
      if (!Array.isArray(input)) {
        return `input is ${describe(input)}`;
      }
      return { kind: 'prompt', input };
    }
    case 'answer': {
      const output = entry['output'];
      if (!Array.isArray(output)) {
        return `output is ${describe(output)}`;
      }
      const pid = entry['promptAnnotationId'];
      return typeof pid === 'string'
        ? { kind: 'answer', output, promptAnnotationId: pid }
        : { kind: 'answer', output };
    }
    default:
      return 'unsupported:unknown tool';
  }
}

const HEAD_KEYS = new Set([
  'id',
  'tool',
  'classification',
  'label',
  'isLocked',
  'isVisible',
  'isValid',
  'isDrawCompleted',
]);
const FLAG_KEYS = ['isLocked', 'isVisible', 'isValid', 'isDrawCompleted'] as const;

/**
 * True when an annotation object holds only what the canonical fields rebuild exactly (the usual
 * case), so no residual needs computing.
 */
function plainHead(raw: Record<string, JsonValue>): boolean {
  for (const k in raw) {
    if (!HEAD_KEYS.has(k)) {
      return false;
    }
  }
  const cls = raw['classification'];
  if (cls !== undefined && cls !== null) {
    if (!isRecord(cls) || ('class' in cls && typeof cls['class'] !== 'string')) {
      return false;
    }
  }
  const label = raw['label'];
  if (label !== undefined && !(Array.isArray(label) && label.every((l) => typeof l === 'string'))) {
    return false;
  }
  for (const f of FLAG_KEYS) {
    const v = raw[f];
    if (v !== undefined && typeof v !== 'boolean') {
      return false;
    }
  }
  return true;
}

function onlyKeys(obj: Record<string, JsonValue>, allowed: readonly string[]): boolean {
  for (const k in obj) {
    if (!allowed.includes(k)) {
      return false;
    }
  }
  return true;
}

/** True when an `annotationsData` entry holds only what the canonical geometry rebuilds exactly. */
function plainData(entry: Record<string, JsonValue>, kind: Annotation['kind']): boolean {
  const frame = entry['frameIndex'];
  if (frame !== undefined && !(typeof frame === 'number' && Number.isInteger(frame))) {
    return false;
  }
  switch (kind) {
    case 'bbox': {
      const c = entry['coordinate'];
      return (
        onlyKeys(entry, ['id', 'coordinate', 'frameIndex']) &&
        isRecord(c) &&
        onlyKeys(c, ['x', 'y', 'width', 'height', 'rotation']) &&
        c['rotation'] !== null
      );
    }
    case 'keypoint': {
      const c = entry['coordinate'];
      return (
        onlyKeys(entry, ['id', 'coordinate', 'frameIndex']) &&
        isRecord(c) &&
        onlyKeys(c, ['x', 'y'])
      );
    }
    case 'polygon':
    case 'polyline': {
      const c = entry['coordinate'];
      if (!onlyKeys(entry, ['id', 'coordinate', 'frameIndex']) || !Array.isArray(c)) {
        return false;
      }
      for (const v of c) {
        if (
          !isRecord(v) ||
          !onlyKeys(v, ['x', 'y', 'id']) ||
          (v['id'] !== undefined && typeof v['id'] !== 'string')
        ) {
          return false;
        }
      }
      return true;
    }
    case 'classification':
      return onlyKeys(entry, ['id', 'frameIndex']);
    case 'group': {
      if (!onlyKeys(entry, ['id', 'annotationList', 'frameIndex'])) {
        return false;
      }
      const plainMembers = (list: JsonValue | undefined): boolean =>
        Array.isArray(list) &&
        list.every(
          (m) =>
            isRecord(m) &&
            onlyKeys(m, ['annotationId', 'children']) &&
            Array.isArray(m['children']) &&
            plainMembers(m['children']),
        );
      return plainMembers(entry['annotationList']);
    }
    default:
      return false;
  }
}

/** Order-insensitive deep equality of JSON values. */
function jsonEqual(a: JsonValue | undefined, b: JsonValue | undefined): boolean {
  if (a === b) {
    return true;
  }
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) {
    return false;
  }
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) {
      return false;
    }
    return a.every((v, i) => jsonEqual(v, b[i]));
  }
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) {
    return false;
  }
  return ka.every((k) => Object.hasOwn(b, k) && jsonEqual(a[k], b[k]));
}

/**
 * Keys of `source` that `rebuilt` does not reproduce exactly. Keys `rebuilt` has but `source`
 * lacks are recorded as the special key `__absent` (list of key names).
 */
function residual(source: Record<string, JsonValue>, rebuilt: JsonObject): JsonObject | undefined {
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(source)) {
    if (!(Object.hasOwn(rebuilt, k) && jsonEqual(v, rebuilt[k]))) {
      putKey(out, k, v);
    }
  }
  const absent = Object.keys(rebuilt).filter((k) => !(k in source));
  if (absent.length > 0) {
    out['__absent'] = absent;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

/** Applies a residual recorded by {@link residual}. */
function applyResidual(rebuilt: JsonObject, extra: JsonObject | undefined): JsonObject {
  if (extra === undefined) {
    return rebuilt;
  }
  const absent = new Set(Array.isArray(extra['__absent']) ? extra['__absent'] : []);
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(rebuilt)) {
    if (!absent.has(k)) {
      putKey(out, k, v);
    }
  }
  for (const [k, v] of Object.entries(extra)) {
    if (k !== '__absent') {
      putKey(out, k, v);
    }
  }
  return out;
}

function parseMembers(value: JsonValue | undefined): GroupMember[] | undefined {
  if (!Array.isArray(value)) {
    return undefined;
  }
  const out: GroupMember[] = [];
  for (const m of value) {
    if (!isRecord(m) || typeof m['annotationId'] !== 'string') {
      return undefined;
    }
    const children =
      m['children'] === undefined || m['children'] === null ? [] : parseMembers(m['children']);
    if (children === undefined) {
      return undefined;
    }
    out.push({ annotationId: m['annotationId'], children });
  }
  return out;
}

/**
 * Converts one item's DM v1 `data` into canonical media. Never throws for bad data: every
 * problem is reported through `options.reporter` and the rest is converted.
 *
 * @example
 * const issues = new IssueCollector();
 * const { media } = convertDmV1(assignment.data, { itemId: String(assignment.id), reporter: issues });
 */
export function convertDmV1(data: unknown, options: DmV1ConvertOptions): DmV1Converted {
  return new Converter(options).run(data);
}

function membersToDm(members: GroupMember[]): JsonValue[] {
  return members.map((m) => ({ annotationId: m.annotationId, children: membersToDm(m.children) }));
}

/** Geometry of an annotation as DM v1 `annotationsData` keys (without `id` and residuals). */
function geometryToDm(a: Annotation): JsonObject {
  const out: JsonObject = {};
  if (a.frameIndex !== undefined) {
    out['frameIndex'] = a.frameIndex;
  }
  switch (a.kind) {
    case 'bbox':
      out['coordinate'] = {
        x: a.x,
        y: a.y,
        width: a.width,
        height: a.height,
        ...(a.rotation === undefined ? {} : { rotation: a.rotation }),
      };
      break;
    case 'polygon':
    case 'polyline':
      out['coordinate'] = a.points.map((p) => ({
        x: p.x,
        y: p.y,
        ...(p.id === undefined ? {} : { id: p.id }),
      }));
      break;
    case 'keypoint':
      out['coordinate'] = { x: a.x, y: a.y };
      break;
    case 'mask':
      out['pixel_indices'] = a.pixelIndices;
      break;
    case 'video-segment':
      out['section'] = { startFrame: a.startFrame, endFrame: a.endFrame };
      break;
    case 'relation':
      out['annotationId'] = a.from;
      out['targetAnnotationId'] = a.to;
      break;
    case 'group':
      out['annotationList'] = membersToDm(a.members);
      break;
    case 'named-entity':
      out['ranges'] = a.ranges;
      out['content'] = a.content;
      break;
    case 'cuboid':
      out['psr'] = {
        position: { ...a.position },
        scale: { ...a.scale },
        rotation: { ...a.rotation },
      };
      break;
    case 'point-segmentation':
      out['points'] = a.points;
      break;
    case 'prompt':
      out['input'] = a.input;
      break;
    case 'answer':
      out['output'] = a.output;
      if (a.promptAnnotationId !== undefined) {
        out['promptAnnotationId'] = a.promptAnnotationId;
      }
      break;
    case 'other':
      return { ...(a.data ?? {}) };
    case 'classification':
      break;
  }
  return out;
}

function classificationToDm(a: Annotation): JsonValue | undefined {
  if (a.classCode === null && Object.keys(a.attributes).length === 0) {
    if (a.classification === 'absent') {
      return undefined;
    }
    if (a.classification === 'null') {
      return null;
    }
  }
  return { ...(a.classCode === null ? {} : { class: a.classCode }), ...a.attributes };
}

/** The DM annotation object (tool, classification, label, flags) without residuals. */
function annotationHeadToDm(a: Annotation): JsonObject {
  const out: JsonObject = { id: a.id };
  if (a.section === undefined) {
    out['tool'] = a.tool;
  }
  const cls = classificationToDm(a);
  if (cls !== undefined) {
    out['classification'] = cls;
  }
  if (a.label !== undefined) {
    out['label'] = a.label;
  }
  if (a.state !== undefined) {
    Object.assign(out, a.state);
  }
  return out;
}

/**
 * Rebuilds DM v1 `data` from canonical media: the inverse of {@link convertDmV1}. Values are
 * equal to the source's; key order may differ.
 */
export function toDmV1(converted: {
  media: readonly Media[];
  assignmentId?: JsonValue | undefined;
  extra?: JsonObject | undefined;
  dmKeys?: readonly string[] | undefined;
}): JsonObject {
  const sections: Record<string, JsonObject> = {
    annotations: {},
    annotationsData: {},
    relations: {},
    annotationGroups: {},
    extra: {},
  };
  for (const m of converted.media) {
    if (m.sections === undefined) {
      continue; // media known only from the data unit's files
    }
    const anns: JsonValue[] = [];
    const datas: JsonValue[] = [];
    const rels: JsonValue[] = [];
    const groups: JsonValue[] = [];
    for (const a of m.annotations) {
      if (a.section !== undefined) {
        const whole =
          a.kind === 'other'
            ? { ...annotationHeadToDm(a), ...(a.data ?? {}) }
            : applyResidual({ ...annotationHeadToDm(a), ...geometryToDm(a) }, a.extra);
        (a.section === 'relations' ? rels : groups).push(whole);
        continue;
      }
      anns.push(applyResidual(annotationHeadToDm(a), a.extra));
      if (a.noData === true) {
        continue;
      }
      if (a.kind === 'other') {
        if (a.data !== undefined) {
          datas.push({ id: a.id, ...a.data });
        }
        continue;
      }
      datas.push(applyResidual({ id: a.id, ...geometryToDm(a) }, a.dataExtra));
    }
    for (const o of m.orphanData ?? []) {
      datas.push(o);
    }
    const put = (name: string, value: JsonValue): void => {
      if (m.sections?.includes(name) === true) {
        const target = sections[name];
        if (target !== undefined) {
          target[m.id] = value;
        }
      }
    };
    put('annotations', anns);
    put('annotationsData', datas);
    put('relations', rels);
    put('annotationGroups', groups);
    put('extra', m.extra ?? null);
  }
  const keys = converted.dmKeys ?? [
    'annotations',
    'annotationsData',
    'relations',
    'annotationGroups',
    'extra',
  ];
  const out: JsonObject = {};
  for (const k of keys) {
    const sec = sections[k];
    if (sec !== undefined) {
      out[k] = sec;
    } else if (k === 'assignmentId') {
      out[k] = converted.assignmentId ?? null;
    } else if (converted.extra !== undefined && k in converted.extra) {
      out[k] = converted.extra[k] ?? null;
    }
  }
  return out;
}

/** Ids of the annotations listed as members of a group (at any depth). */
function groupMemberIds(annotations: readonly Annotation[]): Set<string> {
  const out = new Set<string>();
  const visit = (members: readonly GroupMember[]): void => {
    for (const m of members) {
      out.add(m.annotationId);
      visit(m.children);
    }
  };
  for (const a of annotations) {
    if (a.kind === 'group') {
      visit(a.members);
    }
  }
  return out;
}

/**
 * The DM v1 path of an annotation (of `media`), or of a field under it: under its
 * `annotationsData` entry when it has one (`annotationsData.image_1[3].coordinate`), else under
 * the annotation itself (`annotations.image_1[2]`, `relations.image_1[0]`). Falls back to the
 * media's section when the annotation does not say where it came from.
 */
export function dmFieldOf(mediaId: string, a: Annotation, sub?: string): string {
  const base =
    a.dataIndex !== undefined
      ? `annotationsData.${mediaId}[${a.dataIndex}]`
      : `${a.section ?? 'annotations'}.${mediaId}${a.dmIndex === undefined ? '' : `[${a.dmIndex}]`}`;
  return sub === undefined ? base : `${base}.${sub}`;
}

/** `obj[key]` when `obj` has it as its own property (never a prototype's, e.g. `__proto__`). */
function own(obj: Record<string, JsonValue>, key: string): JsonValue | undefined {
  return Object.hasOwn(obj, key) ? obj[key] : undefined;
}

/** True when `value` holds lists or objects nested more than `limit` levels (no recursion). */
function nestedDeeperThan(value: JsonValue, limit: number): boolean {
  const stack: [JsonValue, number][] = [[value, 1]];
  for (let next = stack.pop(); next !== undefined; next = stack.pop()) {
    const [v, depth] = next;
    if (depth > limit) {
      return true;
    }
    const children = Array.isArray(v) ? v : Object.values(v as Record<string, JsonValue>);
    for (const c of children) {
      if (typeof c === 'object' && c !== null) {
        stack.push([c, depth + 1]);
      }
    }
  }
  return false;
}
