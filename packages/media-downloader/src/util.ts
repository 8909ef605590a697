import { isAbsolute, relative, resolve, sep } from 'node:path';
import { hash32 } from '@synx/model';
import type { ChecksumAlgorithm } from './types.js';

/**
 * Exponential backoff with "equal jitter" derived from (key, failure): the step doubles from
 * `baseMs` up to `maxMs`, and the delay is drawn in [step/2, step) by a hash, so it is spread
 * across files yet repeatable.
 */
export function backoffDelay(key: string, failure: number, baseMs: number, maxMs: number): number {
  const step = Math.min(maxMs, baseMs * 2 ** Math.max(0, failure - 1));
  const u = hash32(`${key}#${failure}`, 0x5eed) / 2 ** 32;
  return Math.round(step / 2 + (u * step) / 2);
}

/** Parses a `Retry-After` header (delta seconds or an HTTP date) into milliseconds. */
export function parseRetryAfter(
  value: string | readonly string[] | undefined,
  now: number = Date.now(),
): number | undefined {
  const v = (typeof value === 'string' ? value : value?.[0])?.trim();
  if (v === undefined || v === '') {
    return undefined;
  }
  if (/^\d+(\.\d+)?$/.test(v)) {
    return Math.round(Number(v) * 1000);
  }
  const t = Date.parse(v);
  return Number.isNaN(t) ? undefined : Math.max(0, t - now);
}

/**
 * A URL safe to show: scheme, host and path; the query string (where signatures live), the
 * fragment and any user-info are dropped. `data:` URIs keep only their media type.
 */
export function redactUrl(raw: string): string {
  if (/^data:/i.test(raw)) {
    const comma = raw.indexOf(',');
    const head = comma < 0 ? raw.slice(0, 40) : raw.slice(0, Math.min(comma, 80));
    return `${head},…`;
  }
  try {
    const u = new URL(raw);
    return `${u.protocol}//${u.host}${u.pathname}${u.search === '' ? '' : '?…'}`;
  } catch {
    const cut = raw.search(/[?#]/);
    return cut < 0 ? raw : `${raw.slice(0, cut)}?…`;
  }
}

const URL_WITH_QUERY = /\b([a-z][a-z0-9+.-]*:\/\/[^\s?#'"<>]*)[?#][^\s'"<>]*/gi;

/**
 * Removes URL query strings and the given secrets (signatures, tokens) from text that leaves
 * the downloader: event messages, failure reasons, errors.
 */
export function scrub(text: string, secrets: Iterable<string> = []): string {
  let out = text.replace(URL_WITH_QUERY, '$1?…');
  for (const s of secrets) {
    if (s.length >= 6) {
      out = out.split(s).join('***');
    }
  }
  return out;
}

/** The secrets a URL carries: its query string and every query value of 6+ characters. */
export function urlSecrets(raw: string): string[] {
  const q = raw.indexOf('?');
  if (q < 0 || /^data:/i.test(raw)) {
    return [];
  }
  const query = raw.slice(q + 1).replace(/#.*$/s, '');
  const out = [query];
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
  return out.filter((s) => s.length >= 6).sort((a, b) => b.length - a.length);
}

/** Algorithm names accepted in `algo:hex` checksums. */
const ALGORITHM_NAMES: Readonly<Record<string, ChecksumAlgorithm>> = {
  md5: 'md5',
  sha1: 'sha1',
  'sha-1': 'sha1',
  sha256: 'sha256',
  'sha-256': 'sha256',
};

const LENGTHS: Readonly<Record<ChecksumAlgorithm, number>> = { md5: 32, sha1: 40, sha256: 64 };

/**
 * Normalises a job's checksum: lower-case hex plus its algorithm, given or inferred from the
 * hex length (32 md5, 40 sha1, 64 sha256). An `algo:` prefix is accepted. Returns an error text
 * when the checksum cannot be used.
 */
export function normalizeChecksum(
  checksum: string,
  algorithm: ChecksumAlgorithm | undefined,
): { algorithm: ChecksumAlgorithm; hex: string } | { error: string } {
  let text = checksum.trim().toLowerCase();
  let algo = algorithm;
  const m = /^([a-z0-9-]+)[:=]([0-9a-f]+)$/.exec(text);
  if (m?.[1] !== undefined && m[2] !== undefined) {
    const named = ALGORITHM_NAMES[m[1]];
    if (named === undefined) {
      return { error: `unsupported checksum algorithm "${m[1]}"` };
    }
    if (algo !== undefined && algo !== named) {
      return { error: `checksum says ${named} but checksumAlgorithm is ${algo}` };
    }
    algo = named;
    text = m[2];
  }
  if (!/^[0-9a-f]+$/.test(text)) {
    return { error: 'the checksum is not hexadecimal' };
  }
  if (algo === undefined) {
    algo =
      text.length === 32
        ? 'md5'
        : text.length === 40
          ? 'sha1'
          : text.length === 64
            ? 'sha256'
            : undefined;
    if (algo === undefined) {
      return {
        error: `cannot infer the checksum algorithm from ${text.length} hex digits (32, 40 or 64 expected)`,
      };
    }
  } else if (LENGTHS[algo] !== text.length) {
    return { error: `a ${algo} checksum has ${LENGTHS[algo]} hex digits, got ${text.length}` };
  }
  return { algorithm: algo, hex: text };
}

/** Resolves `dest` against `root`; undefined when it is not strictly inside `root`. */
export function resolveInside(root: string, dest: string): string | undefined {
  const abs = resolve(root, dest);
  const rel = relative(root, abs);
  if (rel === '' || rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)) {
    return undefined;
  }
  return abs;
}

/** True when `path` is `root` itself or inside it (both already resolved). */
export function isWithin(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel));
}
