import { Flags } from '@oclif/core';
import type { AuthScheme, SynapseClient } from '@synx/client';
import { SynxError } from '@synx/model';
import type { WizardBackend } from './wizard.js';

/** The flags of every command that talks to Synapse (no client loaded to declare them). */
export const connectionFlags = {
  host: Flags.string({
    description:
      'Synapse host (default: SYNAPSE_HOST, ~/.synapse/config.json, https://api.synapse.sh).',
  }),
  token: Flags.string({
    description: 'Access token (default: SYNAPSE_ACCESS_TOKEN, ~/.synapse/config.json).',
  }),
  auth: Flags.string({
    options: ['sdk', 'access-token', 'drf'],
    default: 'sdk',
    description: 'How the token is sent.',
  }),
  tenant: Flags.string({ description: 'Workspace (tenant) code, for --auth drf.' }),
};

/** Credentials and client options the commands that talk to Synapse share. */
export interface ConnectFlags {
  readonly host?: string | undefined;
  readonly token?: string | undefined;
  readonly auth?: string | undefined;
  readonly tenant?: string | undefined;
}

/** The hint every "no or bad token" error carries. */
export const LOGIN_HINT =
  'run `synx login` to store a token (or give --token / SYNAPSE_ACCESS_TOKEN); `synx doctor` checks the setup';

/**
 * Host and token as flags, SYNAPSE_HOST / SYNAPSE_ACCESS_TOKEN or ~/.synapse/config.json give
 * them. No token is an auth problem (exit 3), named with how to fix it.
 */
export async function resolveConnection(
  flags: ConnectFlags,
): Promise<{ host: string; token: string; auth: AuthScheme; tenant: string | undefined }> {
  const { resolveCredentials } = await import('@synx/client');
  const creds = await resolveCredentials({ host: flags.host, token: flags.token });
  if (creds.token === undefined) {
    throw new SynxError('SYNX_AUTH', `no access token for ${creds.host}`, { hint: LOGIN_HINT });
  }
  return {
    host: creds.host,
    token: creds.token,
    auth: (flags.auth ?? 'sdk') as AuthScheme,
    tenant: flags.tenant,
  };
}

/** The wizard's view of a Synapse backend. */
export async function wizardBackend(client: SynapseClient): Promise<WizardBackend> {
  const { ProjectCatalog, findGroundTruthVersions } = await import('@synx/client');
  const catalog = new ProjectCatalog(client, { perPage: 100 });
  return {
    host: client.host,
    findProjects: async (term, want) => {
      const found = await catalog.find(term, want);
      return {
        projects: found.projects.map((p) => ({
          id: p.id,
          title: p.title,
          category: p.category,
          items: p.task_count,
        })),
        more: !found.exhausted,
      };
    },
    checkProject: async (id) => {
      const p = await client.getProject(id);
      return { id: p.id, title: p.title, category: p.category };
    },
    groundTruth: async () => {
      const datasets = await findGroundTruthVersions(client, {});
      return datasets.map((d) => ({
        id: d.id,
        name: d.name ?? `dataset ${String(d.id)}`,
        versions: d.versions.map((v) => ({
          id: v.id,
          version: v.version,
          ...(v.items === undefined ? {} : { items: v.items }),
          created: v.created,
          archived: v.archived,
        })),
      }));
    },
    checkGroundTruthVersion: (id) => client.getGroundTruthVersion(id),
  };
}
