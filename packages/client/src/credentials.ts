import { chmod, mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { hasUserInfo, redactUrl, SynxError } from '@synx/model';

/** The host the Python SDK uses when none is configured. */
export const DEFAULT_SYNAPSE_HOST = 'https://api.synapse.sh';

/** Where the Python `synapse` CLI keeps its credentials (`synapse login`). */
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
      hint: 'fix or delete the file, then run `synapse login` again',
    });
  }
  if (!isRecord(data)) {
    throw new SynxError('SYNX_CONFIG', `${path} does not hold a JSON object`);
  }
  return { path, data: data, mode };
}

/**
 * Writes (merges) keys into a Synapse config file with mode 0600 (directory 0700), atomically.
 * Keys not given are preserved, so a file shared with the Python CLI keeps its other settings.
 */
export async function writeSynapseConfig(
  updates: Partial<SynapseConfigFile>,
  path: string = defaultConfigPath(),
): Promise<void> {
  const existing = await readSynapseConfig(path).catch(() => undefined);
  const merged: SynapseConfigFile = { ...(existing?.data ?? {}), ...updates };
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, `${JSON.stringify(merged, null, 2)}\n`, { mode: 0o600 });
  await chmod(tmp, 0o600);
  await rename(tmp, path);
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
  if (hasUserInfo(host)) {
    // Credentials in a URL would be printed, stored in the manifest and sent as Basic auth.
    const where = hostFrom === 'flag' ? '--host' : hostFrom === 'env' ? 'SYNAPSE_HOST' : configPath;
    throw new SynxError(
      'SYNX_CONFIG',
      `the host in ${where} (${redactUrl(host)}) holds credentials (user:…@); synx does not use or keep them`,
      {
        hint: 'give the host without them, and the token with --token, SYNAPSE_ACCESS_TOKEN or `synapse login`',
      },
    );
  }
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
  return { host: normalizeHost(host), token, hostFrom, tokenFrom, configPath, config };
}
