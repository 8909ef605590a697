import { z } from 'zod';

/*
 * The canonical annotation model. These zod schemas are the source of truth: the TypeScript
 * types are inferred from them and `schema.json` is generated from them.
 *
 * Coordinates are absolute pixels of the image as displayed (see ADR 0007 on EXIF orientation),
 * (x, y) = top-left. Rotation is in radians, as Synapse stores it.
 */

/** Any JSON value; used where DM v1 allows free-form data (attributes, extra, prompt content). */
export const JsonValueSchema: z.ZodType<JsonValue> = z
  .lazy(() =>
    z.union([
      z.string(),
      z.number(),
      z.boolean(),
      z.null(),
      z.array(JsonValueSchema),
      z.record(z.string(), JsonValueSchema),
    ]),
  )
  .meta({ id: 'JsonValue', description: 'Any JSON value.' });
export type JsonValue =
  string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = Record<string, JsonValue>;

// zod 4 numbers reject NaN and ±Infinity.
const finite = z.number();
const nonNegative = z.number().nonnegative();

/** The media types of DM v1 media ids (`image_1`, `video_1`, …). */
export const MediaKindSchema = z
  .enum(['image', 'video', 'pcd', 'text', 'audio', 'prompt', 'unknown'])
  .meta({ id: 'MediaKind' });
export type MediaKind = z.infer<typeof MediaKindSchema>;

/** The canonical annotation kinds. Each maps from one DM v1 tool (see `DM_TOOL_KIND`). */
export const ANNOTATION_KINDS = [
  'bbox',
  'polygon',
  'polyline',
  'keypoint',
  'classification',
  'mask',
  'video-segment',
  'relation',
  'group',
  'named-entity',
  'cuboid',
  'point-segmentation',
  'prompt',
  'answer',
  'other',
] as const;
export const AnnotationKindSchema = z.enum(ANNOTATION_KINDS).meta({ id: 'AnnotationKind' });
export type AnnotationKind = z.infer<typeof AnnotationKindSchema>;

/** Annotation-tool state flags DM v1 keeps on every annotation. */
export const AnnotationStateSchema = z
  .object({
    isLocked: z.boolean().optional(),
    isVisible: z.boolean().optional(),
    isValid: z.boolean().optional(),
    isDrawCompleted: z.boolean().optional(),
  })
  .meta({ id: 'AnnotationState' });

const annotationBase = {
  /** DM annotation id (unique within the media). */
  id: z.string().min(1),
  /** The DM v1 tool code this came from (`bounding_box`, `polygon`, …). */
  tool: z.string(),
  /** Class code from `classification.class`; null when the annotation has no class. */
  classCode: z.string().nullable(),
  /** Every other key of `classification`: radio/select → string, multi-select → string[], text → string. */
  attributes: z.record(z.string(), JsonValueSchema),
  /** DM `label` list, when present. */
  label: z.array(z.string()).optional(),
  state: AnnotationStateSchema.optional(),
  /** Video frame index, when present. */
  frameIndex: z.number().int().optional(),
  /** How `classification` looked when it carried no class: missing, or `null`. */
  classification: z.enum(['absent', 'null']).optional(),
  /** Where the annotation was found in DM v1 (default `annotations`). */
  section: z.enum(['annotations', 'relations', 'annotationGroups']).optional(),
  /**
   * Keys of the DM annotation object that the fields above do not reproduce exactly, verbatim,
   * so nothing is lost (unknown keys, unusual shapes).
   */
  extra: z.record(z.string(), JsonValueSchema).optional(),
  /** The same for the matching `annotationsData` entry. */
  dataExtra: z.record(z.string(), JsonValueSchema).optional(),
  /** True when the source had no `annotationsData` entry (possible for classifications). */
  noData: z.literal(true).optional(),
  /**
   * Index of the annotation in its DM v1 list (`annotations.<media>`, or `relations` /
   * `annotationGroups` as `section` says), so that issues can name its field.
   */
  dmIndex: z.number().int().nonnegative().optional(),
  /** Index of its `annotationsData.<media>` entry (its geometry), when it has one. */
  dataIndex: z.number().int().nonnegative().optional(),
};

export const VertexSchema = z
  .object({ x: finite, y: finite, id: z.string().optional() })
  .meta({ id: 'Vertex' });
export type Vertex = z.infer<typeof VertexSchema>;

export const Vector3Schema = z.object({ x: finite, y: finite, z: finite }).meta({ id: 'Vector3' });

/** A group member: an annotation id and nested members (DM `annotationList`). */
export interface GroupMember {
  annotationId: string;
  children: GroupMember[];
}
export const GroupMemberSchema: z.ZodType<GroupMember> = z
  .lazy(() => z.object({ annotationId: z.string(), children: z.array(GroupMemberSchema) }))
  .meta({ id: 'GroupMember' });

export const BBoxAnnotationSchema = z
  .object({
    ...annotationBase,
    kind: z.literal('bbox'),
    x: finite,
    y: finite,
    width: nonNegative,
    height: nonNegative,
    /** Radians, clockwise in image coordinates, about the box centre. Absent = not rotated. */
    rotation: finite.optional(),
  })
  .meta({ id: 'BBoxAnnotation' });

export const PolygonAnnotationSchema = z
  .object({ ...annotationBase, kind: z.literal('polygon'), points: z.array(VertexSchema) })
  .meta({ id: 'PolygonAnnotation' });

export const PolylineAnnotationSchema = z
  .object({ ...annotationBase, kind: z.literal('polyline'), points: z.array(VertexSchema) })
  .meta({ id: 'PolylineAnnotation' });

export const KeypointAnnotationSchema = z
  .object({ ...annotationBase, kind: z.literal('keypoint'), x: finite, y: finite })
  .meta({ id: 'KeypointAnnotation' });

export const ClassificationAnnotationSchema = z
  .object({ ...annotationBase, kind: z.literal('classification') })
  .meta({ id: 'ClassificationAnnotation' });

export const MaskAnnotationSchema = z
  .object({
    ...annotationBase,
    kind: z.literal('mask'),
    /** Flat row-major pixel indices (`y * width + x`) of the image as displayed. */
    pixelIndices: z.array(z.number().int().nonnegative()),
  })
  .meta({ id: 'MaskAnnotation' });

export const VideoSegmentAnnotationSchema = z
  .object({
    ...annotationBase,
    kind: z.literal('video-segment'),
    startFrame: z.number().int(),
    endFrame: z.number().int(),
  })
  .meta({ id: 'VideoSegmentAnnotation' });

export const RelationAnnotationSchema = z
  .object({ ...annotationBase, kind: z.literal('relation'), from: z.string(), to: z.string() })
  .meta({ id: 'RelationAnnotation' });

export const GroupAnnotationSchema = z
  .object({ ...annotationBase, kind: z.literal('group'), members: z.array(GroupMemberSchema) })
  .meta({ id: 'GroupAnnotation' });

export const NamedEntityAnnotationSchema = z
  .object({
    ...annotationBase,
    kind: z.literal('named-entity'),
    ranges: z.array(JsonValueSchema),
    content: z.string(),
  })
  .meta({ id: 'NamedEntityAnnotation' });

export const CuboidAnnotationSchema = z
  .object({
    ...annotationBase,
    kind: z.literal('cuboid'),
    position: Vector3Schema,
    scale: Vector3Schema,
    rotation: Vector3Schema,
  })
  .meta({ id: 'CuboidAnnotation' });

export const PointSegmentationAnnotationSchema = z
  .object({
    ...annotationBase,
    kind: z.literal('point-segmentation'),
    points: z.array(z.number().int().nonnegative()),
  })
  .meta({ id: 'PointSegmentationAnnotation' });

export const PromptAnnotationSchema = z
  .object({ ...annotationBase, kind: z.literal('prompt'), input: z.array(JsonValueSchema) })
  .meta({ id: 'PromptAnnotation' });

export const AnswerAnnotationSchema = z
  .object({
    ...annotationBase,
    kind: z.literal('answer'),
    output: z.array(JsonValueSchema),
    promptAnnotationId: z.string().optional(),
  })
  .meta({ id: 'AnswerAnnotation' });

/** An annotation of a tool synx does not know; kept verbatim so nothing is lost. */
export const OtherAnnotationSchema = z
  .object({
    ...annotationBase,
    kind: z.literal('other'),
    /** Why synx could not interpret it. */
    reason: z.enum(['unknown-tool', 'invalid-geometry', 'missing-data', 'unsupported-shape']),
    /** The `annotationsData` entry verbatim (without its id), when there was one. */
    data: z.record(z.string(), JsonValueSchema).optional(),
  })
  .meta({ id: 'OtherAnnotation' });

export const AnnotationSchema = z
  .discriminatedUnion('kind', [
    BBoxAnnotationSchema,
    PolygonAnnotationSchema,
    PolylineAnnotationSchema,
    KeypointAnnotationSchema,
    ClassificationAnnotationSchema,
    MaskAnnotationSchema,
    VideoSegmentAnnotationSchema,
    RelationAnnotationSchema,
    GroupAnnotationSchema,
    NamedEntityAnnotationSchema,
    CuboidAnnotationSchema,
    PointSegmentationAnnotationSchema,
    PromptAnnotationSchema,
    AnswerAnnotationSchema,
    OtherAnnotationSchema,
  ])
  .meta({ id: 'Annotation' });

export type Annotation = z.infer<typeof AnnotationSchema>;
export type BBoxAnnotation = z.infer<typeof BBoxAnnotationSchema>;
export type PolygonAnnotation = z.infer<typeof PolygonAnnotationSchema>;
export type PolylineAnnotation = z.infer<typeof PolylineAnnotationSchema>;
export type KeypointAnnotation = z.infer<typeof KeypointAnnotationSchema>;
export type ClassificationAnnotation = z.infer<typeof ClassificationAnnotationSchema>;
export type MaskAnnotation = z.infer<typeof MaskAnnotationSchema>;
export type VideoSegmentAnnotation = z.infer<typeof VideoSegmentAnnotationSchema>;
export type RelationAnnotation = z.infer<typeof RelationAnnotationSchema>;
export type GroupAnnotation = z.infer<typeof GroupAnnotationSchema>;
export type NamedEntityAnnotation = z.infer<typeof NamedEntityAnnotationSchema>;
export type CuboidAnnotation = z.infer<typeof CuboidAnnotationSchema>;
export type PointSegmentationAnnotation = z.infer<typeof PointSegmentationAnnotationSchema>;
export type PromptAnnotation = z.infer<typeof PromptAnnotationSchema>;
export type AnswerAnnotation = z.infer<typeof AnswerAnnotationSchema>;
export type OtherAnnotation = z.infer<typeof OtherAnnotationSchema>;

/** Where a media file lives: a URL (possibly signed and expiring), a local path, or both. */
export const FileRefSchema = z
  .object({
    /** Original file name as uploaded (`file_name_original`). */
    name: z.string().optional(),
    url: z.string().optional(),
    path: z.string().optional(),
    size: z.number().int().nonnegative().optional(),
    checksum: z.string().optional(),
    /** Which checksum algorithm `checksum` is, when known (`md5`, `sha1`, `sha256`). */
    checksumAlgorithm: z.string().optional(),
    isPrimary: z.boolean().optional(),
    fileType: z.string().optional(),
  })
  .meta({ id: 'FileRef' });
export type FileRef = z.infer<typeof FileRefSchema>;

/** One media of an item (`image_1`, `video_1`, …) with its annotations. */
export const MediaSchema = z
  .object({
    /** DM media id / file-spec name, e.g. `image_1`. */
    id: z.string(),
    kind: MediaKindSchema,
    file: FileRefSchema.optional(),
    /** Width and height as displayed (EXIF orientation applied), in pixels. */
    width: z.number().int().positive().optional(),
    height: z.number().int().positive().optional(),
    /** Where width/height came from. */
    sizeSource: z.enum(['meta', 'header', 'source']).optional(),
    /** EXIF orientation (1–8) of the stored file, when not 1. */
    orientation: z.number().int().min(1).max(8).optional(),
    /** Channels per pixel (1 grey, 3 colour, 4 with alpha), from the image header. */
    depth: z.number().int().positive().optional(),
    annotations: z.array(AnnotationSchema),
    /** `annotationsData` entries with no matching annotation, kept verbatim. */
    orphanData: z.array(JsonValueSchema).optional(),
    /** DM `extra[mediaId]`. */
    extra: JsonValueSchema.optional(),
    /** The DM v1 top-level sections this media id appeared in (for an exact round trip). */
    sections: z.array(z.string()).optional(),
  })
  .meta({ id: 'Media' });
export type Media = z.infer<typeof MediaSchema>;

/** Ground-truth split categories as Synapse names them. */
export const GtCategorySchema = z.enum(['train', 'validation', 'test']).meta({ id: 'GtCategory' });
export type GtCategory = z.infer<typeof GtCategorySchema>;

export const SourceKindSchema = z
  .enum(['assignment', 'task', 'ground_truth', 'folder'])
  .meta({ id: 'SourceKind' });
export type SourceKind = z.infer<typeof SourceKindSchema>;

/** One exported unit: an assignment, a task, a ground-truth event, or one JSON file of a folder. */
export const ItemSchema = z
  .object({
    /** Id of the source object (assignment/task/GT event id), or the file stem for folders. */
    id: z.string().min(1),
    sourceKind: SourceKindSchema,
    /**
     * Key that identifies the underlying data unit; two assignments of one data unit share it.
     * Splits are assigned by this key.
     */
    key: z.string().min(1),
    /** Base name (without extension) to use for per-item output files. */
    stem: z.string().min(1),
    dataUnit: z
      .object({
        id: z.union([z.string(), z.number()]).optional(),
        meta: z.record(z.string(), JsonValueSchema),
      })
      .optional(),
    taskId: z.union([z.string(), z.number()]).optional(),
    projectId: z.union([z.string(), z.number()]).optional(),
    status: z.string().optional(),
    tags: z.array(JsonValueSchema).optional(),
    /** Ground-truth category of the item, when exported from a GT version. */
    gtCategory: GtCategorySchema.optional(),
    /** DM `assignmentId`. */
    assignmentId: JsonValueSchema.optional(),
    media: z.array(MediaSchema),
    /** Top-level DM v1 keys synx does not interpret. */
    extra: z.record(z.string(), JsonValueSchema).optional(),
    /** Top-level DM v1 keys present in the source, in source order (for an exact round trip). */
    dmKeys: z.array(z.string()).optional(),
    /**
     * The DM v1 `data` exactly as received (file bytes or the response's text span), so the raw
     * JSON format can write it back byte-for-byte. An export from the API keeps it only for a
     * format that declares `verbatim` (a kept span holds its whole page of text in memory).
     */
    raw: z.string().optional(),
  })
  .meta({ id: 'Item' });
export type Item = z.infer<typeof ItemSchema>;

/** One class of the class map. */
export const ClassEntrySchema = z
  .object({
    /** 0-based position in the class map; formats derive their ids from it. */
    index: z.number().int().nonnegative(),
    /** An explicit id from a user class map (COCO category ids, for example). */
    id: z.number().int().optional(),
    /** The class code used in annotation data (`classification.class`). */
    code: z.string().min(1),
    /** Display name (`classification_schema[].name`); equals `code` when unknown. */
    name: z.string(),
    /** DM tools the class is configured for. Empty when the map came from a user file. */
    tools: z.array(z.string()),
    color: z.string().optional(),
    /** Attribute definitions from the project configuration, verbatim. */
    attributes: z.array(JsonValueSchema).optional(),
  })
  .meta({ id: 'ClassEntry' });
export type ClassEntry = z.infer<typeof ClassEntrySchema>;

export const ClassMapSchema = z
  .object({
    /** Where the order came from. `discovered` maps are sorted by name and may change between exports. */
    origin: z.enum(['project', 'class-map', 'discovered']),
    entries: z.array(ClassEntrySchema),
  })
  .meta({ id: 'ClassMap' });
export type ClassMapData = z.infer<typeof ClassMapSchema>;

/** Where a dataset came from. Never holds a token. */
export const SourceInfoSchema = z
  .object({
    kind: z.enum(['synapse-api', 'synapse-folder']),
    host: z.string().optional(),
    target: SourceKindSchema.optional(),
    projectId: z.union([z.string(), z.number()]).optional(),
    gtVersionId: z.union([z.string(), z.number()]).optional(),
    filter: z.record(z.string(), JsonValueSchema).optional(),
    path: z.string().optional(),
  })
  .meta({ id: 'SourceInfo' });
export type SourceInfo = z.infer<typeof SourceInfoSchema>;

/** The part of a dataset known before its items are read. */
export const DatasetHeaderSchema = z
  .object({
    source: SourceInfoSchema,
    project: z
      .object({
        id: z.union([z.string(), z.number()]).optional(),
        title: z.string().optional(),
        category: z.string().optional(),
      })
      .optional(),
    classes: ClassMapSchema,
    /** Keypoint names in configured order (DM `keypoint` classes), for pose formats. */
    keypointNames: z.array(z.string()),
    mediaKinds: z.array(MediaKindSchema),
    /** Item count when the source knows it up front. */
    itemCount: z.number().int().nonnegative().optional(),
  })
  .meta({ id: 'DatasetHeader' });
export type DatasetHeader = z.infer<typeof DatasetHeaderSchema>;

/**
 * A dataset: a header plus items as an async iterable. Nothing here holds every item in memory;
 * `items()` may be called again to read the items once more.
 */
export interface Dataset {
  readonly header: DatasetHeader;
  items(signal?: AbortSignal): AsyncIterable<Item>;
}
