import { Flags } from '@oclif/core';
import {
  readSynapseConfig,
  resolveCredentials,
  SynapseApiError,
  SynapseClient,
} from '@synx/client';
import { isSynxError } from '@synx/model';
import { SynxCommand } from '../lib/base.js';

/** Where a token came from, as a person would look for it. */
function tokenWhere(from: string, configPath: string): string {
  return from === 'flag' ? '--token' : from === 'env' ? 'SYNAPSE_ACCESS_TOKEN' : configPath;
}

interface Check {
  check: string;
  status: 'ok' | 'warn' | 'fail' | 'skip';
  detail: string;
}

export default class Doctor extends SynxCommand {
  static override summary = 'Check the Synapse configuration: config file, host, token.';
  static override description = `Checks, in order: ~/.synapse/config.json (present, valid, mode 0600), the host (GET /health/), and the token (GET agents/, as the Python synapse doctor does). Exits 1 when a check fails.`;
  static override examples = [
    '<%= config.bin %> doctor',
    '<%= config.bin %> doctor --host http://127.0.0.1:8000 --json',
  ];
  static override enableJsonFlag = true;
  static override flags = {
    host: Flags.string({
      description: 'Synapse host to check (default: SYNAPSE_HOST, config file).',
    }),
    token: Flags.string({
      description: 'Access token to check (default: SYNAPSE_ACCESS_TOKEN, config file).',
    }),
    config: Flags.string({ description: 'Config file to check (default ~/.synapse/config.json).' }),
  };

  async run(): Promise<{ ok: boolean; checks: Check[] }> {
    const { flags } = await this.parse(Doctor);
    const checks: Check[] = [];
    const configPath = flags.config;
    try {
      const cfg = await readSynapseConfig(...(configPath === undefined ? [] : [configPath]));
      if (cfg === undefined) {
        checks.push({
          check: 'config file',
          status: 'warn',
          detail: `${configPath ?? '~/.synapse/config.json'} does not exist: run \`synx login\` to write it (flags and SYNAPSE_* variables still work)`,
        });
      } else if ((cfg.mode & 0o077) !== 0) {
        checks.push({
          check: 'config file',
          status: 'warn',
          detail: `${cfg.path} is readable by others (mode ${cfg.mode.toString(8)}); run chmod 600 ${cfg.path}`,
        });
      } else {
        checks.push({ check: 'config file', status: 'ok', detail: `${cfg.path} (mode 600)` });
      }
    } catch (err) {
      const hint = isSynxError(err) && err.hint !== undefined ? ` (${err.hint})` : '';
      checks.push({
        check: 'config file',
        status: 'fail',
        detail: `${(err as Error).message}${hint}`,
      });
    }
    let creds;
    try {
      creds = await resolveCredentials({
        host: flags.host,
        token: flags.token,
        ...(configPath === undefined ? {} : { configPath }),
      });
    } catch (err) {
      checks.push({ check: 'credentials', status: 'fail', detail: (err as Error).message });
      return this.finish(checks);
    }
    const client = new SynapseClient({
      host: creds.host,
      token: creds.token,
      retry: { retries: 1 },
    });
    try {
      const health = await client.health();
      checks.push({
        check: 'host',
        status: health.ok ? 'ok' : 'warn',
        detail: `${creds.host} (from ${creds.hostFrom}) answered ${health.status} to /health/`,
      });
    } catch (err) {
      checks.push({
        check: 'host',
        status: 'fail',
        detail: isSynxError(err) ? err.message : String(err),
      });
      client.close();
      checks.push({ check: 'token', status: 'skip', detail: 'host unreachable' });
      return this.finish(checks);
    }
    if (creds.token === undefined) {
      checks.push({
        check: 'token',
        status: 'fail',
        detail:
          'no token: run `synx login` (writes ~/.synapse/config.json, which the Python synapse CLI reads too), give --token, or set SYNAPSE_ACCESS_TOKEN',
      });
    } else {
      try {
        await client.listAgents().count();
        checks.push({ check: 'token', status: 'ok', detail: `accepted (from ${creds.tokenFrom})` });
      } catch (err) {
        const status = err instanceof SynapseApiError ? err.status : undefined;
        checks.push({
          check: 'token',
          status: 'fail',
          detail:
            status === 401
              ? `invalid or expired (401): the token from ${tokenWhere(creds.tokenFrom, creds.configPath)}; run \`synx login\` with a new one`
              : status === 403
                ? 'valid but lacks permissions (403)'
                : (err as Error).message,
        });
      }
    }
    client.close();
    return this.finish(checks);
  }

  private finish(checks: Check[]): { ok: boolean; checks: Check[] } {
    const ok = checks.every((c) => c.status !== 'fail');
    if (!this.jsonEnabled()) {
      const mark = { ok: '✔', warn: '!', fail: '✘', skip: '-' } as const;
      for (const c of checks) {
        this.log(`${mark[c.status]} ${c.check.padEnd(12)} ${c.detail}`);
      }
    }
    if (!ok) {
      process.exitCode = 1;
    }
    return { ok, checks };
  }
}
