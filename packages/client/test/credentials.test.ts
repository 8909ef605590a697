import { mkdirSync, statSync, writeFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  normalizeHost,
  readSynapseConfig,
  resolveCredentials,
  writeSynapseConfig,
} from '../src/index.js';
import { tempDir } from './helpers.js';

const home = tempDir('client-home');
const configPath = join(home, '.synapse', 'config.json');

describe('credentials: flags, then environment, then ~/.synapse/config.json', () => {
  it('falls back to the default host and no token', async () => {
    const r = await resolveCredentials({ env: {}, configPath: join(home, 'none.json') });
    expect(r).toMatchObject({
      host: 'https://api.synapse.sh',
      token: undefined,
      hostFrom: 'default',
      tokenFrom: 'none',
    });
  });

  it('reads the file the Python CLI writes', async () => {
    mkdirSync(join(home, '.synapse'), { recursive: true });
    writeFileSync(
      configPath,
      JSON.stringify({
        host: 'https://file.example',
        access_token: 'file-token',
        agent: { id: 3 },
      }),
    );
    const r = await resolveCredentials({ env: {}, configPath });
    expect(r).toMatchObject({
      host: 'https://file.example',
      token: 'file-token',
      hostFrom: 'config',
      tokenFrom: 'config',
    });
  });

  it('environment beats the file, flags beat both', async () => {
    const env = { SYNAPSE_HOST: 'env.example', SYNAPSE_ACCESS_TOKEN: 'env-token' };
    expect(await resolveCredentials({ env, configPath })).toMatchObject({
      host: 'https://env.example',
      token: 'env-token',
      hostFrom: 'env',
    });
    expect(
      await resolveCredentials({
        env,
        configPath,
        host: 'http://flag.example/',
        token: 'flag-token',
      }),
    ).toMatchObject({
      host: 'http://flag.example',
      token: 'flag-token',
      hostFrom: 'flag',
      tokenFrom: 'flag',
    });
  });

  it('understands the MCP environments layout', async () => {
    const p = join(home, 'mcp.json');
    writeFileSync(
      p,
      JSON.stringify({
        default_environment: 'prod',
        environments: { prod: { backend_url: 'https://mcp.example', access_token: 'mcp' } },
      }),
    );
    expect(await resolveCredentials({ env: {}, configPath: p })).toMatchObject({
      host: 'https://mcp.example',
      token: 'mcp',
    });
  });

  it('writes the config with mode 0600, keeping other keys', async () => {
    await writeSynapseConfig({ access_token: 'new-token' }, configPath);
    expect(statSync(configPath).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(configPath, 'utf8'))).toEqual({
      host: 'https://file.example',
      access_token: 'new-token',
      agent: { id: 3 },
    });
    expect((await readSynapseConfig(configPath))?.mode).toBe(0o600);
  });

  it('rejects a config that is not a JSON object', async () => {
    const p = join(home, 'bad.json');
    writeFileSync(p, '[1,2]');
    await expect(readSynapseConfig(p)).rejects.toMatchObject({ code: 'SYNX_CONFIG' });
    writeFileSync(p, '{oops');
    await expect(resolveCredentials({ env: {}, configPath: p })).rejects.toMatchObject({
      code: 'SYNX_CONFIG',
    });
  });

  it('normalises hosts', () => {
    expect(normalizeHost('api.synapse.sh/')).toBe('https://api.synapse.sh');
    expect(normalizeHost('http://127.0.0.1:8000')).toBe('http://127.0.0.1:8000');
  });
});
