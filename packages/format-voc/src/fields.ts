import type { JsonObject, JsonValue } from '@synx/model';
import { VOC_FIELDS, type VocField } from './options.js';

/** The VOC flags of one object and the attributes left for `<attributes>`. */
export interface VocFields {
  readonly pose: string;
  readonly truncated: 0 | 1;
  readonly difficult: 0 | 1;
  readonly occluded: 0 | 1;
  readonly rest: { readonly name: string; readonly value: string }[];
}

const TRUE_WORDS = new Set(['true', 'yes', 'y', 'on']);
const FALSE_WORDS = new Set(['false', 'no', 'n', 'off', '']);

/** True when a value reads plainly as a flag (so nothing is lost by writing 0 or 1). */
function isFlagLike(value: JsonValue | undefined): boolean {
  if (value === undefined || value === null || typeof value === 'boolean') {
    return true;
  }
  if (typeof value === 'number') {
    return value === 0 || value === 1;
  }
  if (typeof value === 'string') {
    const s = value.trim().toLowerCase();
    return TRUE_WORDS.has(s) || FALSE_WORDS.has(s) || s === '0' || s === '1';
  }
  return Array.isArray(value) && value.length <= 1 && isFlagLike(value[0]);
}

/** A VOC 0/1 flag: `true`, non-zero numbers, `"1"`, `"true"`, `"yes"` → 1; anything else → 0. */
export function flagOf(value: JsonValue | undefined): 0 | 1 {
  if (value === true) {
    return 1;
  }
  if (typeof value === 'number') {
    return value !== 0 && Number.isFinite(value) ? 1 : 0;
  }
  if (typeof value === 'string') {
    const s = value.trim().toLowerCase();
    if (TRUE_WORDS.has(s)) {
      return 1;
    }
    const n = Number(s);
    return s !== '' && Number.isFinite(n) && n !== 0 ? 1 : 0;
  }
  if (Array.isArray(value) && value.length === 1) {
    return flagOf(value[0]);
  }
  return 0;
}

/** Attribute text: strings as they are, anything else as JSON. */
export function attributeText(value: JsonValue): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/**
 * Splits an object's attributes into the VOC fields and the rest. A field comes from the
 * attribute `mapping[field]` names, else from the attribute named like the field; names match
 * case-insensitively (the first match in attribute order wins). Missing fields default to
 * `Unspecified` / 0. A flag value that is not a plain yes/no is also kept in `rest` under its
 * own name, so nothing is lost.
 */
export function vocFieldsOf(
  attributes: JsonObject,
  mapping: Readonly<Partial<Record<VocField, string>>>,
): VocFields {
  const keys = Object.keys(attributes);
  const lower = keys.map((k) => k.toLowerCase());
  const used = new Set<string>();
  const found = new Map<VocField, string>();
  // Mapped fields first, so a mapping to another field's name takes that attribute.
  const order = [...VOC_FIELDS].sort(
    (a, b) => (mapping[a] === undefined ? 1 : 0) - (mapping[b] === undefined ? 1 : 0),
  );
  for (const field of order) {
    for (const name of [mapping[field], field]) {
      const key = name === undefined ? undefined : keys[lower.indexOf(name.toLowerCase())];
      if (key !== undefined && !used.has(key)) {
        used.add(key);
        found.set(field, key);
        break;
      }
    }
  }
  const value = (field: VocField): JsonValue | undefined => {
    const key = found.get(field);
    return key === undefined ? undefined : attributes[key];
  };
  const pose = value('pose');
  const poseText =
    pose === undefined || pose === null || pose === '' ? 'Unspecified' : attributeText(pose);
  // A flag whose value is not a plain yes/no (e.g. "partly") also stays in <attributes>.
  const keep = (k: string): boolean => {
    if (!used.has(k)) {
      return true;
    }
    const field = VOC_FIELDS.find((f) => found.get(f) === k);
    return field !== undefined && field !== 'pose' && !isFlagLike(attributes[k]);
  };
  const rest = keys
    .filter(keep)
    .map((k) => ({ name: k, value: attributeText(attributes[k] as JsonValue) }));
  return {
    pose: poseText,
    truncated: flagOf(value('truncated')),
    difficult: flagOf(value('difficult')),
    occluded: flagOf(value('occluded')),
    rest,
  };
}
