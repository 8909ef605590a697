import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';

/** Options of {@link startForwardProxy}. */
export interface ForwardProxyOptions {
  /**
   * Host names the proxy alone can resolve, to the address given (e.g.
   * `{ 'synapse.internal': '127.0.0.1' }`): a client that bypasses the proxy cannot reach them.
   */
  readonly hosts?: Readonly<Record<string, string>>;
  /** `user:password` the proxy requires (`Proxy-Authorization: Basic …`); 407 otherwise. */
  readonly credentials?: string;
}

/** One request the proxy passed on. */
export interface ProxyLogEntry {
  /** `CONNECT` (a tunnel, e.g. for https) or the method of a forwarded plain-http request. */
  readonly method: string;
  /** `host:port` of the target. */
  readonly target: string;
}

/** A forward proxy on 127.0.0.1 (CONNECT tunnels and absolute-form http requests). */
export interface ForwardProxy {
  /** `http://127.0.0.1:<port>`. */
  readonly url: string;
  readonly log: readonly ProxyLogEntry[];
  close(): Promise<void>;
}

function resolveHost(host: string, hosts: Readonly<Record<string, string>>): string {
  return hosts[host.toLowerCase()] ?? host;
}

/**
 * Starts a forward proxy as corporate networks have one: tunnels (`CONNECT host:port`) and
 * plain-http requests in absolute form, host names resolved by the proxy (so names only it
 * knows work only through it), optional Basic credentials.
 */
export async function startForwardProxy(options: ForwardProxyOptions = {}): Promise<ForwardProxy> {
  const hosts = options.hosts ?? {};
  const log: ProxyLogEntry[] = [];
  const expected =
    options.credentials === undefined
      ? undefined
      : `Basic ${Buffer.from(options.credentials).toString('base64')}`;
  const authorised = (req: http.IncomingMessage): boolean =>
    expected === undefined || req.headers['proxy-authorization'] === expected;

  const server = http.createServer((req, res) => {
    // A plain-http request in absolute form: GET http://host:port/path HTTP/1.1
    let target: URL;
    try {
      target = new URL(req.url ?? '');
    } catch {
      res.writeHead(400).end('absolute-form request expected');
      return;
    }
    if (!authorised(req)) {
      res.writeHead(407, { 'proxy-authenticate': 'Basic realm="proxy"' }).end();
      return;
    }
    const port = Number(target.port === '' ? 80 : target.port);
    log.push({ method: req.method ?? 'GET', target: `${target.hostname}:${String(port)}` });
    const headers = { ...req.headers };
    delete headers['proxy-authorization'];
    delete headers['proxy-connection'];
    const upstream = http.request(
      {
        host: resolveHost(target.hostname, hosts),
        port,
        method: req.method,
        path: `${target.pathname}${target.search}`,
        headers: { ...headers, host: target.host },
      },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    upstream.on('error', () => {
      if (!res.headersSent) {
        res.writeHead(502).end();
      } else {
        res.destroy();
      }
    });
    req.pipe(upstream);
  });

  server.on('connect', (req: http.IncomingMessage, client: net.Socket, head: Buffer) => {
    client.on('error', () => undefined);
    if (!authorised(req)) {
      client.end('HTTP/1.1 407 Proxy Authentication Required\r\n\r\n');
      return;
    }
    const [host = '', portText = '443'] = (req.url ?? '').split(/:(?=\d+$)/);
    log.push({ method: 'CONNECT', target: `${host}:${portText}` });
    const upstream = net.connect(Number(portText), resolveHost(host, hosts), () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length > 0) {
        upstream.write(head);
      }
      upstream.pipe(client);
      client.pipe(upstream);
    });
    upstream.on('error', () => {
      client.end('HTTP/1.1 502 Bad Gateway\r\n\r\n');
    });
    client.on('close', () => upstream.destroy());
  });

  const sockets = new Set<net.Socket>();
  server.on('connection', (s: net.Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${String(port)}`,
    log,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) {
          s.destroy();
        }
        server.close(() => {
          resolve();
        });
      }),
  };
}
