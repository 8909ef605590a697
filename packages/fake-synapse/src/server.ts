import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { createReadStream } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname } from 'node:path';
import { SynxError } from '@synx/model';
import { cursorPage, decodeCursor, FakeCatalog, type Cursor } from './catalog.js';
import { FakeDataset, type FakeUnit } from './dataset.js';
import { FaultEngine, type FaultConfig, type FaultDecision, type RouteName } from './faults.js';

/** Options of {@link startFakeSynapse}. */
export interface FakeSynapseOptions {
  /**
   * A Synapse raw export folder (`json/`, `origin_files/`, optional `project.json`), or several:
   * each is served as its own project (its id from its `project.json`; a folder without one gets
   * `projectId` when it is the first, else the next id above those taken) with its own data
   * units, tasks, assignments and ground-truth dataset. Ids of data units, tasks, assignments and
   * GT events are numbered across the folders in order, so they never collide.
   */
  readonly from: string | readonly string[];
  /** The access token the fake accepts (in all three header forms). Default `fake-synapse-token`. */
  readonly token?: string;
  /** When set, the `Authorization: Token` form must also send `Synapse-Tenant`. */
  readonly tenant?: string;
  /** Loopback address to bind. Default 127.0.0.1; non-loopback addresses are refused. */
  readonly hostname?: string;
  /**
   * The host name in every URL the fake gives (its `url`, media and pagination links), e.g. a
   * name that only a forward proxy resolves. Default: the bound address.
   */
  readonly publicHost?: string;
  /** Default 0 (a free port). */
  readonly port?: number;
  /** Seed of every fault decision. Default 1. */
  readonly seed?: number;
  readonly faults?: FaultConfig;
  /** Lifetime of signed media URLs. Default 10 minutes. */
  readonly urlTtlMs?: number;
  /** Project id when the (first) folder has no `project.json` with an id. Default 1. */
  readonly projectId?: number;
  /** Assignments per task (each with the same data). Default 1. */
  readonly assignmentsPerTask?: number;
  /** Ground-truth split shares when the folder has no `synapse-fake.json` categories. */
  readonly gtSplit?: readonly [number, number, number];
  /** Largest number of request-log entries kept (oldest dropped). Default 1,000,000. */
  readonly logLimit?: number;
  /**
   * Synthetic, empty projects listed beside the dataset's (seeded titles such as "Street scenes
   * 3", categories, creation dates; ids from 1 up, skipping the dataset's), plus up to two empty
   * ground-truth datasets on them. Default 0.
   */
  readonly extraProjects?: number;
}

/** One served request. */
export interface RequestLogEntry {
  /** Milliseconds since the server started. */
  readonly t: number;
  readonly method: string;
  readonly route: RouteName | 'control' | 'unknown';
  /** Path and query (signed media URLs without their signature). */
  readonly path: string;
  readonly status: number;
  /** The fault injected, if any. */
  readonly fault?: FaultDecision['kind'];
  /** Bytes of body sent. */
  readonly bytes: number;
  /** Range header of media requests. */
  readonly range?: string;
}

/** A running fake backend. */
export interface FakeSynapse {
  /** Base URL, e.g. `http://127.0.0.1:43121`. */
  readonly url: string;
  readonly port: number;
  readonly token: string;
  /** The project of the first folder. */
  readonly projectId: number;
  /** The data of the first folder. */
  readonly dataset: FakeDataset;
  /** The data of every folder served, in the order given (`dataset` first). */
  readonly datasets: readonly FakeDataset[];
  /** The projects and ground-truth datasets and versions listed. */
  readonly catalog: FakeCatalog;
  /** Every request served, oldest first (bounded by `logLimit`). */
  readonly log: RequestLogEntry[];
  /** Replaces the fault switches (and their per-request counters). */
  setFaults(faults: FaultConfig): void;
  /** A freshly signed media URL for a data unit. */
  mediaUrl(dataUnitId: number): string;
  close(): Promise<void>;
}

const CONTENT_TYPES: Record<string, string> = {
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.png': 'image/png',
  '.gif': 'image/gif',
  '.bmp': 'image/bmp',
  '.webp': 'image/webp',
  '.tif': 'image/tiff',
  '.tiff': 'image/tiff',
  '.mp4': 'video/mp4',
  '.txt': 'text/plain; charset=utf-8',
  '.md': 'text/markdown; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
};

interface Reply {
  status: number;
  body: string | Buffer;
  contentType: string;
  headers?: Record<string, string>;
}

interface FileReply {
  status: number;
  path: string;
  start: number;
  end: number;
  size: number;
  contentType: string;
  headers: Record<string, string>;
  head: boolean;
}

function json(status: number, value: unknown): Reply {
  return { status, body: JSON.stringify(value), contentType: 'application/json' };
}

function rawJson(status: number, text: string): Reply {
  return { status, body: text, contentType: 'application/json' };
}

function isLoopback(host: string): boolean {
  return host === '127.0.0.1' || host === '::1' || host === 'localhost' || host.startsWith('127.');
}

function intParam(url: URL, name: string): number | undefined {
  const v = url.searchParams.get(name);
  if (v === null || !/^-?\d+$/.test(v)) {
    return undefined;
  }
  return Number(v);
}

function routeOf(pathname: string): RouteName | 'control' | 'unknown' {
  if (pathname === '/health/') {
    return 'health';
  }
  if (pathname.startsWith('/__fake/')) {
    return 'control';
  }
  if (pathname.startsWith('/media/')) {
    return 'media';
  }
  if (pathname === '/users/me/') {
    return 'users';
  }
  if (pathname === '/agents/') {
    return 'agents';
  }
  if (pathname.startsWith('/v2/ground-truth-datasets/')) {
    return /^\/v2\/ground-truth-datasets\/\d+\/versions\//.test(pathname)
      ? 'v2-gt-versions'
      : 'v2-gt-datasets';
  }
  if (pathname.startsWith('/v2/projects/')) {
    return 'v2-projects';
  }
  if (pathname.startsWith('/projects/')) {
    return 'projects';
  }
  if (pathname === '/sdk/assignments/' || pathname.startsWith('/assignments/')) {
    return 'assignments';
  }
  if (pathname === '/sdk/tasks/' || pathname.startsWith('/tasks/')) {
    return 'tasks';
  }
  if (pathname === '/sdk/ground_truth_events/') {
    return 'gt-events';
  }
  if (pathname.startsWith('/ground_truth_dataset_versions/')) {
    return 'gt-versions';
  }
  if (pathname.startsWith('/data_units/')) {
    return 'data-units';
  }
  if (pathname.startsWith('/storages/')) {
    return 'storages';
  }
  return 'unknown';
}

/**
 * Starts a fake Synapse backend on loopback that serves a raw export folder through the
 * SDK-style endpoints, with the real auth headers, the DRF pagination envelope (`page_size`
 * capped at 100), DM v1 `data` spliced in byte-for-byte, signed expiring media URLs that honour
 * HTTP Range, and seeded fault injection.
 *
 * @example
 * const fake = await startFakeSynapse({ from: 'fixtures/demo', token: 't' });
 * // … point a SynapseClient at fake.url …
 * await fake.close();
 */
export async function startFakeSynapse(options: FakeSynapseOptions): Promise<FakeSynapse> {
  const hostname = options.hostname ?? '127.0.0.1';
  if (!isLoopback(hostname)) {
    throw new SynxError('SYNX_CONFIG', `the fake backend only binds to loopback, not ${hostname}`);
  }
  const token = options.token ?? 'fake-synapse-token';
  const folders: readonly string[] =
    typeof options.from === 'string' ? [options.from] : options.from;
  const datasets: FakeDataset[] = [];
  const byProject = new Map<number, FakeDataset>();
  let served = 0;
  for (const from of folders) {
    const fallback =
      datasets.length === 0
        ? options.projectId
        : Math.max(options.projectId ?? 1, ...byProject.keys()) + 1;
    const ds = await FakeDataset.load(from, {
      ...(fallback === undefined ? {} : { projectId: fallback }),
      ...(options.assignmentsPerTask === undefined
        ? {}
        : { assignmentsPerTask: options.assignmentsPerTask }),
      ...(options.gtSplit === undefined ? {} : { gtSplit: options.gtSplit }),
      firstIndex: served,
    });
    const taken = byProject.get(ds.projectId);
    if (taken !== undefined) {
      throw new SynxError(
        'SYNX_CONFIG',
        `${from} and ${taken.root} are both project ${ds.projectId}: give each folder its own id in project.json`,
      );
    }
    datasets.push(ds);
    byProject.set(ds.projectId, ds);
    served += ds.units.length;
  }
  const dataset = datasets[0];
  if (dataset === undefined) {
    throw new SynxError('SYNX_CONFIG', 'the fake backend needs at least one folder to serve');
  }
  /** The dataset of each unit (units are numbered across datasets, so a lookup finds one). */
  const owner = new Map<FakeUnit, FakeDataset>();
  for (const ds of datasets) {
    for (const u of ds.units) {
      owner.set(u, ds);
    }
  }
  const dsOf = (unit: FakeUnit): FakeDataset => owner.get(unit) ?? dataset;
  const find = (get: (ds: FakeDataset) => FakeUnit | undefined): FakeUnit | undefined => {
    for (const ds of datasets) {
      const u = get(ds);
      if (u !== undefined) {
        return u;
      }
    }
    return undefined;
  };
  const unitByDataUnit = (id: number): FakeUnit | undefined => find((ds) => ds.unitByDataUnit(id));
  const catalog = new FakeCatalog(datasets, options.extraProjects ?? 0);
  const faults = new FaultEngine(options.faults ?? {}, options.seed ?? 1);
  const secret = randomBytes(32);
  const ttl = (): number => faults.spec('media').urlTtlMs ?? options.urlTtlMs ?? 600_000;
  const log: RequestLogEntry[] = [];
  const logLimit = options.logLimit ?? 1_000_000;
  const started = Date.now();
  let base = '';

  const sign = (path: string, expires: number): string =>
    createHmac('sha256', secret).update(`${path}:${expires}`).digest('hex');

  const mediaUrl = (unit: FakeUnit): string | undefined => {
    const name = unit.entry.mediaName;
    if (name === undefined) {
      return undefined;
    }
    const path = `/media/${unit.dataUnitId}/${encodeURIComponent(name)}`;
    const expires = Date.now() + ttl();
    return `${base}${path}?expires=${expires}&signature=${sign(path, expires)}`;
  };

  const fileObject = async (unit: FakeUnit): Promise<Record<string, unknown> | undefined> => {
    const url = mediaUrl(unit);
    if (url === undefined) {
      return undefined;
    }
    const facts = await dsOf(unit).mediaFacts(unit);
    return {
      url,
      file_name_original: unit.fileName,
      is_primary: true,
      file_type: dsOf(unit).specName(unit).replace(/_\d+$/, ''),
      ...(facts === undefined ? {} : { size: facts.size, checksum: facts.sha1 }),
    };
  };

  const dataUnitJson = async (unit: FakeUnit, known?: Record<string, unknown>): Promise<string> => {
    const file = known ?? (await fileObject(unit));
    return JSON.stringify({
      id: unit.dataUnitId,
      meta: unit.meta,
      files: file === undefined ? {} : { [dsOf(unit).specName(unit)]: file },
    });
  };

  const assignmentJson = async (
    unit: FakeUnit,
    assignmentId: number,
    withData: boolean,
  ): Promise<string> => {
    const file = await fileObject(unit);
    const head = JSON.stringify({
      id: assignmentId,
      project: dsOf(unit).projectId,
      task: { id: unit.taskId },
      status: unit.status,
      tags: unit.tags,
      user: 1,
      file: file ?? null,
      files: file === undefined ? {} : { [dsOf(unit).specName(unit)]: file },
    });
    const du = await dataUnitJson(unit, file);
    const data = withData ? `,"data":${await dsOf(unit).dataText(unit)}` : '';
    return `${head.slice(0, -1)},"data_unit":${du}${data}}`;
  };

  const taskJson = async (unit: FakeUnit, expand: string[]): Promise<string> => {
    const head = JSON.stringify({
      id: unit.taskId,
      project: dsOf(unit).projectId,
      status: unit.status,
      tags: unit.tags,
      assignment: expand.includes('assignment')
        ? { id: unit.assignmentIds[0] }
        : unit.assignmentIds[0],
    });
    const du = expand.includes('data_unit') ? await dataUnitJson(unit) : String(unit.dataUnitId);
    return `${head.slice(0, -1)},"data_unit":${du},"data":${await dsOf(unit).dataText(unit)}}`;
  };

  const gtEventJson = async (
    unit: FakeUnit,
    versionId: number,
    withData: boolean,
  ): Promise<string> => {
    const file = await fileObject(unit);
    const head = JSON.stringify({
      id: unit.gtEventId,
      project: dsOf(unit).projectId,
      category: unit.gtCategory,
      ground_truth_dataset_version: versionId,
      files: file === undefined ? {} : { [dsOf(unit).specName(unit)]: file },
    });
    const du = await dataUnitJson(unit, file);
    const data = withData ? `,"data":${await dsOf(unit).dataText(unit)}` : '';
    return `${head.slice(0, -1)},"data_unit":${du}${data}}`;
  };

  /** A DRF page over `total` rows rendered by `render(index)`. */
  const page = async (
    url: URL,
    total: number,
    render: (i: number) => Promise<string>,
  ): Promise<Reply> => {
    const requested = intParam(url, 'page_size') ?? 100;
    const size = Math.max(1, Math.min(requested, 100));
    const n = intParam(url, 'page') ?? 1;
    const pages = Math.max(1, Math.ceil(total / size));
    if (n < 1 || n > pages) {
      return json(404, { detail: 'Invalid page.' });
    }
    const start = (n - 1) * size;
    const end = Math.min(total, start + size);
    const rows = await Promise.all(
      Array.from({ length: end - start }, (_, k) => render(start + k)),
    );
    const link = (p: number | undefined): string | null => {
      if (p === undefined) {
        return null;
      }
      const u = new URL(url.pathname + url.search, base);
      if (p === 1) {
        u.searchParams.delete('page');
      } else {
        u.searchParams.set('page', String(p));
      }
      return u.href;
    };
    const next = link(n < pages ? n + 1 : undefined);
    const previous = link(n > 1 ? n - 1 : undefined);
    return rawJson(
      200,
      `{"count":${total},"next":${JSON.stringify(next)},"previous":${JSON.stringify(previous)},"results":[${rows.join(',')}]}`,
    );
  };

  /** A v2 error envelope. */
  const v2Error = (status: number, code: string, message: string): Reply =>
    json(status, { error: { code, message }, meta: { request_id: 'req_fake' } });

  /** A v2 cursor page (`per_page` default 50, at most 100) over rows sorted by id. */
  const cursorList = (url: URL, rows: readonly { readonly id: number }[]): Reply => {
    const perPage = Math.max(1, Math.min(intParam(url, 'per_page') ?? 50, 100));
    const text = url.searchParams.get('cursor');
    let cursor: Cursor | undefined;
    if (text !== null && text !== '') {
      cursor = decodeCursor(text);
      if (cursor === undefined) {
        return v2Error(400, 'INVALID_CURSOR', 'Invalid cursor.');
      }
    }
    const got = cursorPage(rows, cursor, perPage);
    return json(200, {
      data: got.rows,
      meta: {
        request_id: 'req_fake',
        pagination: {
          next_cursor: got.next,
          previous_cursor: got.previous,
          per_page: perPage,
        },
      },
    });
  };

  /**
   * Units of a list request for `project=`: the dataset's (filtered by `status` and every
   * `tags` value), none for a listed empty project, or a DRF 400 reply.
   */
  const unitsOfProject = (url: URL): readonly FakeUnit[] | Reply => {
    const project = url.searchParams.get('project');
    if (project === null) {
      return json(400, { project: ['This field is required.'] });
    }
    const id = Number(project);
    const ds = byProject.get(id);
    if (ds === undefined) {
      return catalog.project(id) === undefined
        ? json(400, {
            project: ['Select a valid choice. That choice is not one of the available choices.'],
          })
        : [];
    }
    const status = url.searchParams.get('status');
    const tags = url.searchParams.getAll('tags');
    if (status === null && tags.length === 0) {
      return ds.units;
    }
    return ds.units.filter(
      (u) => (status === null || u.status === status) && tags.every((t) => u.tags.includes(t)),
    );
  };

  /** A ground-truth version in the SDK-style (`ground_truth_dataset_versions/`) shape. */
  const sdkGtVersion = (id: number): Record<string, unknown> | undefined => {
    const v = catalog.gtVersion(id);
    if (v === undefined) {
      return undefined;
    }
    return {
      id: v.id,
      version: v.version,
      ground_truth_dataset: v.ground_truth_dataset_id,
      description: v.description,
      is_archived: v.is_archived,
      project: catalog.gtDataset(v.ground_truth_dataset_id)?.project_id ?? dataset.projectId,
    };
  };

  const authorized = (req: http.IncomingMessage): 'ok' | 'missing' | 'invalid' => {
    const sdk = req.headers['synapse-access-token'];
    const auth = req.headers.authorization;
    const tenantHeader = req.headers['synapse-tenant'];
    if (typeof sdk === 'string' && sdk !== '') {
      const value = sdk.startsWith('Token ') ? sdk.slice(6) : sdk;
      return value === token ? 'ok' : 'invalid';
    }
    if (typeof auth === 'string' && auth !== '') {
      if (!auth.startsWith('Token ') || auth.slice(6) !== token) {
        return 'invalid';
      }
      if (options.tenant !== undefined) {
        const t = typeof tenantHeader === 'string' ? tenantHeader.replace(/^Token /, '') : '';
        return t === options.tenant ? 'ok' : 'invalid';
      }
      return 'ok';
    }
    return 'missing';
  };

  const expandOf = (url: URL): string[] =>
    url.searchParams.getAll('expand').flatMap((e) => e.split(','));

  const api = async (
    req: http.IncomingMessage,
    url: URL,
    route: RouteName,
  ): Promise<Reply | FileReply> => {
    const p = url.pathname;
    if (route === 'health') {
      return json(200, { status: 'ok' });
    }
    if (route === 'media') {
      return media(req, url);
    }
    const who = authorized(req);
    if (who !== 'ok') {
      return json(401, {
        detail:
          who === 'missing' ? 'Authentication credentials were not provided.' : 'Invalid token.',
      });
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      return json(405, { detail: `Method "${req.method ?? ''}" not allowed.` });
    }
    const idFrom = (prefix: string): number | undefined => {
      const m = new RegExp(`^${prefix}(\\d+)/$`).exec(p);
      return m?.[1] === undefined ? undefined : Number(m[1]);
    };
    switch (route) {
      case 'users':
        return json(200, { id: 1, email: 'fake-user@synapse.invalid', name: 'Fake User' });
      case 'agents':
        return page(url, 1, () =>
          Promise.resolve(
            JSON.stringify({
              id: 1,
              name: 'fake-agent',
              url: `${base}/agent/`,
              status: 'connected',
            }),
          ),
        );
      case 'projects': {
        const id = idFrom('/projects/');
        const ds = id === undefined ? undefined : byProject.get(id);
        if (ds !== undefined) {
          return json(200, ds.project);
        }
        const extra = id === undefined ? undefined : catalog.project(id);
        return extra === undefined
          ? json(404, { detail: 'Not found.' })
          : json(200, { ...extra, configuration: {} });
      }
      case 'v2-projects': {
        if (p === '/v2/projects/') {
          const category = url.searchParams.get('category');
          return cursorList(
            url,
            category === null
              ? catalog.projects
              : catalog.projects.filter((r) => r.category === category),
          );
        }
        const id = idFrom('/v2/projects/');
        const record = id === undefined ? undefined : catalog.project(id);
        if (record === undefined) {
          return v2Error(404, 'NOT_FOUND', 'Not found.');
        }
        const ds = byProject.get(record.id);
        return json(
          200,
          ds !== undefined ? { ...ds.project, ...record } : { ...record, configuration: {} },
        );
      }
      case 'v2-gt-datasets': {
        if (p === '/v2/ground-truth-datasets/') {
          const project = url.searchParams.get('project');
          return cursorList(
            url,
            project === null
              ? catalog.gtDatasets
              : catalog.gtDatasets.filter((d) => String(d.project_id) === project),
          );
        }
        const id = idFrom('/v2/ground-truth-datasets/');
        const found = id === undefined ? undefined : catalog.gtDataset(id);
        return found === undefined ? v2Error(404, 'NOT_FOUND', 'Not found.') : json(200, found);
      }
      case 'v2-gt-versions': {
        const m = /^\/v2\/ground-truth-datasets\/(\d+)\/versions\/(?:(\d+)\/)?$/.exec(p);
        const ds = m?.[1] === undefined ? undefined : catalog.gtDataset(Number(m[1]));
        if (m === null || ds === undefined) {
          return v2Error(404, 'NOT_FOUND', 'Not found.');
        }
        const versions = catalog.gtVersions.filter((v) => v.ground_truth_dataset_id === ds.id);
        if (m[2] === undefined) {
          return cursorList(url, versions);
        }
        const version = versions.find((v) => v.id === Number(m[2]));
        return version === undefined ? v2Error(404, 'NOT_FOUND', 'Not found.') : json(200, version);
      }
      case 'assignments': {
        if (p !== '/sdk/assignments/') {
          const id = idFrom('/assignments/');
          const unit = id === undefined ? undefined : find((ds) => ds.unitByAssignment(id));
          if (unit === undefined || id === undefined) {
            return json(404, { detail: 'Not found.' });
          }
          return rawJson(200, await assignmentJson(unit, id, true));
        }
        const units = unitsOfProject(url);
        if ('status' in units) {
          return units;
        }
        // Every dataset of one fake has the same number of assignments per task.
        const apt = dataset.assignmentsPerTask;
        const withData = expandOf(url).includes('data');
        return page(url, units.length * apt, (k) => {
          const unit = units[Math.floor(k / apt)];
          const aid = unit?.assignmentIds[k % apt];
          return unit === undefined || aid === undefined
            ? Promise.resolve('null')
            : assignmentJson(unit, aid, withData);
        });
      }
      case 'tasks': {
        if (p !== '/sdk/tasks/') {
          const id = idFrom('/tasks/');
          const unit = id === undefined ? undefined : find((ds) => ds.unitByTask(id));
          return unit === undefined
            ? json(404, { detail: 'Not found.' })
            : rawJson(200, await taskJson(unit, ['data_unit']));
        }
        const units = unitsOfProject(url);
        if ('status' in units) {
          return units;
        }
        const expand = expandOf(url);
        return page(url, units.length, (k) => {
          const unit = units[k];
          return unit === undefined ? Promise.resolve('null') : taskJson(unit, expand);
        });
      }
      case 'gt-events': {
        const version = url.searchParams.get('ground_truth_dataset_versions');
        if (version === null) {
          return json(400, { ground_truth_dataset_versions: ['This field is required.'] });
        }
        const known = /^\d+$/.test(version) ? catalog.gtVersion(Number(version)) : undefined;
        const holds = known === undefined ? undefined : catalog.gtVersionData(known.id);
        if (known !== undefined && holds === undefined) {
          // The other versions hold no events.
          return page(url, 0, () => Promise.resolve('null'));
        }
        if (known === undefined || holds === undefined) {
          return json(400, {
            ground_truth_dataset_versions: [
              `Select a valid choice. ${version} is not one of the available choices.`,
            ],
          });
        }
        const category = url.searchParams.get('category');
        const units =
          category === null ? holds.units : holds.units.filter((u) => u.gtCategory === category);
        const withData = expandOf(url).includes('data');
        return page(url, units.length, (k) => {
          const unit = units[k];
          return unit === undefined
            ? Promise.resolve('null')
            : gtEventJson(unit, known.id, withData);
        });
      }
      case 'gt-versions': {
        if (p === '/ground_truth_dataset_versions/') {
          const ds = url.searchParams.get('ground_truth_dataset');
          const archived = url.searchParams.get('is_archived');
          const rows = catalog.gtVersions
            .filter(
              (v) =>
                (ds === null || String(v.ground_truth_dataset_id) === ds) &&
                (archived === null || String(v.is_archived) === archived),
            )
            .map((v) => sdkGtVersion(v.id));
          return page(url, rows.length, (k) => Promise.resolve(JSON.stringify(rows[k] ?? null)));
        }
        const id = idFrom('/ground_truth_dataset_versions/');
        const version = id === undefined ? undefined : sdkGtVersion(id);
        return version === undefined ? json(404, { detail: 'Not found.' }) : json(200, version);
      }
      case 'data-units': {
        const id = idFrom('/data_units/');
        const unit = id === undefined ? undefined : unitByDataUnit(id);
        return unit === undefined
          ? json(404, { detail: 'Not found.' })
          : rawJson(200, await dataUnitJson(unit));
      }
      case 'storages': {
        return idFrom('/storages/') === 1
          ? json(200, {
              id: 1,
              name: 'fake-storage',
              category: 'internal',
              provider: 'file_system',
              is_default: true,
            })
          : json(404, { detail: 'Not found.' });
      }
      default:
        return json(404, { detail: 'Not found.' });
    }
  };

  const s3Error = (status: number, code: string, message: string): Reply => ({
    status,
    body: `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message></Error>`,
    contentType: 'application/xml',
  });

  const media = async (req: http.IncomingMessage, url: URL): Promise<Reply | FileReply> => {
    const m = /^\/media\/(\d+)\/([^/]+)$/.exec(url.pathname);
    const unit = m?.[1] === undefined ? undefined : unitByDataUnit(Number(m[1]));
    if (m === null || unit?.entry.mediaPath === undefined) {
      return s3Error(404, 'NoSuchKey', 'The specified key does not exist.');
    }
    const expires = intParam(url, 'expires');
    const signature = url.searchParams.get('signature') ?? '';
    const expected = expires === undefined ? '' : sign(url.pathname, expires);
    if (
      expires === undefined ||
      signature.length !== expected.length ||
      !timingSafeEqual(Buffer.from(signature), Buffer.from(expected))
    ) {
      return s3Error(
        403,
        'SignatureDoesNotMatch',
        'The request signature we calculated does not match the signature you provided.',
      );
    }
    if (Date.now() > expires) {
      return s3Error(403, 'AccessDenied', 'Request has expired');
    }
    const facts = await dsOf(unit).mediaFacts(unit);
    const size = facts?.size ?? 0;
    const headers: Record<string, string> = {
      'accept-ranges': 'bytes',
      etag: `"${facts?.sha1 ?? ''}"`,
    };
    const contentType =
      CONTENT_TYPES[extname(unit.entry.mediaPath).toLowerCase()] ?? 'application/octet-stream';
    const range = req.headers.range;
    let start = 0;
    let end = size - 1;
    let status = 200;
    if (typeof range === 'string') {
      const r = /^bytes=(\d*)-(\d*)$/.exec(range.trim());
      if (r === null || (r[1] === '' && r[2] === '')) {
        return {
          status: 416,
          body: '',
          contentType,
          headers: { 'content-range': `bytes */${size}` },
        };
      }
      if (r[1] === '') {
        const suffix = Number(r[2]);
        start = Math.max(0, size - suffix);
      } else {
        start = Number(r[1]);
        end = r[2] === '' ? size - 1 : Math.min(Number(r[2]), size - 1);
      }
      if (start >= size || start > end) {
        return {
          status: 416,
          body: '',
          contentType,
          headers: { 'content-range': `bytes */${size}` },
        };
      }
      status = 206;
      headers['content-range'] = `bytes ${start}-${end}/${size}`;
    }
    return {
      status,
      path: unit.entry.mediaPath,
      start,
      end,
      size,
      contentType,
      headers,
      head: req.method === 'HEAD',
    };
  };

  const control = async (req: http.IncomingMessage, url: URL): Promise<Reply> => {
    if (url.pathname === '/__fake/log') {
      return json(200, log);
    }
    if (url.pathname === '/__fake/faults' && req.method === 'POST') {
      const chunks: Buffer[] = [];
      for await (const c of req) {
        chunks.push(c as Buffer);
      }
      faults.set(JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as FaultConfig);
      return json(200, { ok: true });
    }
    if (url.pathname === '/__fake/reset-log' && req.method === 'POST') {
      log.length = 0;
      return json(200, { ok: true });
    }
    return json(404, { detail: 'Not found.' });
  };

  const record = (entry: RequestLogEntry): void => {
    log.push(entry);
    if (log.length > logLimit) {
      log.splice(0, log.length - logLimit);
    }
  };

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', base);
    const route = routeOf(url.pathname);
    const logPath = route === 'media' ? url.pathname : `${url.pathname}${url.search}`;
    const entry = (status: number, bytes: number, fault?: FaultDecision['kind']): void => {
      record({
        t: Date.now() - started,
        method: req.method ?? 'GET',
        route,
        path: logPath,
        status,
        bytes,
        ...(fault === undefined || fault === 'none' ? {} : { fault }),
        ...(typeof req.headers.range === 'string' ? { range: req.headers.range } : {}),
      });
    };
    void (async () => {
      if (route === 'control') {
        const reply = await control(req, url);
        res.writeHead(reply.status, { 'content-type': reply.contentType });
        res.end(reply.body);
        return;
      }
      const effective: RouteName = route === 'unknown' ? 'health' : route;
      const spec = faults.spec(effective);
      if ((spec.latencyMs ?? 0) > 0) {
        await new Promise((r) => setTimeout(r, spec.latencyMs));
      }
      const decision =
        route === 'unknown'
          ? ({ kind: 'none' } as const)
          : // One request is method, path and range: a header read and a download of the same
            // file (two exports at once, or a run and its media) do not share a fault streak.
            faults.decide(
              effective,
              `${req.method ?? 'GET'} ${logPath}${typeof req.headers.range === 'string' ? ` ${req.headers.range}` : ''}`,
            );
      if (decision.kind === 'drop') {
        entry(0, 0, 'drop');
        req.socket.destroy();
        return;
      }
      let reply: Reply | FileReply;
      if (decision.kind === 'rate-limit') {
        reply = {
          ...json(429, {
            detail: `Request was throttled. Expected available in ${decision.retryAfterS} seconds.`,
          }),
          headers: { 'retry-after': String(decision.retryAfterS) },
        };
      } else if (decision.kind === 'server-error') {
        reply =
          decision.status === 502
            ? {
                status: 502,
                body: '<html><body><h1>502 Bad Gateway</h1></body></html>',
                contentType: 'text/html',
              }
            : json(decision.status, {
                detail: 'Service temporarily unavailable, try again later.',
              });
      } else if (decision.kind === 'expire') {
        reply = s3Error(403, 'AccessDenied', 'Request has expired');
      } else if (route === 'unknown') {
        reply = json(404, { detail: 'Not found.' });
      } else {
        reply = await api(req, url, route);
      }
      if ('path' in reply) {
        const length = reply.status === 416 ? 0 : reply.end - reply.start + 1;
        res.writeHead(reply.status, {
          'content-type': reply.contentType,
          'content-length': String(length),
          ...reply.headers,
        });
        if (reply.head || length === 0) {
          res.end();
          entry(reply.status, 0, decision.kind);
          return;
        }
        const cut = decision.kind === 'truncate' ? Math.floor(length / 2) : length;
        let sent = 0;
        const stream = createReadStream(reply.path, {
          highWaterMark: 16 * 1024,
          start: reply.start,
          end: reply.start + Math.max(0, cut) - 1,
        });
        const bps = spec.bytesPerSecond ?? 0;
        stream.on('data', (chunk) => {
          sent += chunk.length;
          res.write(chunk);
          if (bps > 0) {
            // A slow link: pause for as long as this chunk takes at the given rate.
            stream.pause();
            setTimeout(() => stream.resume(), (chunk.length / bps) * 1000);
          }
        });
        stream.on('end', () => {
          entry(reply.status, sent, decision.kind);
          if (decision.kind === 'truncate') {
            res.socket?.destroy();
          } else {
            res.end();
          }
        });
        stream.on('error', () => {
          entry(500, sent, decision.kind);
          res.socket?.destroy();
        });
        return;
      }
      const body = typeof reply.body === 'string' ? Buffer.from(reply.body, 'utf8') : reply.body;
      res.writeHead(reply.status, {
        'content-type': `${reply.contentType}; charset=utf-8`,
        'content-length': String(body.length),
        ...(reply.headers ?? {}),
      });
      if (req.method === 'HEAD') {
        res.end();
        entry(reply.status, 0, decision.kind);
        return;
      }
      if (decision.kind === 'truncate') {
        const half = body.subarray(0, Math.floor(body.length / 2));
        res.write(half, () => {
          res.socket?.destroy();
        });
        entry(reply.status, half.length, 'truncate');
        return;
      }
      res.end(body);
      entry(reply.status, body.length, decision.kind);
    })().catch((err: unknown) => {
      if (!res.headersSent) {
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ detail: `fake backend error: ${(err as Error).message}` }));
      } else {
        res.socket?.destroy();
      }
      entry(500, 0);
    });
  });
  server.keepAliveTimeout = 5_000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, hostname, () => {
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const shown = options.publicHost ?? hostname;
  base = `http://${shown.includes(':') ? `[${shown}]` : shown}:${port}`;

  return {
    url: base,
    port,
    token,
    projectId: dataset.projectId,
    dataset,
    datasets,
    catalog,
    log,
    setFaults(f: FaultConfig): void {
      faults.set(f);
    },
    mediaUrl(dataUnitId: number): string {
      const unit = unitByDataUnit(dataUnitId);
      const u = unit === undefined ? undefined : mediaUrl(unit);
      if (u === undefined) {
        throw new SynxError('SYNX_NOT_FOUND', `data unit ${dataUnitId} has no media`);
      }
      return u;
    },
    close(): Promise<void> {
      return new Promise((resolve) => {
        server.close(() => {
          resolve();
        });
        server.closeAllConnections();
      });
    },
  };
}
