import { SynxError } from '@synx/model';
import type { FlagAlias } from './manifest.js';
import type { FormatEntry, FormatRegistry } from './registry.js';

/** A format flag as one format's manifest declares it. */
export interface FormatFlag extends FlagAlias {
  readonly flag: string;
  /** The format that declares it (`id`, and `<package>:<id>`). */
  readonly format: string;
  readonly qualified: string;
}

/** The flags a format's manifest declares, minus those that a command already defines. */
export function formatFlags(
  entry: FormatEntry,
  reserved: ReadonlySet<string> = new Set(),
): FormatFlag[] {
  return Object.entries(entry.flags ?? {})
    .filter(([flag]) => !reserved.has(flag))
    .map(([flag, alias]) => ({ ...alias, flag, format: entry.id, qualified: entry.qualified }));
}

/** Options a set of format flag values stands for (`{ 'yolo-task': 'pose' }` → `{ task: 'pose' }`). */
export function flagOptions(
  entry: FormatEntry,
  values: Readonly<Record<string, unknown>>,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of formatFlags(entry)) {
    const v = values[f.flag];
    if (v !== undefined) {
      out[f.option] = v;
    }
  }
  return out;
}

/** The value of `--format`/`-f` in raw argv (the last one given), if any. */
export function formatArg(argv: readonly string[]): string | undefined {
  let found: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] ?? '';
    if (a === '--') {
      break;
    }
    if (a === '--format' || a === '-f') {
      found = argv[i + 1];
      i++;
    } else if (a.startsWith('--format=')) {
      found = a.slice('--format='.length);
    } else if (a.startsWith('-f') && a.length > 2 && !a.startsWith('--')) {
      found = a.slice(2).replace(/^=/, '');
    }
  }
  return found;
}

/**
 * Rewrites the chosen format's flags in raw argv into `--option <option>=<value>`, before the
 * command parses it: `--yolo-task pose` and `--yolo-task=pose` become `--option task=pose`. The
 * flags come from manifests (no format code is imported). Flags named in `reserved` (the
 * command's own) are left alone.
 *
 * @throws SynxError `SYNX_INVALID_INPUT` for a flag of another format than the chosen one (naming
 * the format it belongs to), or a format flag without `--format`, or without a value.
 */
export function translateFormatFlags(
  argv: readonly string[],
  registry: FormatRegistry,
  reserved: ReadonlySet<string>,
): string[] {
  const byFlag = new Map<string, FormatFlag[]>();
  for (const e of registry.all()) {
    for (const f of formatFlags(e, reserved)) {
      byFlag.set(f.flag, [...(byFlag.get(f.flag) ?? []), f]);
    }
  }
  if (byFlag.size === 0) {
    return [...argv];
  }
  const chosenName = formatArg(argv);
  const chosen = chosenName === undefined ? undefined : registry.entry(chosenName);
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] ?? '';
    if (a === '--') {
      out.push(...argv.slice(i));
      break;
    }
    const m = /^--([a-z0-9][a-z0-9-]*)(?:=(.*))?$/s.exec(a);
    const owners = m === null ? undefined : byFlag.get(m[1] ?? '');
    if (m === null || owners === undefined) {
      out.push(a);
      continue;
    }
    const flag = m[1] ?? '';
    let value = m[2];
    if (value === undefined) {
      value = argv[i + 1];
      i++;
    }
    const mine =
      chosen === undefined ? undefined : owners.find((o) => o.qualified === chosen.qualified);
    if (mine === undefined) {
      const of = owners.map((o) => `--format ${o.format}`).join(' or ');
      throw new SynxError(
        'SYNX_INVALID_INPUT',
        chosenName === undefined
          ? `--${flag} is a flag of ${of}: give --format too`
          : `--${flag} applies to ${of}, not ${chosenName}`,
        {
          hint: `\`synx formats show ${chosenName ?? owners[0]?.format ?? '<id>'}\` lists the flags of a format`,
        },
      );
    }
    if (value === undefined || (m[2] === undefined && value.startsWith('-') && value.length > 1)) {
      throw new SynxError('SYNX_INVALID_INPUT', `--${flag} needs a value`, {
        hint: `\`synx formats show ${mine.format}\` lists its values`,
      });
    }
    out.push('--option', `${mine.option}=${value}`);
  }
  return out;
}
