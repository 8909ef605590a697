import { SynapseClient } from '@synx/client';
import { resolveConnection, type ConnectFlags } from './backend.js';

export { connectionFlags } from './backend.js';
import { debugLogger } from './base.js';

/**
 * A client for the host and token the flags, `SYNAPSE_*` variables or `~/.synapse/config.json`
 * give (as `synx export` resolves them).
 *
 * @throws SynxError `SYNX_AUTH` when there is no token (hint: `synx login`, `synx doctor`).
 */
export async function connect(flags: ConnectFlags, scope: string): Promise<SynapseClient> {
  const c = await resolveConnection(flags);
  return new SynapseClient({
    host: c.host,
    token: c.token,
    auth: c.auth,
    tenant: c.tenant,
    logger: debugLogger(scope),
  });
}

/** Text from a server, safe for one line of a terminal: control characters become spaces. */
export function oneLine(text: string): string {
  // eslint-disable-next-line no-control-regex -- control characters are exactly what must go
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, ' ');
}

/** The date of an ISO 8601 time (`2025-01-15`), or the text as given. */
export function dateOf(value: string | null | undefined): string {
  if (value === null || value === undefined) {
    return '';
  }
  const m = /^(\d{4}-\d\d-\d\d)/.exec(value);
  return m?.[1] ?? oneLine(value);
}

/** Columns padded to their widest cell (the last one not padded). */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)];
}
