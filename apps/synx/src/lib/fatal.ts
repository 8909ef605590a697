import { asSynxError } from './base.js';
import { EXIT_CODES } from './exit-codes.js';

/**
 * Last line of defence for an error nothing caught (an `'error'` event without a listener, a
 * rejected promise nobody awaited): the same one-line message, hint and exit code as a command
 * error — `SYNX_IO` (exit 9) for a file-system error, else `SYNX_INTERNAL` (exit 1) — never a
 * stack trace (unless `DEBUG` is set) and never a secret.
 */
export function reportFatal(raw: unknown): void {
  const err = asSynxError(raw);
  const exit = EXIT_CODES[err.code];
  if (process.argv.includes('--json')) {
    process.stdout.write(`${JSON.stringify({ error: err.toJSON(), exitCode: exit }, null, 2)}\n`);
  } else {
    process.stderr.write(
      `synx: ${err.message}${err.hint === undefined ? '' : `\n  hint: ${err.hint}`}\n`,
    );
  }
  if ((process.env['DEBUG'] ?? '') !== '' && raw instanceof Error && raw.stack !== undefined) {
    process.stderr.write(`${raw.stack}\n`);
  }
  process.exit(exit);
}
