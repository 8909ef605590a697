import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SYNX_ERROR_CODES } from '@synx/model';
import { describe, expect, it } from 'vitest';
import {
  EXIT_CODE_TABLE,
  EXIT_CODES,
  EXIT_INCOMPLETE,
  exitCodesHelp,
  exitCodesMarkdown,
} from '../src/lib/exit-codes.js';

const DOC = join(import.meta.dirname, '..', '..', '..', 'docs', 'exit-codes.md');

/** The rows of the doc's generated table: exit code → [name, meaning]. */
function docRows(): Map<number, [string, string]> {
  const text = readFileSync(DOC, 'utf8');
  const start = text.indexOf('<!-- exit-codes:table:start');
  const end = text.indexOf('<!-- exit-codes:table:end -->');
  expect(start, 'markers in docs/exit-codes.md').toBeGreaterThan(-1);
  const rows = new Map<number, [string, string]>();
  for (const line of text.slice(start, end).split('\n')) {
    const m = /^\| (\d+) \| ([^|]+) \| (.+) \| [^|]+ \|$/.exec(line);
    if (m !== null) {
      rows.set(Number(m[1]), [m[2] ?? '', (m[3] ?? '').replaceAll('\\|', '|')]);
    }
  }
  return rows;
}

describe('one exit-code table', () => {
  it('docs/exit-codes.md lists exactly the codes, names and meanings of EXIT_CODE_TABLE', () => {
    const rows = docRows();
    expect([...rows.keys()]).toEqual(EXIT_CODE_TABLE.map((e) => e.code));
    for (const e of EXIT_CODE_TABLE) {
      expect(rows.get(e.code), `exit ${String(e.code)}`).toEqual([e.name, e.meaning]);
    }
  });

  it('the doc table is the generated one (node tools/exit-codes-doc.mjs)', () => {
    expect(readFileSync(DOC, 'utf8')).toContain(`-->\n${exitCodesMarkdown()}\n<!--`);
  });

  it('codes are unique and ascending, and every mapped exit code is in the table', () => {
    const codes = EXIT_CODE_TABLE.map((e) => e.code);
    expect(codes).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 130]);
    expect(new Set(EXIT_CODE_TABLE.map((e) => e.name)).size).toBe(codes.length);
    for (const code of SYNX_ERROR_CODES) {
      expect(codes, code).toContain(EXIT_CODES[code]);
    }
    expect(EXIT_CODE_TABLE.find((e) => e.code === EXIT_INCOMPLETE)?.name).toBe('incomplete');
    expect(EXIT_CODES.SYNX_NOTHING_TO_EXPORT).toBe(11);
    expect(EXIT_CODE_TABLE.find((e) => e.code === 11)?.name).toBe('nothing-to-export');
  });

  it('exitCodesHelp lists every code with its meaning, or the ones asked for', () => {
    const all = exitCodesHelp().split('\n');
    expect(all[0]).toBe('EXIT CODES');
    expect(all.slice(1)).toEqual(EXIT_CODE_TABLE.map((e) => `${String(e.code)}  ${e.meaning}`));
    expect(exitCodesHelp([3, 0]).split('\n')).toEqual([
      'EXIT CODES',
      `0  ${EXIT_CODE_TABLE[0]?.meaning ?? ''}`,
      '3  no access token, or the token was rejected (401) or lacks permission (403)',
    ]);
  });
});
