import { z } from 'zod';

/*
 * Response shapes, parsed where they enter (R6). They are loose: the server sends many more
 * fields than synx uses, and those are kept. Only what synx relies on is checked.
 */

const Id = z.union([z.number(), z.string()]);

/** A file reference as Synapse sends it: a URL string or an object with at least `url`. */
export const FileValueSchema = z.union([
  z.string(),
  z.looseObject({
    url: z.string().optional(),
    file_name_original: z.string().optional(),
    is_primary: z.boolean().optional(),
    file_type: z.string().optional(),
    path_original: z.string().optional(),
    checksum: z.string().optional(),
    size: z.number().optional(),
  }),
]);
export type FileValue = z.infer<typeof FileValueSchema>;

export const DataUnitSchema = z.looseObject({
  id: Id.optional(),
  meta: z.record(z.string(), z.unknown()).nullish(),
  files: z.record(z.string(), FileValueSchema).nullish(),
});
export type DataUnit = z.infer<typeof DataUnitSchema>;

export const ProjectSchema = z.looseObject({
  id: Id,
  title: z.string().nullish(),
  category: z.string().nullish(),
  configuration: z.unknown().optional(),
  /** v2: tasks in the project. */
  task_count: z.number().nullish(),
  /** v2: ISO 8601 creation time. */
  created: z.string().nullish(),
  is_archived: z.boolean().nullish(),
  description: z.string().nullish(),
});
export type Project = z.infer<typeof ProjectSchema>;

export const AssignmentSchema = z.looseObject({
  id: Id,
  data: z.unknown().optional(),
  file: FileValueSchema.nullish(),
  files: z.record(z.string(), FileValueSchema).nullish(),
  task: z.union([Id, z.looseObject({ id: Id.optional() })]).nullish(),
  data_unit: z.union([Id, DataUnitSchema]).nullish(),
  project: z.union([Id, z.looseObject({ id: Id.optional() })]).nullish(),
  status: z.string().nullish(),
  tags: z.array(z.unknown()).nullish(),
});
export type Assignment = z.infer<typeof AssignmentSchema>;

export const TaskSchema = z.looseObject({
  id: Id,
  data: z.unknown().optional(),
  data_unit: z.union([Id, DataUnitSchema]).nullish(),
  project: z.union([Id, z.looseObject({ id: Id.optional() })]).nullish(),
  status: z.string().nullish(),
  tags: z.array(z.unknown()).nullish(),
});
export type Task = z.infer<typeof TaskSchema>;

export const GroundTruthEventSchema = z.looseObject({
  id: Id,
  data: z.unknown().optional(),
  category: z.string().nullish(),
  files: z.record(z.string(), FileValueSchema).nullish(),
  data_unit: z.union([Id, DataUnitSchema]).nullish(),
  project: z.union([Id, z.looseObject({ id: Id.optional() })]).nullish(),
});
export type GroundTruthEvent = z.infer<typeof GroundTruthEventSchema>;

/** A ground-truth dataset version: the SDK-style shape and the v2 one (`…_id`, `created`). */
export const GroundTruthVersionSchema = z.looseObject({
  id: Id,
  version: z.union([z.string(), z.number()]).nullish(),
  ground_truth_dataset: z.union([Id, z.looseObject({ id: Id.optional() })]).nullish(),
  ground_truth_dataset_id: Id.nullish(),
  created: z.string().nullish(),
  description: z.string().nullish(),
  is_archived: z.boolean().nullish(),
});
export type GroundTruthVersion = z.infer<typeof GroundTruthVersionSchema>;

/** A ground-truth dataset (`/v2/ground-truth-datasets/`): named `name` or `title`. */
export const GroundTruthDatasetSchema = z.looseObject({
  id: Id,
  name: z.string().nullish(),
  title: z.string().nullish(),
  description: z.string().nullish(),
  project_id: Id.nullish(),
  project: z.union([Id, z.looseObject({ id: Id.optional() })]).nullish(),
  created: z.string().nullish(),
});
export type GroundTruthDataset = z.infer<typeof GroundTruthDatasetSchema>;

export const StorageSchema = z.looseObject({
  id: Id,
  name: z.string().nullish(),
  category: z.string().nullish(),
  provider: z.string().nullish(),
  is_default: z.boolean().nullish(),
});
export type Storage = z.infer<typeof StorageSchema>;

export const UserSchema = z.looseObject({
  id: Id.optional(),
  email: z.string().nullish(),
  name: z.string().nullish(),
});
export type User = z.infer<typeof UserSchema>;

export const AgentSchema = z.looseObject({ id: Id, name: z.string().nullish() });
export type Agent = z.infer<typeof AgentSchema>;

/** DRF page-number envelope. */
export const PageEnvelopeSchema = z.looseObject({
  count: z.number().int().nonnegative().nullish(),
  next: z.string().nullish(),
  previous: z.string().nullish(),
  results: z.array(z.unknown()),
});
