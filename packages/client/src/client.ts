import { createDispatcher, type Dispatcher } from '@synx/http';
import {
  delay as sleep,
  hasUserInfo,
  isRetryableStatus,
  parseRetryAfter,
  redactUrl,
  retryDelay,
  retryPolicy,
  SynxError,
  throwIfAborted,
  type RetryPolicy,
} from '@synx/model';
import type { z } from 'zod';
import { errorForStatus, errorForTransport, redact, SynapseApiError } from './errors.js';
import { httpRequest, isRetryableTransport, TransportError, type HttpResponse } from '@synx/http';
import { PagedList } from './paged-list.js';
import {
  AgentSchema,
  AssignmentSchema,
  DataUnitSchema,
  GroundTruthDatasetSchema,
  GroundTruthEventSchema,
  GroundTruthVersionSchema,
  ProjectSchema,
  StorageSchema,
  TaskSchema,
  UserSchema,
  type Agent,
  type Assignment,
  type DataUnit,
  type GroundTruthDataset,
  type GroundTruthEvent,
  type GroundTruthVersion,
  type Project,
  type Storage,
  type Task,
  type User,
} from './schemas.js';

/** Detail requests that need fresh file URLs expand the data unit. */
const EXPAND_DATA_UNIT: QueryParams = { expand: ['data_unit'] };

/** How the access token is sent. */
export type AuthScheme =
  /** `Synapse-Access-Token: Token <t>` (the Python SDK; default). */
  | 'sdk'
  /** `SYNAPSE-ACCESS-TOKEN: <t>` (the v2 API and the Go CLI). */
  | 'access-token'
  /** `Authorization: Token <t>` plus `Synapse-Tenant: Token <tenant>` (DRF user token). */
  | 'drf';

/** Debug-level request events. The client never prints; it never passes headers here. */
export interface ClientLogger {
  debug(message: string, fields?: Readonly<Record<string, unknown>>): void;
}

/** Options of {@link SynapseClient}. */
export interface SynapseClientOptions {
  /** Base URL, e.g. `https://api.synapse.sh`. */
  readonly host: string;
  readonly token?: string | undefined;
  readonly auth?: AuthScheme;
  /** Workspace (tenant) code; required by the `drf` scheme. */
  readonly tenant?: string | undefined;
  /** Default 5 s. */
  readonly connectTimeoutMs?: number;
  /** Default 15 s (60 s for ground-truth lists, as the SDK does). */
  readonly readTimeoutMs?: number;
  /** Retries of idempotent requests (the shared policy of `@synx/model`; defaults there). */
  readonly retry?: Partial<RetryPolicy>;
  /** Items per page; the server caps it at 100. Default 100. */
  readonly pageSize?: number;
  /** Pages in flight when the total is known (1 = off). Default 8. */
  readonly prefetch?: number;
  /** Sockets per host. Default 16. */
  readonly maxSockets?: number;
  readonly logger?: ClientLogger;
  readonly userAgent?: string;
  /**
   * Where `HTTP_PROXY`, `HTTPS_PROXY` and `NO_PROXY` are read (default `process.env`): requests
   * go through the proxy they name.
   */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/** One page of a v2 cursor list. */
export interface CursorPage<T> {
  readonly items: T[];
  /** Where the next page starts (pass it back as `after`), or undefined at the end. */
  readonly next: string | undefined;
}

/** Query parameters; arrays become repeated keys (`expand=a&expand=b`), as the SDK sends them. */
export type QueryParams = Readonly<
  Record<string, string | number | boolean | readonly (string | number)[] | null | undefined>
>;

/** Per-call options. */
export interface CallOptions {
  readonly signal?: AbortSignal | undefined;
  /** Names the object in error messages ("project 42"). */
  readonly what?: string;
  readonly readTimeoutMs?: number;
}

/** Options of a list: a call's, and whether each row keeps its raw JSON text. */
export interface ListOptions extends CallOptions {
  /**
   * Keep each row's JSON text exactly as received (`PageEntry.raw`; default true). A row's text
   * is a slice of its page's: while any row of a page is alive, the whole page text is. Pass
   * false when the text is not used, and each page's text is freed once its rows are parsed.
   */
  readonly raw?: boolean | undefined;
}

/** A parsed JSON response with its raw text. */
export interface JsonResponse<T> {
  readonly value: T;
  readonly text: string;
  readonly status: number;
}

/** Appends query parameters with repeated keys for arrays. */
export function withParams(url: URL, params: QueryParams | undefined): URL {
  const out = new URL(url);
  for (const [k, v] of Object.entries(params ?? {})) {
    if (v === undefined || v === null) {
      continue;
    }
    if (Array.isArray(v)) {
      for (const item of v as readonly (string | number)[]) {
        out.searchParams.append(k, String(item));
      }
    } else {
      out.searchParams.append(k, String(v));
    }
  }
  return out;
}

function projectQuery(params: {
  category?: string | undefined;
  perPage?: number;
  sort?: string;
}): QueryParams {
  return { category: params.category, per_page: params.perPage ?? 100, sort: params.sort };
}

/**
 * A client for the Synapse backend: SDK-style endpoints (`projects/{id}/`, `sdk/assignments/`,
 * …) and `/v2/projects/`. Lists are async iterables that follow `next`, prefetch pages with
 * bounded concurrency and yield items in server order. Idempotent requests are retried with
 * exponential backoff and jitter. Errors are {@link SynapseApiError}s with stable codes; the
 * token never appears in a message, an error or a log event.
 *
 * @example
 * const client = new SynapseClient({ host, token });
 * const ids: (string | number | undefined)[] = [];
 * for await (const a of client.listAssignments({ project: 12 })) ids.push(a.id);
 */
export class SynapseClient {
  readonly host: string;
  readonly pageSize: number;
  readonly prefetch: number;
  readonly #origin: URL;
  readonly #token: string | undefined;
  readonly #auth: AuthScheme;
  readonly #tenant: string | undefined;
  readonly #connectTimeoutMs: number;
  readonly #readTimeoutMs: number;
  readonly #retry: RetryPolicy;
  #dispatcher: Dispatcher | undefined;
  readonly #maxSockets: number;
  readonly #env: Readonly<Record<string, string | undefined>> | undefined;
  readonly #logger: ClientLogger | undefined;
  readonly #userAgent: string;

  constructor(options: SynapseClientOptions) {
    let origin: URL;
    try {
      origin = new URL(options.host.endsWith('/') ? options.host : `${options.host}/`);
    } catch {
      throw new SynxError('SYNX_CONFIG', `"${redactUrl(options.host)}" is not a valid host URL`, {
        hint: 'give the host with its scheme, e.g. https://api.synapse.sh',
      });
    }
    if (hasUserInfo(options.host)) {
      // Never printed, stored or sent as Basic auth: the token goes in a header, not the URL.
      throw new SynxError(
        'SYNX_CONFIG',
        `the host URL ${redactUrl(options.host)} holds credentials (user:…@); they are not used`,
        { hint: 'give the host without them, and the token with --token or SYNAPSE_ACCESS_TOKEN' },
      );
    }
    if (origin.protocol !== 'http:' && origin.protocol !== 'https:') {
      throw new SynxError('SYNX_CONFIG', `host must be http(s), got ${origin.protocol}`);
    }
    this.#origin = origin;
    this.host = origin.href.replace(/\/$/, '');
    this.#token = options.token;
    this.#auth = options.auth ?? 'sdk';
    this.#tenant = options.tenant;
    if (this.#auth === 'drf' && (this.#tenant === undefined || this.#tenant === '')) {
      throw new SynxError('SYNX_CONFIG', 'the drf auth scheme needs a tenant (workspace) code');
    }
    this.#connectTimeoutMs = options.connectTimeoutMs ?? 5_000;
    this.#readTimeoutMs = options.readTimeoutMs ?? 15_000;
    this.#retry = retryPolicy(options.retry);
    this.pageSize = Math.max(1, Math.min(options.pageSize ?? 100, 100));
    this.prefetch = Math.max(1, options.prefetch ?? 8);
    const maxSockets = options.maxSockets ?? 16;
    this.#maxSockets = maxSockets;
    this.#env = options.env;
    this.#logger = options.logger;
    this.#userAgent = options.userAgent ?? 'synx';
  }

  /**
   * Closes its connections once the requests in flight are done. The client stays usable: a
   * later request opens new ones.
   */
  close(): void {
    const d = this.#dispatcher;
    this.#dispatcher = undefined;
    void d?.close().catch(() => undefined);
  }

  /** The connection pool (keep-alive, `maxSockets` per origin, the environment's proxy). */
  #pool(): Dispatcher {
    this.#dispatcher ??= createDispatcher({
      connectionsPerOrigin: this.#maxSockets,
      connectTimeoutMs: this.#connectTimeoutMs,
      ...(this.#env === undefined ? {} : { env: this.#env }),
    });
    return this.#dispatcher;
  }

  /** Secrets to scrub from any text that leaves the client. */
  get #secrets(): string[] {
    return [this.#token, this.#tenant].filter((s): s is string => s !== undefined && s !== '');
  }

  #authHeaders(): Record<string, string> {
    const t = this.#token;
    if (t === undefined || t === '') {
      return {};
    }
    switch (this.#auth) {
      case 'access-token':
        return { 'SYNAPSE-ACCESS-TOKEN': t };
      case 'drf':
        return { Authorization: `Token ${t}`, 'Synapse-Tenant': `Token ${this.#tenant ?? ''}` };
      default:
        return { 'Synapse-Access-Token': `Token ${t}` };
    }
  }

  /** Resolves a path relative to the host (keeping its trailing slash) or an absolute URL. */
  url(pathOrUrl: string, params?: QueryParams): URL {
    const base = /^https?:\/\//i.test(pathOrUrl)
      ? new URL(pathOrUrl)
      : new URL(pathOrUrl.replace(/^\/+/, ''), this.#origin);
    return withParams(base, params);
  }

  /** The retry policy this client applies (shared with header reads and downloads). */
  get retry(): RetryPolicy {
    return this.#retry;
  }

  /**
   * Sends one request with retries and returns the parsed JSON. Retries the statuses of
   * `RETRYABLE_STATUSES` (honouring `Retry-After`), timeouts, resets and cut-short bodies for
   * GET/HEAD/PUT/DELETE, within the policy's retries and time budget; never POST/PATCH.
   *
   * @throws SynapseApiError with a stable code.
   */
  async requestJson<T = unknown>(
    method: string,
    target: URL,
    options: CallOptions & { body?: unknown; auth?: boolean } = {},
  ): Promise<JsonResponse<T>> {
    const idempotent = method !== 'POST' && method !== 'PATCH';
    const what = options.what ?? target.pathname;
    const path = `${target.pathname}${target.search}`;
    const headers: Record<string, string> = {
      accept: 'application/json',
      'user-agent': this.#userAgent,
      ...(options.auth === false ? {} : this.#authHeaders()),
    };
    let body: string | undefined;
    if (options.body !== undefined) {
      body = JSON.stringify(options.body);
      headers['content-type'] = 'application/json';
    }
    let waitedMs = 0;
    /** The wait before the next attempt, or undefined when this failure is final. */
    const nextDelay = (attempt: number, retryAfterMs?: number): number | undefined => {
      if (!idempotent) {
        return undefined;
      }
      const d = retryDelay(this.#retry, { failures: attempt, waitedMs, retryAfterMs });
      waitedMs += d ?? 0;
      return d;
    };
    for (let attempt = 1; ; attempt++) {
      throwIfAborted(options.signal);
      const started = Date.now();
      let res: HttpResponse;
      try {
        res = await httpRequest({
          method,
          url: target,
          headers,
          ...(body === undefined ? {} : { body }),
          signal: options.signal,
          readTimeoutMs: options.readTimeoutMs ?? this.#readTimeoutMs,
          dispatcher: this.#pool(),
        });
      } catch (err) {
        if (!(err instanceof TransportError)) {
          throw err;
        }
        const delay = isRetryableTransport(err.failure) ? nextDelay(attempt) : undefined;
        this.#log('request failed', {
          method,
          path,
          attempt,
          failure: err.failure,
          ms: Date.now() - started,
          retryInMs: delay,
        });
        if (delay === undefined) {
          throw errorForTransport(
            err,
            { method, path, host: this.host, attempts: attempt },
            what,
            this.#secrets,
          );
        }
        await sleep(delay, options.signal);
        continue;
      }
      const text = res.body.toString('utf8');
      if (res.status >= 400 || res.status < 200) {
        const delay = isRetryableStatus(res.status)
          ? nextDelay(attempt, parseRetryAfter(res.headers['retry-after']))
          : undefined;
        this.#log('request', {
          method,
          path,
          attempt,
          status: res.status,
          ms: Date.now() - started,
          retryInMs: delay,
        });
        if (delay === undefined) {
          throw errorForStatus(
            res.status,
            text,
            { method, path, host: this.host, attempts: attempt },
            what,
            this.#secrets,
          );
        }
        await sleep(delay, options.signal);
        continue;
      }
      this.#log('request', {
        method,
        path,
        attempt,
        status: res.status,
        ms: Date.now() - started,
        bytes: res.body.length,
      });
      if (res.status === 204 || text === '') {
        return { value: undefined as T, text, status: res.status };
      }
      try {
        return { value: JSON.parse(text) as T, text, status: res.status };
      } catch {
        // A body that does not parse was most likely cut short by a proxy: retry like a reset.
        const err = new TransportError(
          'truncated',
          `the ${res.body.length}-byte response is not valid JSON`,
        );
        const delay = nextDelay(attempt);
        if (delay !== undefined) {
          this.#log('request failed', {
            method,
            path,
            attempt,
            failure: 'invalid-json',
            retryInMs: delay,
          });
          await sleep(delay, options.signal);
          continue;
        }
        throw errorForTransport(
          err,
          { method, path, host: this.host, attempts: attempt },
          what,
          this.#secrets,
        );
      }
    }
  }

  #log(message: string, fields: Record<string, unknown>): void {
    if (this.#logger === undefined) {
      return;
    }
    const clean: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(fields)) {
      if (v !== undefined) {
        clean[k] = typeof v === 'string' ? redact(v, this.#secrets) : v;
      }
    }
    this.#logger.debug(message, clean);
  }

  /** `GET <resource>/<id>/`: one object by id, validated with `schema`. */
  #getOne<S extends z.ZodType>(
    resource: string,
    id: number | string,
    schema: S,
    what: string,
    params: QueryParams | undefined,
    options: CallOptions,
  ): Promise<z.infer<S>> {
    return this.get(`${resource}/${encodeURIComponent(String(id))}/`, schema, params, {
      what,
      ...options,
    });
  }

  /** GET a path and validate the body with `schema`. */
  async get<S extends z.ZodType>(
    path: string,
    schema: S,
    params?: QueryParams,
    options: CallOptions = {},
  ): Promise<z.infer<S>> {
    const target = this.url(path, params);
    const res = await this.requestJson('GET', target, options);
    return this.parse(schema, res.value, options.what ?? path, target);
  }

  /** Validates a value with a schema, turning a mismatch into SYNX_HTTP. */
  parse<S extends z.ZodType>(schema: S, value: unknown, what: string, target: URL): z.infer<S> {
    const parsed = schema.safeParse(value);
    if (!parsed.success) {
      const first = parsed.error.issues[0];
      throw new SynapseApiError(
        'SYNX_HTTP',
        `unexpected response for ${what}: ${first === undefined ? 'invalid' : `${first.path.join('.') || '(root)'} ${first.message}`}`,
        { method: 'GET', path: `${target.pathname}${target.search}`, host: this.host, attempts: 1 },
      );
    }
    return parsed.data;
  }

  /** A DRF-paginated list as an async iterable. */
  list<S extends z.ZodType>(
    path: string,
    schema: S,
    params: QueryParams = {},
    options: ListOptions = {},
  ): PagedList<z.infer<S>> {
    const first = this.url(path, { ...params, page_size: params['page_size'] ?? this.pageSize });
    return new PagedList<z.infer<S>>(this, first, {
      schema,
      prefetch: this.prefetch,
      what: options.what ?? path,
      signal: options.signal,
      raw: options.raw !== false,
      ...(options.readTimeoutMs === undefined ? {} : { readTimeoutMs: options.readTimeoutMs }),
    });
  }

  /** `GET /health/` without credentials. Resolves to the HTTP status; throws only on network errors. */
  async health(options: CallOptions = {}): Promise<{ ok: boolean; status: number }> {
    try {
      const res = await this.requestJson('GET', this.url('health/'), {
        ...options,
        auth: false,
        what: 'the health check',
      });
      return { ok: true, status: res.status };
    } catch (err) {
      if (err instanceof SynapseApiError && err.status !== undefined) {
        return { ok: false, status: err.status };
      }
      throw err;
    }
  }

  /** `GET users/me/`. */
  getCurrentUser(options: CallOptions = {}): Promise<User> {
    return this.get('users/me/', UserSchema, undefined, { what: 'the current user', ...options });
  }

  /** `GET agents/` (the token check `synapse doctor` uses). */
  listAgents(options: CallOptions = {}): PagedList<Agent> {
    return this.list('agents/', AgentSchema, {}, { what: 'agents', ...options });
  }

  /** `GET projects/{id}/`. */
  getProject(id: number | string, options: CallOptions = {}): Promise<Project> {
    return this.#getOne('projects', id, ProjectSchema, `project ${id}`, undefined, options);
  }

  /**
   * One page of a v2 cursor list (`{data, meta.pagination.next_cursor}`; the `{results, next}`
   * form is accepted too). `after` is the `next` of the previous page.
   */
  async #cursorPage<S extends z.ZodType>(
    path: string,
    schema: S,
    params: QueryParams,
    after: string | undefined,
    what: string,
    options: CallOptions,
  ): Promise<CursorPage<z.infer<S>>> {
    const target = after === undefined ? this.url(path, params) : this.url(after);
    const res: JsonResponse<unknown> = await this.requestJson('GET', target, {
      what,
      ...options,
    });
    const v = res.value as Record<string, unknown> | null;
    const rows: unknown = v?.['data'] ?? v?.['results'];
    if (!Array.isArray(rows)) {
      throw new SynapseApiError('SYNX_HTTP', `unexpected response for ${what}: no data list`, {
        method: 'GET',
        path: `${target.pathname}${target.search}`,
        host: this.host,
        attempts: 1,
      });
    }
    const items = rows.map((row: unknown) => this.parse(schema, row, `an item of ${what}`, target));
    const meta = v?.['meta'] as { pagination?: { next_cursor?: unknown } } | undefined;
    const cursor = meta?.pagination?.next_cursor;
    const next = v?.['next'];
    let following: string | undefined;
    if (typeof cursor === 'string' && cursor !== '') {
      const u = new URL(target);
      u.searchParams.set('cursor', cursor);
      following = u.href;
    } else if (typeof next === 'string' && next !== '') {
      following = this.url(next).href;
    }
    return { items, next: following };
  }

  /** Every item of a v2 cursor list, page after page (fetched when the consumer needs it). */
  async *#cursorList<S extends z.ZodType>(
    path: string,
    schema: S,
    params: QueryParams,
    what: string,
    options: CallOptions,
  ): AsyncGenerator<z.infer<S>> {
    let after: string | undefined;
    do {
      const page = await this.#cursorPage(path, schema, params, after, what, options);
      yield* page.items;
      after = page.next;
    } while (after !== undefined);
  }

  /**
   * `GET /v2/projects/` with cursor pagination (`{data, meta.pagination.next_cursor}`; the
   * `{results, next}` form is accepted too).
   */
  listProjects(
    params: { category?: string | undefined; perPage?: number; sort?: string } = {},
    options: CallOptions = {},
  ): AsyncGenerator<Project> {
    return this.#cursorList(
      '/v2/projects/',
      ProjectSchema,
      projectQuery(params),
      'projects',
      options,
    );
  }

  /**
   * One page of `GET /v2/projects/`: give the `next` of a page as `after` for the following
   * one. For callers that load pages on demand, as the `ProjectCatalog` does.
   */
  getProjectsPage(
    params: {
      category?: string | undefined;
      perPage?: number;
      sort?: string;
      after?: string | undefined;
    } = {},
    options: CallOptions = {},
  ): Promise<CursorPage<Project>> {
    return this.#cursorPage(
      '/v2/projects/',
      ProjectSchema,
      projectQuery(params),
      params.after,
      'projects',
      options,
    );
  }

  /** `GET /v2/ground-truth-datasets/` (cursor list; `project` is sent as a filter). */
  listGroundTruthDatasets(
    params: { project?: number | string | undefined; perPage?: number } = {},
    options: CallOptions = {},
  ): AsyncGenerator<GroundTruthDataset> {
    return this.#cursorList(
      '/v2/ground-truth-datasets/',
      GroundTruthDatasetSchema,
      { project: params.project, per_page: params.perPage ?? 100 },
      'ground-truth datasets',
      options,
    );
  }

  /** `GET /v2/ground-truth-datasets/{id}/versions/` (cursor list). */
  listGroundTruthDatasetVersions(
    datasetId: number | string,
    params: { perPage?: number } = {},
    options: CallOptions = {},
  ): AsyncGenerator<GroundTruthVersion> {
    return this.#cursorList(
      `/v2/ground-truth-datasets/${encodeURIComponent(String(datasetId))}/versions/`,
      GroundTruthVersionSchema,
      { per_page: params.perPage ?? 100 },
      `ground-truth dataset ${datasetId}`,
      options,
    );
  }

  /**
   * How many events a ground-truth version holds: `count` of a one-item page of
   * `sdk/ground_truth_events/` (undefined when the server sends none).
   */
  countGroundTruthEvents(
    versionId: number | string,
    options: CallOptions = {},
  ): Promise<number | undefined> {
    return this.list(
      'sdk/ground_truth_events/',
      GroundTruthEventSchema,
      { ground_truth_dataset_versions: versionId, page_size: 1 },
      { what: `ground-truth version ${versionId}`, readTimeoutMs: 60_000, ...options },
    ).count();
  }

  /**
   * How many assignments or tasks of a project match `filter` (`status`, `tags`, …): `count`
   * of a one-item page (undefined when the server sends none).
   */
  countItems(
    target: 'assignment' | 'task',
    project: number | string,
    filter: QueryParams = {},
    options: CallOptions = {},
  ): Promise<number | undefined> {
    const schema = target === 'assignment' ? AssignmentSchema : TaskSchema;
    return this.list(
      target === 'assignment' ? 'sdk/assignments/' : 'sdk/tasks/',
      schema,
      { ...filter, project, page_size: 1 },
      { what: `${target}s of project ${project}`, ...options },
    ).count();
  }

  /** `GET sdk/assignments/?project=…&expand=data` (labelers' work). */
  listAssignments(
    params: {
      project: number | string;
      expand?: readonly string[];
      [key: string]: QueryParams[string];
    },
    options: ListOptions = {},
  ): PagedList<Assignment> {
    return this.list(
      'sdk/assignments/',
      AssignmentSchema,
      { expand: ['data'], ...params },
      {
        what: `assignments of project ${params.project}`,
        ...options,
      },
    );
  }

  /** `GET sdk/tasks/?project=…&expand=data_unit&expand=assignment&expand=workshop`. */
  listTasks(
    params: {
      project: number | string;
      expand?: readonly string[];
      [key: string]: QueryParams[string];
    },
    options: ListOptions = {},
  ): PagedList<Task> {
    return this.list(
      'sdk/tasks/',
      TaskSchema,
      { expand: ['data_unit', 'assignment', 'workshop'], ...params },
      {
        what: `tasks of project ${params.project}`,
        ...options,
      },
    );
  }

  /** `GET sdk/ground_truth_events/?ground_truth_dataset_versions=<id>` (read timeout 60 s). */
  listGroundTruthEvents(
    params: { version: number | string; category?: string; [key: string]: QueryParams[string] },
    options: ListOptions = {},
  ): PagedList<GroundTruthEvent> {
    const { version, ...rest } = params;
    return this.list(
      'sdk/ground_truth_events/',
      GroundTruthEventSchema,
      { ground_truth_dataset_versions: version, expand: ['data'], ...rest },
      { what: `ground-truth version ${version}`, readTimeoutMs: 60_000, ...options },
    );
  }

  /** `GET ground_truth_dataset_versions/{id}/`. */
  getGroundTruthVersion(
    id: number | string,
    options: CallOptions = {},
  ): Promise<GroundTruthVersion> {
    return this.#getOne(
      'ground_truth_dataset_versions',
      id,
      GroundTruthVersionSchema,
      `ground-truth version ${id}`,
      undefined,
      options,
    );
  }

  /** `GET ground_truth_dataset_versions/?ground_truth_dataset=…`. */
  listGroundTruthVersions(
    params: { dataset?: number | string; isArchived?: boolean } = {},
    options: CallOptions = {},
  ): PagedList<GroundTruthVersion> {
    return this.list(
      'ground_truth_dataset_versions/',
      GroundTruthVersionSchema,
      { ground_truth_dataset: params.dataset, is_archived: params.isArchived },
      { what: 'ground-truth versions', ...options },
    );
  }

  /** `GET storages/{id}/`. */
  getStorage(id: number | string, options: CallOptions = {}): Promise<Storage> {
    return this.#getOne('storages', id, StorageSchema, `storage ${id}`, undefined, options);
  }

  /** `GET assignments/{id}/` (fresh file URLs for one assignment). */
  getAssignment(id: number | string, options: CallOptions = {}): Promise<Assignment> {
    return this.#getOne(
      'assignments',
      id,
      AssignmentSchema,
      `assignment ${id}`,
      EXPAND_DATA_UNIT,
      options,
    );
  }

  /** `GET data_units/{id}/` (fresh file URLs for one data unit). */
  getDataUnit(id: number | string, options: CallOptions = {}): Promise<DataUnit> {
    return this.#getOne('data_units', id, DataUnitSchema, `data unit ${id}`, undefined, options);
  }

  /** `GET tasks/{id}/?expand=data_unit` (fresh file URLs for one task). */
  getTask(id: number | string, options: CallOptions = {}): Promise<Task> {
    return this.#getOne('tasks', id, TaskSchema, `task ${id}`, EXPAND_DATA_UNIT, options);
  }
}
