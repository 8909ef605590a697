import { redactText, SynxError, type SynxErrorCode } from '@synx/model';
import type { TransportError } from '@synx/http';

/** Details every Synapse API error carries (never a header, never the token). */
export interface SynapseApiErrorDetails {
  readonly method: string;
  /** Path and query of the request, without the host. */
  readonly path: string;
  readonly host: string;
  readonly status?: number;
  /** The server's error text (DRF `detail`, field messages, or v2 `error.message`). */
  readonly serverMessage?: string;
  /** v2 `error.code`, when the server sent one. */
  readonly serverCode?: string;
  readonly requestId?: string;
  /** How many attempts were made. */
  readonly attempts: number;
  /** Transport failure kind for network/timeout errors. */
  readonly failure?: string;
}

/** An error from talking to Synapse: an HTTP status, a network failure or a timeout. */
export class SynapseApiError extends SynxError {
  override readonly name: string = 'SynapseApiError';
  readonly status: number | undefined;
  readonly request: SynapseApiErrorDetails;

  constructor(
    code: SynxErrorCode,
    message: string,
    request: SynapseApiErrorDetails,
    hint?: string,
  ) {
    super(code, message, {
      ...(hint === undefined ? {} : { hint }),
      details: { ...request },
    });
    this.status = request.status;
    this.request = request;
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Extracts a readable message from a DRF (`{"detail": …}`, `{"field": ["msg"]}`,
 * `["msg"]`) or v2 (`{"error": {code, message, details}}`) error body.
 */
export function parseErrorBody(body: string): {
  message?: string;
  code?: string;
  requestId?: string;
} {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    const text = body
      .replace(/<[^>]*>/g, ' ')
      .replace(/\s+/g, ' ')
      .trim();
    return text === '' ? {} : { message: text.slice(0, 300) };
  }
  if (isRecord(value) && isRecord(value['error'])) {
    const e = value['error'];
    const parts: string[] = [];
    if (typeof e['message'] === 'string') {
      parts.push(e['message']);
    }
    if (Array.isArray(e['details'])) {
      for (const d of e['details']) {
        if (isRecord(d) && typeof d['message'] === 'string') {
          parts.push(
            typeof d['field'] === 'string' ? `${d['field']}: ${d['message']}` : d['message'],
          );
        }
      }
    }
    const meta = value['meta'];
    return {
      ...(parts.length > 0 ? { message: [...new Set(parts)].join('; ') } : {}),
      ...(typeof e['code'] === 'string' ? { code: e['code'] } : {}),
      ...(isRecord(meta) && typeof meta['request_id'] === 'string'
        ? { requestId: meta['request_id'] }
        : {}),
    };
  }
  if (isRecord(value)) {
    if (typeof value['detail'] === 'string') {
      return { message: value['detail'] };
    }
    const parts: string[] = [];
    for (const [k, v] of Object.entries(value)) {
      const msgs = Array.isArray(v)
        ? v.filter((x) => typeof x === 'string')
        : typeof v === 'string'
          ? [v]
          : [];
      if (msgs.length > 0) {
        parts.push(k === 'non_field_errors' ? msgs.join(' ') : `${k}: ${msgs.join(' ')}`);
      }
    }
    return parts.length > 0 ? { message: parts.join('; ') } : {};
  }
  if (Array.isArray(value)) {
    const msgs = value.filter((x) => typeof x === 'string');
    return msgs.length > 0 ? { message: msgs.join('; ') } : {};
  }
  return {};
}

/**
 * Replaces every occurrence of each secret in `text` with `***` and redacts the URLs in it
 * (signatures, user-info): model's `redactText`, the one redaction helper.
 */
export function redact(text: string, secrets: readonly string[]): string {
  return redactText(text, secrets);
}

const STATUS_CODES: Record<number, SynxErrorCode> = {
  400: 'SYNX_VALIDATION',
  401: 'SYNX_AUTH',
  403: 'SYNX_PERMISSION',
  404: 'SYNX_NOT_FOUND',
  422: 'SYNX_VALIDATION',
  429: 'SYNX_RATE_LIMITED',
};

/** The hint of a 404 for project ids. */
export const PROJECT_NOT_FOUND_HINT =
  'list the projects your token can see: `synx projects list` (or `synx export` and choose "Help me find it")';
/** The hint of a 404 for ground-truth dataset and version ids. */
export const GT_NOT_FOUND_HINT =
  'list the ground-truth datasets and versions your token can see: `synx gt list`';

/** How to find the right id of the object `what` names ("project 42", "ground-truth version 3"). */
function notFoundHint(what: string): string {
  if (/^projects?\b/i.test(what)) {
    return PROJECT_NOT_FOUND_HINT;
  }
  if (/^ground-truth\b/i.test(what)) {
    return GT_NOT_FOUND_HINT;
  }
  return 'check the id';
}

/** List filters whose unknown values DRF rejects with "Select a valid choice", and what they name. */
const CHOICE_FIELDS: Readonly<Record<string, string>> = {
  project: 'project',
  ground_truth_dataset_versions: 'ground-truth version',
  ground_truth_dataset_version: 'ground-truth version',
  ground_truth_dataset: 'ground-truth dataset',
};

/**
 * The object a 400 names as an invalid choice of a list filter (`{"project": ["Select a valid
 * choice. …"]}` for an id that does not exist or is not visible): in practice a not-found.
 */
function invalidChoice(body: string, path: string): string | undefined {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    return undefined;
  }
  if (!isRecord(value)) {
    return undefined;
  }
  const query = new URLSearchParams(path.includes('?') ? path.slice(path.indexOf('?') + 1) : '');
  for (const [field, noun] of Object.entries(CHOICE_FIELDS)) {
    const messages = value[field];
    const list = Array.isArray(messages) ? messages : [messages];
    if (list.some((m) => typeof m === 'string' && /valid choice|available choices/i.test(m))) {
      const id = query.get(field);
      return id === null ? noun : `${noun} ${id}`;
    }
  }
  return undefined;
}

/**
 * Builds the error for an HTTP status; `asked` names the object asked for ("project 42"). A 400
 * that rejects a list filter's id as an invalid choice is a not-found of that id.
 */
export function errorForStatus(
  status: number,
  body: string,
  request: Omit<SynapseApiErrorDetails, 'status' | 'serverMessage' | 'serverCode' | 'requestId'>,
  asked: string,
  secrets: readonly string[],
): SynapseApiError {
  const clean = redact(body, secrets);
  const parsed = parseErrorBody(clean);
  const missing = status === 400 ? invalidChoice(clean, request.path) : undefined;
  // "assignments of project 999" rejected as an invalid choice is "project 999" not found.
  const what = missing ?? asked;
  const code: SynxErrorCode =
    missing === undefined
      ? (STATUS_CODES[status] ?? (status >= 500 ? 'SYNX_SERVER' : 'SYNX_HTTP'))
      : 'SYNX_NOT_FOUND';
  const server = parsed.message === undefined ? '' : `: ${parsed.message}`;
  let message: string;
  let hint: string | undefined;
  switch (code) {
    case 'SYNX_AUTH':
      message = `Synapse at ${request.host} rejected the access token (401${server})`;
      hint =
        'run `synx login` to store a token, or `synx doctor` to check the setup (a token given with --token or SYNAPSE_ACCESS_TOKEN may have expired)';
      break;
    case 'SYNX_PERMISSION':
      message = `the access token may not read ${what} on ${request.host} (403${server})`;
      hint = 'ask a workspace admin for access, or use a token of a member of that project';
      break;
    case 'SYNX_NOT_FOUND':
      message = `${what} was not found on ${request.host} (${status}${server})`;
      hint = notFoundHint(what);
      break;
    case 'SYNX_VALIDATION':
      message = `Synapse rejected the request for ${what} (${status}${server})`;
      break;
    case 'SYNX_RATE_LIMITED':
      message = `Synapse kept rate-limiting requests for ${what} (429) after ${request.attempts} attempts`;
      hint = 'try again later or lower --concurrency';
      break;
    case 'SYNX_SERVER':
      message = `Synapse failed while serving ${what} (${status}${server}) after ${request.attempts} attempts`;
      hint = 'the server had an internal problem; try again later';
      break;
    default:
      message = `unexpected HTTP ${status} for ${what} from ${request.host}${server}`;
  }
  return new SynapseApiError(
    code,
    redact(message, secrets),
    {
      ...request,
      status,
      ...(parsed.message === undefined ? {} : { serverMessage: parsed.message }),
      ...(parsed.code === undefined ? {} : { serverCode: parsed.code }),
      ...(parsed.requestId === undefined ? {} : { requestId: parsed.requestId }),
    },
    hint,
  );
}

/** Builds the error for a transport failure after the last attempt. */
export function errorForTransport(
  err: TransportError,
  request: Omit<SynapseApiErrorDetails, 'status' | 'failure'>,
  what: string,
  secrets: readonly string[],
): SynapseApiError {
  if (err.failure === 'aborted') {
    return new SynapseApiError('SYNX_ABORTED', `the request for ${what} was cancelled`, {
      ...request,
      failure: err.failure,
    });
  }
  const timeout = err.failure === 'connect-timeout' || err.failure === 'read-timeout';
  const reason: Record<string, string> = {
    'connect-timeout': 'the connection was not established in time',
    'read-timeout': 'the server stopped answering',
    'connection-refused': 'the connection was refused',
    'connection-reset': 'the connection was dropped',
    dns: 'the host name could not be resolved',
    truncated: 'the response was cut short',
    proxy: 'the proxy would not connect to it',
    other: 'the connection failed',
  };
  const message = `could not get ${what} from ${request.host}: ${reason[err.failure] ?? err.failure} (${err.message}) after ${request.attempts} attempt${request.attempts === 1 ? '' : 's'}`;
  return new SynapseApiError(
    timeout ? 'SYNX_TIMEOUT' : 'SYNX_NETWORK',
    redact(message, secrets),
    { ...request, failure: err.failure },
    timeout
      ? 'the server or network is slow; try again, or raise the timeout'
      : err.failure === 'proxy'
        ? 'check the proxy settings (HTTPS_PROXY, HTTP_PROXY, NO_PROXY)'
        : err.failure === 'dns'
          ? 'check the host (--host / SYNAPSE_HOST); behind a proxy, set HTTPS_PROXY (and NO_PROXY)'
          : 'check the host (--host / SYNAPSE_HOST) and your network',
  );
}
