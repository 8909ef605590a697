import { homedir } from 'node:os';
import { sep } from 'node:path';
import { Flags } from '@oclif/core';
import {
  checkHost,
  defaultConfigPath,
  login,
  resolveCredentials,
  type LoginResult,
} from '@synx/client';
import { SynxError } from '@synx/model';
import { SynxCommand } from '../lib/base.js';
import { exitCodesHelp } from '../lib/exit-codes.js';

/** What `synx login --json` prints (never the token). */
interface LoginOutput {
  host: string;
  configPath: string;
  mode: '0600';
  verified: boolean;
  via?: string;
  user?: { id?: string | number; email?: string; name?: string };
}

/** The largest token read from stdin (a token is a few hundred bytes at most). */
const MAX_STDIN = 64 * 1024;

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of process.stdin) {
    const b = chunk as Buffer;
    size += b.length;
    if (size > MAX_STDIN) {
      throw new SynxError(
        'SYNX_INVALID_INPUT',
        `--token-stdin read more than ${String(MAX_STDIN)} bytes`,
        {
          hint: 'pipe only the token, e.g. `printf %s "$TOKEN" | synx login --token-stdin`',
        },
      );
    }
    chunks.push(b);
  }
  return Buffer.concat(chunks).toString('utf8').trim();
}

/** `~/…` for a path under the home directory. */
function shown(path: string): string {
  const home = homedir();
  return path.startsWith(home + sep) ? `~${path.slice(home.length)}` : path;
}

/** An inquirer prompt closed with Ctrl-C (or its input ended) becomes an interruption. */
function promptError(err: unknown): unknown {
  const name = err instanceof Error ? err.name : '';
  return name === 'ExitPromptError' || name === 'AbortPromptError'
    ? new SynxError('SYNX_ABORTED', 'interrupted (Ctrl-C); nothing was written')
    : err;
}

export default class Login extends SynxCommand {
  static override summary = 'Store a Synapse host and access token in ~/.synapse/config.json.';
  static override description = `Asks for the host and the access token (the token is not shown while you type), checks the token against the server (GET users/me/, else agents/), and only then writes ~/.synapse/config.json with mode 0600: the file the Python synapse CLI reads, so both use the same login. Keys of that file synx does not know (agent, environments, …) are kept; a file that is not valid JSON is left alone and reported.

Without a terminal, give the token with --token or on stdin with --token-stdin.

Exits 0 once the file is written.

${exitCodesHelp([2, 3, 5, 9, 130])}`;
  static override examples = [
    '<%= config.bin %> login',
    '<%= config.bin %> login --host https://synapse.example.com',
    'printf %s "$SYNAPSE_TOKEN" | <%= config.bin %> login --host https://synapse.example.com --token-stdin',
  ];
  static override enableJsonFlag = true;
  static override flags = {
    host: Flags.string({
      description:
        'Synapse host (default: SYNAPSE_HOST, the config file, https://api.synapse.sh; asked when a terminal is attached).',
    }),
    token: Flags.string({
      description:
        'Access token (not asked then). Prefer --token-stdin: a flag shows in the process list.',
      exclusive: ['token-stdin'],
    }),
    'token-stdin': Flags.boolean({
      description: 'Read the access token from stdin (like `docker login --password-stdin`).',
      exclusive: ['token'],
    }),
    verify: Flags.boolean({
      description:
        'Check the token against the server before storing it (--no-verify: store it as given).',
      default: true,
      allowNo: true,
    }),
    config: Flags.string({ description: 'Config file to write (default ~/.synapse/config.json).' }),
  };

  async run(): Promise<LoginOutput> {
    const { flags } = await this.parse(Login);
    const configPath = flags.config ?? defaultConfigPath();
    // Reads the existing file too: an invalid one is reported before anything is asked.
    const current = await resolveCredentials({ configPath, host: flags.host });
    let host = current.host;
    let token: string;
    if (flags.token !== undefined) {
      token = flags.token.trim();
    } else if (flags['token-stdin']) {
      token = await readStdin();
      if (token === '') {
        throw new SynxError('SYNX_MISSING_INPUT', '--token-stdin read no token from stdin', {
          hint: 'pipe the token, e.g. `printf %s "$TOKEN" | synx login --token-stdin`',
        });
      }
    } else if (!process.stdin.isTTY) {
      throw new SynxError(
        'SYNX_MISSING_INPUT',
        'no access token: stdin is not a terminal, so it cannot be asked for',
        { hint: 'give it with --token TOKEN, or pipe it with --token-stdin' },
      );
    } else {
      // Loaded only here: other commands, and login with --token, do not pay for the prompts.
      const { input, password } = await import('@inquirer/prompts');
      try {
        if (flags.host === undefined) {
          host = checkHost(
            await input({
              message: 'Synapse host',
              default: host,
              validate: (value) => {
                try {
                  checkHost(value);
                  return true;
                } catch (err) {
                  return (err as Error).message;
                }
              },
            }),
          );
        }
        token = (
          await password({
            message: `Access token for ${host}`,
            validate: (value) => (value.trim() === '' ? 'the token is empty' : true),
          })
        ).trim();
      } catch (err) {
        throw promptError(err);
      }
    }
    const result = await login({
      host,
      token,
      verify: flags.verify,
      configPath,
      client: { retry: { retries: 1 }, userAgent: `synx/${this.config.version}` },
    });
    this.report(result);
    return output(result);
  }

  private report(r: LoginResult): void {
    if (this.jsonEnabled()) {
      return;
    }
    const user = r.check?.user;
    const who =
      r.check === undefined
        ? ' (token not checked: --no-verify)'
        : user === undefined
          ? ' (token accepted)'
          : ` as ${user.email ?? user.name ?? `user ${String(user.id ?? '?')}`}`;
    this.log(`saved to ${shown(r.configPath)} (mode 0600) for ${r.host}${who}`);
  }
}

function output(r: LoginResult): LoginOutput {
  const user = r.check?.user;
  return {
    host: r.host,
    configPath: r.configPath,
    mode: '0600',
    verified: r.check !== undefined,
    ...(r.check === undefined ? {} : { via: r.check.via }),
    ...(user === undefined
      ? {}
      : {
          user: {
            ...(user.id === undefined ? {} : { id: user.id }),
            ...(typeof user.email === 'string' ? { email: user.email } : {}),
            ...(typeof user.name === 'string' ? { name: user.name } : {}),
          },
        }),
  };
}
