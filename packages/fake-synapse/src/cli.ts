import { parseArgs } from 'node:util';
import { startFakeSynapse } from './server.js';

const USAGE = `usage: fake-synapse --from DIR [--from DIR …] [--port N] [--token T] [--tenant CODE]
                    [--seed S] [--latency MS] [--rate-limit P] [--retry-after S] [--server-error P]
                    [--burst N] [--drop P] [--truncate P] [--expire P] [--url-ttl MS]
                    [--assignments-per-task N] [--extra-projects N]

Serves a Synapse raw export folder (json/, origin_files/, project.json) as a Synapse backend on
127.0.0.1 and prints its base URL. Give --from several times to serve several folders, each as its
own project (its id from its project.json). --extra-projects N lists N more (empty) projects with
seeded titles and two more (empty) ground-truth datasets. Rates P are probabilities per request
(0..1), seeded. Control: GET /__fake/log, POST /__fake/faults (JSON), POST /__fake/reset-log.`;

/** Runs the `fake-synapse` command. Returns the process exit code. */
export async function main(
  argv: readonly string[],
  out: (line: string) => void,
  err: (line: string) => void,
): Promise<number> {
  let values: Record<string, string | string[] | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        from: { type: 'string', multiple: true },
        port: { type: 'string' },
        token: { type: 'string' },
        tenant: { type: 'string' },
        seed: { type: 'string' },
        latency: { type: 'string' },
        'rate-limit': { type: 'string' },
        'retry-after': { type: 'string' },
        'server-error': { type: 'string' },
        burst: { type: 'string' },
        drop: { type: 'string' },
        truncate: { type: 'string' },
        expire: { type: 'string' },
        'url-ttl': { type: 'string' },
        'assignments-per-task': { type: 'string' },
        'extra-projects': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (e) {
    err(`${(e as Error).message}\n${USAGE}`);
    return 2;
  }
  if (values['help'] === true) {
    out(USAGE);
    return 0;
  }
  const fromValues = values['from'];
  const from = Array.isArray(fromValues) ? fromValues : [];
  if (from.length === 0) {
    err(`--from is required\n${USAGE}`);
    return 2;
  }
  const num = (k: string): number | undefined => {
    const v = values[k];
    if (typeof v !== 'string') {
      return undefined;
    }
    const n = Number(v);
    if (!Number.isFinite(n)) {
      throw new Error(`--${k} must be a number`);
    }
    return n;
  };
  try {
    const faults: Record<string, number> = {};
    const map: [string, string][] = [
      ['latency', 'latencyMs'],
      ['rate-limit', 'rateLimit'],
      ['retry-after', 'retryAfterS'],
      ['server-error', 'serverError'],
      ['burst', 'burst'],
      ['drop', 'drop'],
      ['truncate', 'truncate'],
      ['expire', 'expire'],
      ['url-ttl', 'urlTtlMs'],
    ];
    for (const [flag, key] of map) {
      const v = num(flag);
      if (v !== undefined) {
        faults[key] = v;
      }
    }
    const port = num('port');
    const seed = num('seed');
    const apt = num('assignments-per-task');
    const extra = num('extra-projects');
    const fake = await startFakeSynapse({
      from: from.length === 1 ? (from[0] ?? '') : from,
      ...(typeof values['token'] === 'string' ? { token: values['token'] } : {}),
      ...(typeof values['tenant'] === 'string' ? { tenant: values['tenant'] } : {}),
      ...(port === undefined ? {} : { port }),
      ...(seed === undefined ? {} : { seed }),
      ...(apt === undefined ? {} : { assignmentsPerTask: apt }),
      ...(extra === undefined ? {} : { extraProjects: extra }),
      faults: faults,
    });
    out(fake.url);
    await new Promise<void>((resolve) => {
      const stop = (): void => {
        void fake.close().then(resolve);
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
    return 0;
  } catch (e) {
    err(`fake-synapse: ${(e as Error).message}`);
    return 1;
  }
}
