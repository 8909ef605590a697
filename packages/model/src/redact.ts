/**
 * Redaction of URLs and secrets: the one helper for every URL or message that reaches output,
 * logs, errors or the manifest. Signed media URLs carry their signature in the query string, and
 * a URL may carry `user:password@` credentials; neither may leave synx.
 */

/**
 * A URL safe to show: scheme, host and path. User-info (`user:token@`) and the fragment are
 * dropped; a query string (where signatures live) becomes `?…`. `data:` URIs keep only their
 * media type. Text that is not a URL is cut at its first `?` or `#`, and anything before an `@`
 * in what looks like its authority is dropped.
 */
export function redactUrl(raw: string): string {
  if (/^data:/i.test(raw)) {
    const comma = raw.indexOf(',');
    const head = comma < 0 ? raw.slice(0, 40) : raw.slice(0, Math.min(comma, 80));
    return `${head},…`;
  }
  try {
    const u = new URL(raw);
    if (u.protocol === 'http:' || u.protocol === 'https:' || u.host !== '') {
      // `new URL` adds a "/" path to a bare host: keep the URL as it was written.
      const path =
        u.pathname === '/' && !/^[a-z][a-z0-9+.-]*:\/\/[^/?#]*\//i.test(raw) ? '' : u.pathname;
      return `${u.protocol}//${u.host}${path}${u.search === '' ? '' : '?…'}`;
    }
  } catch {
    // not a URL: cut it by hand below
  }
  const cut = raw.search(/[?#]/);
  const head = cut < 0 ? raw : `${raw.slice(0, cut)}?…`;
  return head.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/@]*@/i, '$1');
}

/**
 * Whether a URL carries user-info (`user@` or `user:password@`): credentials that would be
 * printed, stored and sent as Basic auth if the URL were used as given.
 */
export function hasUserInfo(raw: string): boolean {
  try {
    const u = new URL(raw);
    return u.username !== '' || u.password !== '';
  } catch {
    return /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*@/i.test(raw);
  }
}

// A URL with a query string, a fragment or user-info inside free text.
const URL_IN_TEXT = /\b[a-z][a-z0-9+.-]*:\/\/[^\s'"<>]*/gi;

/**
 * Text safe to show: every URL in it redacted (see {@link redactUrl}) and every given secret
 * (a token, a signature) of four or more characters replaced by `***`.
 */
export function redactText(text: string, secrets: Iterable<string> = []): string {
  let out = text.replace(URL_IN_TEXT, (url) =>
    /[?#@]/.test(url) ? redactUrl(url.replace(/[).,;:]+$/, '')) + trailing(url) : url,
  );
  const list = [...secrets].filter((s) => s.length >= 4).sort((a, b) => b.length - a.length);
  for (const s of list) {
    out = out.split(s).join('***');
  }
  return out;
}

function trailing(url: string): string {
  return /[).,;:]+$/.exec(url)?.[0] ?? '';
}

/** The secrets a URL carries: user-info, the query string, and every query value of 6+ characters. */
export function urlSecrets(raw: string): string[] {
  if (/^data:/i.test(raw)) {
    return [];
  }
  const out: string[] = [];
  const credentials: string[] = [];
  try {
    const u = new URL(raw);
    for (const part of [u.username, u.password]) {
      credentials.push(part);
      try {
        credentials.push(decodeURIComponent(part));
      } catch {
        // not percent-encoded
      }
    }
  } catch {
    // not a URL: the query scan below still applies
  }
  const q = raw.indexOf('?');
  if (q >= 0) {
    const query = raw.slice(q + 1).replace(/#.*$/s, '');
    out.push(query);
    for (const part of query.split('&')) {
      const eq = part.indexOf('=');
      const value = eq < 0 ? part : part.slice(eq + 1);
      out.push(value);
      try {
        out.push(decodeURIComponent(value.replace(/\+/g, ' ')));
      } catch {
        // not percent-encoded text: the raw value is enough
      }
    }
  }
  return [
    ...new Set([...credentials.filter((s) => s.length >= 4), ...out.filter((s) => s.length >= 6)]),
  ].sort((a, b) => b.length - a.length);
}
