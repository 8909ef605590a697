import { SynxError } from '@synx/model';
import type { Format } from './format.js';

/**
 * Turns `key=value` strings (repeatable `--option` flags) into an object. A key given twice
 * becomes a list.
 *
 * @throws SynxError `SYNX_INVALID_INPUT` for a pair without `=`.
 */
export function parseOptionPairs(pairs: readonly string[]): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) {
      throw new SynxError('SYNX_INVALID_INPUT', `option "${pair}" is not key=value`, {
        hint: 'write format options as --option key=value',
      });
    }
    const key = pair.slice(0, eq).trim();
    const value = pair.slice(eq + 1);
    const prev = out[key];
    out[key] = prev === undefined ? value : Array.isArray(prev) ? [...prev, value] : [prev, value];
  }
  return out;
}

/**
 * Validates raw options with the format's Standard Schema (defaults applied). A format without
 * an options schema accepts only an empty object.
 *
 * @throws SynxError `SYNX_INVALID_INPUT` naming the format, the option and the problem.
 */
export async function parseFormatOptions<O>(
  format: Format<O>,
  raw: Readonly<Record<string, unknown>>,
): Promise<O> {
  const schema = format.options;
  if (schema === undefined) {
    const keys = Object.keys(raw);
    if (keys.length > 0) {
      throw new SynxError(
        'SYNX_INVALID_INPUT',
        `format ${format.id} takes no options (got ${keys.join(', ')})`,
      );
    }
    return {} as O;
  }
  const result = await schema['~standard'].validate(raw);
  if (result.issues !== undefined) {
    const text = result.issues
      .map((i) => {
        const path = (i.path ?? [])
          .map((p) => (typeof p === 'object' ? String(p.key) : String(p)))
          .join('.');
        return path === '' ? i.message : `${path}: ${i.message}`;
      })
      .join('; ');
    throw new SynxError('SYNX_INVALID_INPUT', `invalid options for format ${format.id}: ${text}`, {
      hint: `see \`synx formats list\` and the format's README for its options`,
    });
  }
  return result.value;
}
