import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, rm, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { hasUserInfo, redactUrl, SynxError } from '@synx/model';
import { SynapseClient, type SynapseClientOptions } from './client.js';
import { SynapseApiError } from './errors.js';
import type { User } from './schemas.js';

/** The host the Python SDK uses when none is configured. */
export const DEFAULT_SYNAPSE_HOST = 'https://api.synapse.sh';

/**
 * Where credentials are kept: the file `synx login` writes, and the one the Python `synapse` CLI
 * reads and writes (`synapse login`).
 */
export function defaultConfigPath(home: string = homedir()): string {
  return join(home, '.synapse', 'config.json');
}

/** The parts of `~/.synapse/config.json` synx reads. Other keys are preserved on write. */
export interface SynapseConfigFile {
  host?: string;
  access_token?: string;
  [key: string]: unknown;
}

/** A config file as read, with its permission bits. */
export interface LoadedConfig {
  readonly path: string;
  readonly data: SynapseConfigFile;
  /** `mode & 0o777`. */
  readonly mode: number;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Reads a Synapse config file. Returns undefined when it does not exist.
 *
 * @throws SynxError `SYNX_CONFIG` when it exists but is not a JSON object.
 */
export async function readSynapseConfig(
  path: string = defaultConfigPath(),
): Promise<LoadedConfig | undefined> {
  let text: string;
  let mode: number;
  try {
    text = await readFile(path, 'utf8');
    mode = (await stat(path)).mode & 0o777;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
      return undefined;
    }
    throw new SynxError('SYNX_CONFIG', `cannot read ${path}: ${(err as Error).message}`, {
      cause: err,
    });
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new SynxError('SYNX_CONFIG', `${path} is not valid JSON`, {
      hint: 'fix or delete the file, then run `synx login` again',
    });
  }
  if (!isRecord(data)) {
    throw new SynxError('SYNX_CONFIG', `${path} does not hold a JSON object`);
  }
  return { path, data: data, mode };
}

/**
 * Writes (merges) keys into a Synapse config file with mode 0600, atomically: a temporary file
 * created with mode 0600 next to it, then renamed over it. A directory it has to create gets
 * mode 0700 (an existing one is left as it is). Keys not given are preserved, so a file shared
 * with the Python CLI keeps its other settings (`agent`, `environments`, …).
 *
 * @throws SynxError `SYNX_CONFIG` when the existing file cannot be read or is not a JSON object:
 *   writing over it would lose the keys it holds.
 * @throws the file-system error when the directory or file cannot be written.
 */
export async function writeSynapseConfig(
  updates: Partial<SynapseConfigFile>,
  path: string = defaultConfigPath(),
): Promise<void> {
  const existing = await readForWrite(path);
  const merged: SynapseConfigFile = { ...(existing?.data ?? {}), ...updates };
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  // 'wx': a fresh file (never a file or link left at that name), 0600 from its creation.
  const handle = await open(tmp, 'wx', 0o600);
  try {
    try {
      await handle.chmod(0o600); // in case the umask took more away
      await handle.writeFile(`${JSON.stringify(merged, null, 2)}\n`, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}

/** Where a resolved value came from. */
export type CredentialSource = 'flag' | 'env' | 'config' | 'default' | 'none';

/** Host and token with their provenance. */
export interface ResolvedCredentials {
  readonly host: string;
  readonly token: string | undefined;
  readonly hostFrom: CredentialSource;
  readonly tokenFrom: CredentialSource;
  readonly configPath: string;
  /** The config file, when one was found. */
  readonly config: LoadedConfig | undefined;
}

/** Inputs of {@link resolveCredentials}. */
export interface CredentialInputs {
  readonly host?: string | undefined;
  readonly token?: string | undefined;
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly configPath?: string;
}

/** Adds `https://` when no scheme is given and drops trailing slashes. */
export function normalizeHost(host: string): string {
  const trimmed = host.trim().replace(/\/+$/, '');
  return /^https?:\/\//i.test(trimmed) ? trimmed : `https://${trimmed}`;
}

/**
 * A host as synx uses and stores it ({@link normalizeHost}), refused when it holds credentials
 * (`user:pass@`: they would be printed, stored and sent as Basic auth) or is not an http(s) URL.
 *
 * @param where names where the host came from in the message (`--host`, `SYNAPSE_HOST`, a path).
 * @throws SynxError `SYNX_CONFIG`
 */
export function checkHost(host: string, where = 'the host'): string {
  if (hasUserInfo(host)) {
    throw new SynxError(
      'SYNX_CONFIG',
      `the host in ${where} (${redactUrl(host)}) holds credentials (user:…@); synx does not use or keep them`,
      {
        hint: 'give the host without them, and the token with --token, SYNAPSE_ACCESS_TOKEN or `synx login`',
      },
    );
  }
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(host.trim())?.[1]?.toLowerCase();
  if (scheme !== undefined && scheme !== 'http' && scheme !== 'https') {
    throw new SynxError(
      'SYNX_CONFIG',
      `the host in ${where} ("${redactUrl(host)}") is not an http(s) URL`,
      {
        hint: 'give the host with its scheme, e.g. https://api.synapse.sh',
      },
    );
  }
  const normalized = normalizeHost(host);
  let url: URL;
  try {
    url = new URL(normalized);
  } catch {
    throw new SynxError('SYNX_CONFIG', `the host in ${where} ("${redactUrl(host)}") is not a URL`, {
      hint: 'give the host with its scheme, e.g. https://api.synapse.sh',
    });
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.hostname === '') {
    throw new SynxError(
      'SYNX_CONFIG',
      `the host in ${where} ("${redactUrl(host)}") is not an http(s) URL`,
      {
        hint: 'give the host with its scheme, e.g. https://api.synapse.sh',
      },
    );
  }
  return normalized;
}

function fromMcpEnvironment(data: SynapseConfigFile): { host?: string; token?: string } {
  const envs = data['environments'];
  const name = data['default_environment'];
  if (!isRecord(envs) || typeof name !== 'string') {
    return {};
  }
  const env = envs[name];
  if (!isRecord(env)) {
    return {};
  }
  return {
    ...(typeof env['backend_url'] === 'string' ? { host: env['backend_url'] } : {}),
    ...(typeof env['access_token'] === 'string' ? { token: env['access_token'] } : {}),
  };
}

/**
 * Resolves host and token the way the Python SDK does, with flags first: flags, then
 * `SYNAPSE_HOST` / `SYNAPSE_ACCESS_TOKEN`, then `~/.synapse/config.json` (`host`,
 * `access_token`, or the MCP `environments[default_environment]`), then the default host.
 */
export async function resolveCredentials(
  inputs: CredentialInputs = {},
): Promise<ResolvedCredentials> {
  const env = inputs.env ?? process.env;
  const configPath = inputs.configPath ?? defaultConfigPath();
  const config = await readSynapseConfig(configPath);
  const mcp = config === undefined ? {} : fromMcpEnvironment(config.data);
  const fileHost =
    typeof config?.data.host === 'string' && config.data.host !== '' ? config.data.host : mcp.host;
  const fileToken =
    typeof config?.data.access_token === 'string' && config.data.access_token !== ''
      ? config.data.access_token
      : mcp.token;
  const nonEmpty = (v: string | undefined): v is string => v !== undefined && v !== '';

  let host: string;
  let hostFrom: CredentialSource;
  if (nonEmpty(inputs.host)) {
    host = inputs.host;
    hostFrom = 'flag';
  } else if (nonEmpty(env['SYNAPSE_HOST'])) {
    host = env['SYNAPSE_HOST'];
    hostFrom = 'env';
  } else if (nonEmpty(fileHost)) {
    host = fileHost;
    hostFrom = 'config';
  } else {
    host = DEFAULT_SYNAPSE_HOST;
    hostFrom = 'default';
  }
  const where = hostFrom === 'flag' ? '--host' : hostFrom === 'env' ? 'SYNAPSE_HOST' : configPath;
  const checked = checkHost(host, where);
  let token: string | undefined;
  let tokenFrom: CredentialSource;
  if (nonEmpty(inputs.token)) {
    token = inputs.token;
    tokenFrom = 'flag';
  } else if (nonEmpty(env['SYNAPSE_ACCESS_TOKEN'])) {
    token = env['SYNAPSE_ACCESS_TOKEN'];
    tokenFrom = 'env';
  } else if (nonEmpty(fileToken)) {
    token = fileToken;
    tokenFrom = 'config';
  } else {
    token = undefined;
    tokenFrom = 'none';
  }
  return { host: checked, token, hostFrom, tokenFrom, configPath, config };
}

/** How {@link verifyToken} found a token valid. */
export interface TokenCheck {
  /** The endpoint that accepted it: `users/me/`, else `agents/` (what `synapse doctor` asks). */
  readonly via: 'users/me/' | 'agents/';
  /** The token's user, when `users/me/` answered. */
  readonly user: User | undefined;
}

/**
 * Checks a client's token against the server: `GET users/me/`, and when the server has no such
 * endpoint for it (403, 404, 405) `GET agents/` as `synapse doctor` does.
 *
 * @throws SynapseApiError `SYNX_AUTH` (401), `SYNX_PERMISSION` (403 on `agents/` too), or the
 *   network and server errors of the client.
 */
export async function verifyToken(
  client: SynapseClient,
  options: { readonly signal?: AbortSignal | undefined } = {},
): Promise<TokenCheck> {
  try {
    const user = await client.getCurrentUser({ signal: options.signal });
    return { via: 'users/me/', user };
  } catch (err) {
    const status = err instanceof SynapseApiError ? err.status : undefined;
    if (status !== 403 && status !== 404 && status !== 405) {
      throw err;
    }
  }
  await client.listAgents({ signal: options.signal }).count();
  return { via: 'agents/', user: undefined };
}

/** Inputs of {@link login}. */
export interface LoginOptions {
  /** The host; normalised and checked with {@link checkHost}. */
  readonly host: string;
  readonly token: string;
  /** Check the token against the server before storing it. Default true. */
  readonly verify?: boolean;
  /** Default {@link defaultConfigPath}. */
  readonly configPath?: string;
  readonly signal?: AbortSignal | undefined;
  /** Connection settings of the check (timeouts, retries, auth scheme, user agent). */
  readonly client?: Omit<SynapseClientOptions, 'host' | 'token'>;
}

/** What {@link login} stored (never the token). */
export interface LoginResult {
  /** The host as stored. */
  readonly host: string;
  readonly configPath: string;
  /** How the token was checked; undefined with `verify: false`. */
  readonly check: TokenCheck | undefined;
}

/** Reads the file about to be written; a file that cannot be kept whole is an error. */
async function readForWrite(path: string): Promise<LoadedConfig | undefined> {
  try {
    return await readSynapseConfig(path);
  } catch (err) {
    throw new SynxError(
      'SYNX_CONFIG',
      `${(err as Error).message}; not overwriting it, it may hold settings of other tools`,
      { cause: err, hint: `fix ${path} or move it away, then run the command again` },
    );
  }
}

/**
 * Stores a host and token in the Synapse config file (`host`, `access_token`: the shape the
 * Python `synapse` CLI reads), after checking the token with {@link verifyToken}. Other keys of
 * the file are kept. Nothing is written when the check fails, or when the existing file is not a
 * JSON object.
 *
 * @throws SynxError `SYNX_CONFIG` (bad host, unreadable or invalid file), `SYNX_AUTH` (401),
 *   `SYNX_PERMISSION`, network and server errors of the check, file-system errors of the write.
 *
 * @example
 * const r = await login({ host: 'https://api.synapse.sh', token });
 * // r.check?.user?.email
 */
export async function login(options: LoginOptions): Promise<LoginResult> {
  const host = checkHost(options.host);
  const configPath = options.configPath ?? defaultConfigPath();
  if (options.token.trim() === '') {
    throw new SynxError('SYNX_MISSING_INPUT', 'the access token is empty');
  }
  // Refused before the server is asked: the write would refuse it anyway.
  await readForWrite(configPath);
  let check: TokenCheck | undefined;
  if (options.verify ?? true) {
    const client = new SynapseClient({ ...options.client, host, token: options.token });
    try {
      check = await verifyToken(client, { signal: options.signal });
    } catch (err) {
      if (!(err instanceof SynapseApiError)) {
        throw err;
      }
      const hint =
        err.code === 'SYNX_AUTH'
          ? 'check the token (copy it again from Synapse: it may have expired or belong to another host)'
          : err.code === 'SYNX_ABORTED'
            ? undefined
            : `${err.hint === undefined ? '' : `${err.hint}; `}--no-verify stores the token without checking it`;
      throw new SynxError(err.code, `${err.message}; ${configPath} was not changed`, {
        cause: err,
        ...(hint === undefined ? {} : { hint }),
        details: { ...err.request },
      });
    } finally {
      client.close();
    }
  }
  await writeSynapseConfig({ host, access_token: options.token }, configPath);
  return { host, configPath, check };
}
