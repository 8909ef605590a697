import {
  rawMember,
  SynapseClient,
  type AuthScheme,
  type ClientLogger,
  type FileValue,
  type PagedList,
  type PageEntry,
  type QueryParams,
} from '@synx/client';
import {
  classMapFromProjectConfiguration,
  convertDmV1,
  SynxError,
  throwIfAborted,
  type FileRef,
  type Media,
  type Issue,
  type Item,
  type JsonValue,
  type RetryPolicy,
  type SourceKind,
} from '@synx/model';
import { splitStem } from '@synx/synapse-folder';
import { sizeFromMeta } from './media.js';
import type { ItemReadOptions, SampleSpec, Source, SourcedItem, SourceSample } from './source.js';

/** The three things Synapse can export. */
export type ExportTarget = 'assignment' | 'task' | 'ground_truth';

/** Options of {@link openApiSource}. */
export interface ApiSourceOptions {
  readonly host: string;
  readonly token?: string | undefined;
  readonly auth?: AuthScheme | undefined;
  readonly tenant?: string | undefined;
  readonly target: ExportTarget;
  /** Required for `assignment` and `task`. */
  readonly project?: number | string | undefined;
  /** Required for `ground_truth`. */
  readonly gtVersion?: number | string | undefined;
  /** Extra list query parameters (`status`, `tags`, `category`, …), sent as given. */
  readonly filter?: QueryParams | undefined;
  readonly signal?: AbortSignal | undefined;
  readonly logger?: ClientLogger | undefined;
  /** The retry policy of every request (default: model's `retryPolicy()`). */
  readonly retry?: RetryPolicy | undefined;
  /** A client to use instead of building one (tests, custom transports). */
  readonly client?: SynapseClient | undefined;
  /**
   * Keep each item's DM v1 text exactly as received (`Item.raw`, for a format that writes it
   * verbatim). Default true. Without it no page's text outlives the parsing of its rows.
   */
  readonly raw?: boolean | undefined;
}

type Row = Record<string, unknown>;

function isRecord(v: unknown): v is Row {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function idOf(v: unknown): string | number | undefined {
  if (typeof v === 'number' || typeof v === 'string') {
    return v;
  }
  if (isRecord(v) && (typeof v['id'] === 'number' || typeof v['id'] === 'string')) {
    return v['id'];
  }
  return undefined;
}

function nameFromUrl(url: string): string | undefined {
  try {
    const last = new URL(url).pathname.split('/').filter(Boolean).pop();
    return last === undefined ? undefined : decodeURIComponent(last);
  } catch {
    return undefined;
  }
}

/** A Synapse `files` value (URL string or object) as a canonical file reference. */
export function fileRefOf(value: FileValue | null | undefined): FileRef | undefined {
  if (value === null || value === undefined) {
    return undefined;
  }
  if (typeof value === 'string') {
    if (value.startsWith('data:')) {
      return undefined;
    }
    const name = nameFromUrl(value);
    return { url: value, ...(name === undefined ? {} : { name }) };
  }
  const url = typeof value.url === 'string' ? value.url : undefined;
  const name = value.file_name_original ?? (url === undefined ? undefined : nameFromUrl(url));
  const ref: FileRef = {};
  if (url !== undefined) {
    ref.url = url;
  }
  if (name !== undefined) {
    ref.name = name;
  }
  if (typeof value.size === 'number') {
    ref.size = value.size;
  }
  if (typeof value.checksum === 'string' && value.checksum !== '') {
    ref.checksum = value.checksum;
  }
  if (typeof value.is_primary === 'boolean') {
    ref.isPrimary = value.is_primary;
  }
  if (typeof value.file_type === 'string') {
    ref.fileType = value.file_type;
  }
  return ref;
}

function filesOf(row: Row, target: ExportTarget): Record<string, FileRef> {
  const out: Record<string, FileRef> = {};
  const add = (dict: unknown): void => {
    if (!isRecord(dict)) {
      return;
    }
    for (const [spec, value] of Object.entries(dict)) {
      const ref = fileRefOf(value as FileValue);
      if (ref !== undefined && out[spec] === undefined) {
        out[spec] = ref;
      }
    }
  };
  if (target === 'assignment') {
    add(row['files']);
    if (Object.keys(out).length === 0) {
      const single = fileRefOf(row['file'] as FileValue | undefined);
      if (single !== undefined) {
        out['image_1'] = single;
      }
    }
  } else if (target === 'ground_truth') {
    add(row['files']);
  }
  const du = row['data_unit'];
  if (isRecord(du)) {
    add(du['files']);
  }
  return out;
}

/**
 * Opens a live Synapse project (assignments or tasks) or ground-truth version as a source.
 * Fails early — before anything is written — when the project or version does not exist or the
 * token is rejected.
 */
export async function openApiSource(options: ApiSourceOptions): Promise<Source> {
  const client =
    options.client ??
    new SynapseClient({
      host: options.host,
      token: options.token,
      ...(options.auth === undefined ? {} : { auth: options.auth }),
      ...(options.tenant === undefined ? {} : { tenant: options.tenant }),
      ...(options.logger === undefined ? {} : { logger: options.logger }),
      ...(options.retry === undefined ? {} : { retry: options.retry }),
    });
  const keepRaw = options.raw !== false;
  const call = { signal: options.signal, raw: keepRaw };
  let projectId = options.project;
  let list: PagedList<Row>;
  const notes: Issue[] = [];
  const filter: QueryParams = options.filter ?? {};
  if (options.target === 'ground_truth') {
    if (options.gtVersion === undefined) {
      throw new SynxError('SYNX_MISSING_INPUT', 'a ground-truth export needs a version', {
        hint: 'give --gt-version',
      });
    }
    const version = await client.getGroundTruthVersion(options.gtVersion, call);
    list = client.listGroundTruthEvents({ version: options.gtVersion, ...filter }, call);
    projectId ??= idOf((version as Row)['project']);
    if (projectId === undefined) {
      // The version does not name its project: peek at the first event, as Synapse's exporter does.
      const first = client.listGroundTruthEvents(
        { version: options.gtVersion, page_size: 1, ...filter },
        call,
      );
      for await (const e of first) {
        projectId = idOf((e as Row)['project']);
        break;
      }
    }
  } else {
    if (options.project === undefined) {
      throw new SynxError('SYNX_MISSING_INPUT', `an ${options.target} export needs a project`, {
        hint: 'give --project',
      });
    }
    list =
      options.target === 'assignment'
        ? client.listAssignments({ project: options.project, ...filter }, call)
        : client.listTasks({ project: options.project, ...filter }, call);
  }
  // Page 1 (the item count) is fetched while the project is.
  const counted = list.count();
  counted.catch(() => undefined);
  const project = projectId === undefined ? undefined : await client.getProject(projectId, call);
  if (project === undefined) {
    notes.push({
      code: 'SYNX_NO_PROJECT',
      severity: 'warning',
      message:
        'the ground-truth version names no project: classes cannot be checked against a configuration',
    });
  }
  const classes = classMapFromProjectConfiguration(project?.configuration, (field, message) => {
    notes.push({
      code: 'SYNX_CLASSES_INVALID',
      severity: 'warning',
      message: `the project's ${field} ${message}`,
      field,
    });
  });
  const itemCount = await counted;
  const title = project?.title ?? undefined;
  const target = options.target;
  const sourceKind: SourceKind = target;

  /** Freshly signed file references of one object (its data unit, or else itself). */
  const freshFiles = async (
    dataUnitId: string | number | undefined,
    id: string,
    signal: AbortSignal | undefined,
  ): Promise<Record<string, FileRef>> => {
    const call = signal === undefined ? {} : { signal };
    if (dataUnitId !== undefined) {
      return filesOf({ data_unit: await client.getDataUnit(dataUnitId, call) }, target);
    }
    if (target === 'assignment') {
      return filesOf(await client.getAssignment(id, call), target);
    }
    if (target === 'task') {
      return filesOf(await client.getTask(id, call), target);
    }
    return {};
  };
  const pick = (files: Record<string, FileRef>, media: Media): FileRef | undefined =>
    files[media.id] ?? (Object.keys(files).length === 1 ? Object.values(files)[0] : undefined);

  const toItem = (entry: PageEntry<Row>, read: ItemReadOptions): SourcedItem => {
    const row = entry.value;
    const id = String(idOf(row) ?? '');
    const issues: Issue[] = [];
    const raw = keepRaw ? rawMember(entry.raw, 'data') : undefined;
    const data = row['data'];
    if ((keepRaw && raw === undefined) || data === undefined || data === null) {
      return {
        item: undefined,
        issues: [
          {
            code: 'SYNX_ITEM_NO_DATA',
            severity: 'error',
            message: `${target} ${id} has no annotation data; it is skipped (its image is not exported as an image without objects)`,
            itemId: id,
            field: 'data',
            action: 'dropped',
          },
        ],
      };
    }
    const files = filesOf(row, target);
    const converted = convertDmV1(data, {
      itemId: id,
      reporter: { report: (i) => issues.push(i) },
      files,
      ...(read.isKnownClass === undefined ? {} : { isKnownClass: read.isKnownClass }),
    });
    const du = row['data_unit'];
    const duId = idOf(du);
    const meta =
      isRecord(du) && isRecord(du['meta']) ? (du['meta'] as Record<string, JsonValue>) : undefined;
    // Sizes from the data unit's meta (no I/O); the export sizes the rest once the images
    // are named, so a copy already in the output folder can stand in for a header request.
    sizeFromMeta(converted.media, meta);
    const taskId = target === 'task' ? idOf(row) : idOf(row['task']);
    const primaryName =
      converted.media.find((m) => m.kind === 'image')?.file?.name ?? converted.media[0]?.file?.name;
    const metaName = typeof meta?.['filename'] === 'string' ? meta['filename'] : undefined;
    const stemSource = primaryName ?? metaName;
    const stem =
      stemSource === undefined
        ? `${target}-${id}`
        : splitStem(stemSource).stem || `${target}-${id}`;
    const category = row['category'];
    const item: Item = {
      id,
      sourceKind,
      key:
        duId !== undefined
          ? `du-${duId}`
          : taskId !== undefined
            ? `task-${taskId}`
            : `${target}-${id}`,
      stem,
      media: converted.media,
      dmKeys: converted.dmKeys,
      ...(raw === undefined ? {} : { raw }),
      ...(duId === undefined && meta === undefined
        ? {}
        : { dataUnit: { ...(duId === undefined ? {} : { id: duId }), meta: meta ?? {} } }),
      ...(taskId === undefined ? {} : { taskId }),
      ...(projectId === undefined ? {} : { projectId }),
      ...(typeof row['status'] === 'string' ? { status: row['status'] } : {}),
      ...(Array.isArray(row['tags']) ? { tags: row['tags'] as JsonValue[] } : {}),
      ...(category === 'train' || category === 'validation' || category === 'test'
        ? { gtCategory: category }
        : {}),
      ...(converted.assignmentId === undefined ? {} : { assignmentId: converted.assignmentId }),
      ...(converted.extra === undefined ? {} : { extra: converted.extra }),
    };
    return { item, issues };
  };

  const listAgain = (signal: AbortSignal | undefined): PagedList<Row> =>
    target === 'ground_truth'
      ? client.listGroundTruthEvents(
          { version: options.gtVersion ?? '', ...filter },
          { signal, raw: keepRaw },
        )
      : target === 'assignment'
        ? client.listAssignments(
            { project: options.project ?? '', ...filter },
            { signal, raw: keepRaw },
          )
        : client.listTasks({ project: options.project ?? '', ...filter }, { signal, raw: keepRaw });

  let first = true;
  return {
    info: {
      kind: 'synapse-api',
      host: client.host,
      target,
      ...(projectId === undefined ? {} : { projectId }),
      ...(options.gtVersion === undefined ? {} : { gtVersionId: options.gtVersion }),
      ...(options.filter === undefined
        ? {}
        : { filter: options.filter as Record<string, JsonValue> }),
    },
    project: {
      ...(project !== undefined
        ? { id: project.id }
        : projectId === undefined
          ? {}
          : { id: projectId }),
      ...(title === undefined ? {} : { title }),
      ...(project?.category === undefined || project.category === null
        ? {}
        : { category: project.category }),
    },
    classes,
    keypointNames: classes.keypointNames(),
    itemCount,
    notes,
    name:
      title ??
      (target === 'ground_truth'
        ? `gt_${String(options.gtVersion)}`
        : `project_${String(projectId)}`),
    items: (read: ItemReadOptions) => {
      // The first pass reuses the page `count()` fetched; later passes list again.
      const pages = first ? list : listAgain(read.signal);
      first = false;
      return (async function* (): AsyncGenerator<SourcedItem> {
        for await (const entry of pages.entries()) {
          throwIfAborted(read.signal);
          yield toItem(entry, read);
        }
      })();
    },
    sample: async (spec: SampleSpec, read: ItemReadOptions): Promise<SourceSample> => {
      // Reuses the page `count()` fetched while it is fresh (before any full pass).
      const s = await (first ? list : listAgain(read.signal)).sample(spec.pages);
      throwIfAborted(read.signal);
      return {
        items: s.entries.map((entry) => toItem(entry, read)),
        of: s.count,
        complete: s.complete,
      };
    },
    refreshFile: async (item, media, signal) =>
      pick(await freshFiles(item.dataUnit?.id, item.id, signal), media),
    close: () => {
      if (options.client === undefined) {
        client.close();
      }
    },
  };
}
