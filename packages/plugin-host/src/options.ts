import { SynxError } from '@synx/model';
import type { Format, StandardSchemaV1 } from '@synx/plugin-api';

/** What a `Format` needs for option parsing (any options type). */
type AnyOptionsFormat = Pick<Format<never>, 'id'> & { readonly options?: unknown };

/** A JSON Schema object (as far as synx reads one). */
export type JsonSchema = Readonly<Record<string, unknown>>;

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

function schemaOf(format: AnyOptionsFormat): StandardSchemaV1 | undefined {
  return format.options as StandardSchemaV1 | undefined;
}

/**
 * The JSON Schema of the options a format accepts (its input side), when its Standard Schema
 * also implements Standard JSON Schema v1 (`~standard.jsonSchema`, e.g. zod ≥ 4.2). `undefined`
 * when the format has no options, or its schema library cannot describe itself.
 */
export function optionsJsonSchema(format: AnyOptionsFormat): JsonSchema | undefined {
  const std = schemaOf(format)?.['~standard'] as
    | {
        jsonSchema?: { input?: (o: { target: string }) => Record<string, unknown> };
      }
    | undefined;
  const input = std?.jsonSchema?.input;
  if (typeof input !== 'function') {
    return undefined;
  }
  try {
    return input({ target: 'draft-2020-12' });
  } catch {
    return undefined;
  }
}

/** The option keys a JSON Schema names, or `undefined` when it admits any key. */
function keysOfJsonSchema(schema: JsonSchema): string[] | undefined {
  const props = schema['properties'];
  if (typeof props !== 'object' || props === null) {
    return undefined;
  }
  const extra = schema['additionalProperties'];
  if (extra !== undefined && extra !== false) {
    return undefined;
  }
  return Object.keys(props);
}

/**
 * The option keys a format accepts: from its JSON Schema when it has one, else the keys its
 * schema's output has for empty input (its defaults). `[]` for a format without options.
 */
export async function optionKeys(format: AnyOptionsFormat): Promise<string[]> {
  const schema = schemaOf(format);
  if (schema === undefined) {
    return [];
  }
  const json = optionsJsonSchema(format);
  const fromJson = json === undefined ? undefined : keysOfJsonSchema(json);
  if (fromJson !== undefined) {
    return fromJson;
  }
  const result = await schema['~standard'].validate({});
  return result.issues === undefined && typeof result.value === 'object' && result.value !== null
    ? Object.keys(result.value)
    : [];
}

function unknownKeyError(format: AnyOptionsFormat, unknown: string[], valid: string[]): SynxError {
  const which =
    unknown.length === 1
      ? `no option "${unknown[0]}"`
      : `no options ${unknown.map((k) => `"${k}"`).join(', ')}`;
  return new SynxError(
    'SYNX_INVALID_INPUT',
    `format ${format.id} has ${which}; ${valid.length === 0 ? 'it takes no options' : `its options are ${valid.join(', ')}`}`,
    {
      hint: `\`synx formats show ${format.id}\` lists its options, their values and flags`,
      details: { format: format.id, unknown, valid },
    },
  );
}

/**
 * Validates raw options with the format's Standard Schema (defaults applied). Strict: a key the
 * format does not take is an error naming the format, the key and the keys it takes (from the
 * schema's JSON Schema when it has one, else the keys of the validated output). A format without
 * an options schema accepts only an empty object.
 *
 * @throws SynxError `SYNX_INVALID_INPUT` naming the format, the option and the problem.
 */
export async function parseFormatOptions<O>(
  format: Pick<Format<O>, 'id' | 'options'>,
  raw: Readonly<Record<string, unknown>>,
): Promise<O> {
  const schema = format.options;
  const given = Object.keys(raw);
  if (schema === undefined) {
    if (given.length > 0) {
      throw unknownKeyError(format, given, []);
    }
    return {} as O;
  }
  const json = optionsJsonSchema(format);
  const declared = json === undefined ? undefined : keysOfJsonSchema(json);
  if (declared !== undefined) {
    const unknown = given.filter((k) => !declared.includes(k));
    if (unknown.length > 0) {
      throw unknownKeyError(format, unknown, declared);
    }
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
      hint: `\`synx formats show ${format.id}\` lists its options and their values`,
    });
  }
  if (declared === undefined) {
    // No key list: a key the validated output lacks was not taken.
    const value = result.value;
    const kept = typeof value === 'object' && value !== null ? Object.keys(value) : [];
    const unknown = given.filter((k) => !kept.includes(k));
    if (unknown.length > 0) {
      throw unknownKeyError(format, unknown, await optionKeys(format));
    }
  }
  return result.value;
}
