import type { SynxErrorCode } from '@synx/model';

/** One exit code of the CLI: its number, a short name, and what it means. */
export interface ExitCodeEntry {
  readonly code: number;
  readonly name: string;
  readonly meaning: string;
}

/**
 * Every exit code of the CLI, in order: the single source of their texts (`exitCodesHelp()` in
 * command descriptions, the table in docs/exit-codes.md, which a test keeps in sync).
 */
export const EXIT_CODE_TABLE: readonly ExitCodeEntry[] = [
  {
    code: 0,
    name: 'complete',
    meaning:
      'complete: every annotation was written, converted, or dropped by a documented rule (warnings only)',
  },
  {
    code: 1,
    name: 'unexpected',
    meaning: 'a bug in synx (an invariant did not hold); for `synx doctor`: a check failed',
  },
  {
    code: 2,
    name: 'invalid-input',
    meaning:
      'invalid or missing input: flags, class map, config file, unknown format, server-side validation, a value that cannot be asked for without a terminal',
  },
  {
    code: 3,
    name: 'auth',
    meaning: 'no access token, or the token was rejected (401) or lacks permission (403)',
  },
  {
    code: 4,
    name: 'not-found',
    meaning: 'the project, version or object does not exist (404)',
  },
  {
    code: 5,
    name: 'network',
    meaning: 'network, timeout, server error or rate limit after all retries',
  },
  {
    code: 6,
    name: 'strict',
    meaning: '`--strict` and an item had an error',
  },
  {
    code: 7,
    name: 'not-supported',
    meaning: 'a feature that is not available (yet) was asked for',
  },
  {
    code: 8,
    name: 'plugin',
    meaning:
      'a format plugin is invalid, needs another plugin API, claims a format another plugin has, or failed while writing',
  },
  {
    code: 9,
    name: 'file-system',
    meaning:
      'a file could not be read or written: disk full, permission denied, read-only file system, too many open files',
  },
  {
    code: 10,
    name: 'incomplete',
    meaning:
      'incomplete: the export finished, but something did not reach the output (listed in the report and synx-issues.jsonl); run it again to retry',
  },
  {
    code: 11,
    name: 'nothing-to-export',
    meaning:
      'nothing to export: the source or its filter matched no items, or nothing the chosen format can hold',
  },
  {
    code: 130,
    name: 'interrupted',
    meaning: 'interrupted (Ctrl-C)',
  },
];

/**
 * The CLI's exit codes, by error code (the only place that maps them; each is a code of
 * {@link EXIT_CODE_TABLE}). 0 is success; 1 is anything unexpected.
 */
export const EXIT_CODES: Readonly<Record<SynxErrorCode, number>> = {
  SYNX_INVALID_INPUT: 2,
  SYNX_MISSING_INPUT: 2,
  SYNX_CONFIG: 2,
  SYNX_VALIDATION: 2,
  SYNX_UNKNOWN_FORMAT: 2,
  SYNX_AUTH: 3,
  SYNX_PERMISSION: 3,
  SYNX_NOT_FOUND: 4,
  SYNX_NETWORK: 5,
  SYNX_TIMEOUT: 5,
  SYNX_SERVER: 5,
  SYNX_RATE_LIMITED: 5,
  SYNX_HTTP: 5,
  SYNX_STRICT: 6,
  SYNX_NOT_SUPPORTED: 7,
  SYNX_PLUGIN_INVALID: 8,
  SYNX_PLUGIN_API_MISMATCH: 8,
  SYNX_PLUGIN_FAILED: 8,
  SYNX_FORMAT_CONFLICT: 8,
  SYNX_IO: 9,
  SYNX_NOTHING_TO_EXPORT: 11,
  SYNX_ABORTED: 130,
  SYNX_INTERNAL: 1,
};

/**
 * The export finished but is incomplete: error issues say what did not reach the output — an
 * item that could not be read, an annotation with invalid geometry, an image whose size could
 * not be read, a media file not saved (listed in the report, `synx-export.json` and
 * `synx-issues.jsonl`). A rerun retries what failed for a passing reason (network, media) and
 * skips what is done; problems in the data stay until the data is fixed.
 */
export const EXIT_INCOMPLETE = 10;

/**
 * The exit codes as a text block for a command's description:
 *
 * ```
 * EXIT CODES
 * 0  complete: every annotation was written, …
 * 2  invalid or missing input: …
 * ```
 *
 * @param only the codes to list (in table order); default all.
 */
export function exitCodesHelp(only?: readonly number[]): string {
  const rows = EXIT_CODE_TABLE.filter((e) => only === undefined || only.includes(e.code));
  return ['EXIT CODES', ...rows.map((e) => `${String(e.code)}  ${e.meaning}`)].join('\n');
}

/** The error codes that exit with `code`, in the order of {@link EXIT_CODES}. */
export function errorCodesOf(code: number): SynxErrorCode[] {
  return (Object.entries(EXIT_CODES) as [SynxErrorCode, number][])
    .filter(([, exit]) => exit === code)
    .map(([errorCode]) => errorCode);
}

/**
 * The table of docs/exit-codes.md (between its `exit-codes:table` markers), from
 * {@link EXIT_CODE_TABLE} and {@link EXIT_CODES}: `node tools/exit-codes-doc.mjs` writes it, a
 * test fails when the document differs.
 */
export function exitCodesMarkdown(): string {
  const lines = ['| exit | name | meaning | error codes |', '|---|---|---|---|'];
  for (const e of EXIT_CODE_TABLE) {
    const codes = errorCodesOf(e.code);
    const cell = codes.length === 0 ? '—' : codes.map((c) => `\`${c}\``).join(', ');
    lines.push(`| ${String(e.code)} | ${e.name} | ${e.meaning.replaceAll('|', '\\|')} | ${cell} |`);
  }
  return lines.join('\n');
}
