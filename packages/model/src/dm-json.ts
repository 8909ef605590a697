import { SynxError } from './errors.js';

const NON_FINITE = /NaN|-?Infinity/y;

/**
 * Parses DM v1 JSON text. Python's `json.dump` (used by Synapse's exporter) writes `NaN`,
 * `Infinity` and `-Infinity` as bare tokens, which `JSON.parse` rejects; this parser turns them
 * into the strings `"NaN"`, `"Infinity"`, `"-Infinity"` so the converter can report the exact
 * field instead of losing the whole item.
 *
 * @throws SynxError `SYNX_INVALID_INPUT` when the text is not JSON even with that allowance.
 */
export function parseDmJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (first) {
    const patched = quoteNonFiniteTokens(text);
    if (patched !== text) {
      try {
        return JSON.parse(patched) as unknown;
      } catch {
        // fall through to the original error
      }
    }
    throw new SynxError(
      'SYNX_INVALID_INPUT',
      `${what} is not valid JSON: ${(first as Error).message}`,
      {
        cause: first,
      },
    );
  }
}

/** Quotes bare NaN / Infinity / -Infinity tokens that stand outside strings. */
export function quoteNonFiniteTokens(text: string): string {
  let out = '';
  let last = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) {
        i++;
      } else if (c === 0x22) {
        inString = false;
      }
      continue;
    }
    if (c === 0x22) {
      inString = true;
      continue;
    }
    if (c === 0x4e || c === 0x49 || c === 0x2d) {
      NON_FINITE.lastIndex = i;
      const m = NON_FINITE.exec(text);
      if (m !== null) {
        out += `${text.slice(last, i)}"${m[0]}"`;
        i += m[0].length - 1;
        last = i + 1;
      }
    }
  }
  return last === 0 ? text : out + text.slice(last);
}

/**
 * Sets `obj[key] = value` as an own, enumerable property, also for the key `__proto__` (which a
 * plain assignment turns into a prototype change, losing the value: DM data may hold an
 * attribute of that name).
 */
export function putKey<T>(obj: Record<string, T>, key: string, value: T): void {
  if (key === '__proto__') {
    Object.defineProperty(obj, key, {
      value,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  } else {
    obj[key] = value;
  }
}
