import { Agent, EnvHttpProxyAgent, type Dispatcher } from 'undici';

/** Options of {@link createDispatcher}. */
export interface DispatcherOptions {
  /** Connections at most per origin (host and port), e.g. 16 for an API, 64 for media. */
  readonly connectionsPerOrigin?: number | undefined;
  /** Longest wait for a TCP (and TLS) connection. Default 10 s. */
  readonly connectTimeoutMs?: number | undefined;
  /** How long an idle keep-alive connection stays open. Default 10 s. */
  readonly keepAliveMs?: number | undefined;
  /**
   * Where the proxy settings come from. Default: the environment (`HTTP_PROXY`, `HTTPS_PROXY`,
   * `NO_PROXY`, or their lower-case forms), as curl and most tools read them.
   */
  readonly env?: Readonly<Record<string, string | undefined>> | undefined;
}

/** The proxy settings of an environment (lower-case names win, as curl reads them). */
export interface ProxySettings {
  readonly httpProxy: string | undefined;
  readonly httpsProxy: string | undefined;
  readonly noProxy: string | undefined;
}

function envValue(
  env: Readonly<Record<string, string | undefined>>,
  name: string,
): string | undefined {
  const v = env[name.toLowerCase()] ?? env[name.toUpperCase()];
  return v === undefined || v.trim() === '' ? undefined : v.trim();
}

/** The proxy settings an environment gives. */
export function proxySettings(
  env: Readonly<Record<string, string | undefined>> = process.env,
): ProxySettings {
  return {
    httpProxy: envValue(env, 'http_proxy'),
    httpsProxy: envValue(env, 'https_proxy'),
    noProxy: envValue(env, 'no_proxy'),
  };
}

/**
 * A connection pool for every origin synx talks to: keep-alive connections, at most
 * `connectionsPerOrigin` per origin, a connect timeout, and — when the environment names a proxy —
 * every request through it (`NO_PROXY` hosts excepted; https through a CONNECT tunnel). Idle
 * connections do not keep the process alive. `close()` it when done.
 */
export function createDispatcher(options: DispatcherOptions = {}): Dispatcher {
  const base = {
    connections: options.connectionsPerOrigin ?? 16,
    keepAliveTimeout: options.keepAliveMs ?? 10_000,
    connect: { timeout: options.connectTimeoutMs ?? 10_000 },
    // Timeouts are per request (see httpRequest); these are only the outer bounds.
    headersTimeout: 0,
    bodyTimeout: 0,
  };
  const proxy = proxySettings(options.env ?? process.env);
  if (proxy.httpProxy === undefined && proxy.httpsProxy === undefined) {
    return new Agent(base);
  }
  return new EnvHttpProxyAgent({
    ...base,
    // An explicit empty value stops undici from reading the other variable from process.env.
    httpProxy: proxy.httpProxy ?? '',
    httpsProxy: proxy.httpsProxy ?? proxy.httpProxy ?? '',
    noProxy: proxy.noProxy ?? '',
  });
}
