import { Command, Errors } from '@oclif/core';
import {
  fileSystemError,
  isFileSystemError,
  isSynxError,
  redactText,
  SynxError,
} from '@synx/model';
import type { Logger } from '@synx/plugin-api';
import { EXIT_CODES } from './exit-codes.js';

/** `DEBUG=synx:*` (or `DEBUG=*`) turns on debug lines on stderr. */
export function debugLogger(scope: string): Logger {
  const pattern = process.env['DEBUG'] ?? '';
  const on = pattern.split(',').some((p) => p === '*' || p === 'synx:*' || p === `synx:${scope}`);
  return {
    debug: (message, fields) => {
      if (on) {
        process.stderr.write(
          `synx:${scope} ${message}${fields === undefined ? '' : ` ${JSON.stringify(fields)}`}\n`,
        );
      }
    },
  };
}

/** True when `DEBUG` asks for synx's debug output (`synx:*`, `*`, or one scope). */
function debugging(): boolean {
  return (process.env['DEBUG'] ?? '').split(',').some((p) => p === '*' || p.startsWith('synx:'));
}

/**
 * Any error as a SynxError: file-system errors become `SYNX_IO` (path and hint), anything else
 * unexpected `SYNX_INTERNAL` — a one-line message, never a stack trace (unless `DEBUG` is set).
 */
export function asSynxError(err: unknown): SynxError {
  if (isSynxError(err)) {
    return err;
  }
  if (isFileSystemError(err)) {
    return fileSystemError(err);
  }
  return new SynxError(
    'SYNX_INTERNAL',
    `internal error: ${redactText(err instanceof Error ? err.message : String(err))}`,
    {
      cause: err,
      hint: 'this is a bug in synx: run again with DEBUG=synx:* to see where it happened, and report it',
    },
  );
}

/** Commands share error rendering: a message, a hint, and an exit code from the error's code. */
export abstract class SynxCommand extends Command {
  /**
   * `--json` output as plain JSON. oclif's own colouring tokenizes the text with regular
   * expressions that overflow the stack on a long string (a 10 MB class name) and slow down on
   * large documents; machines need no colours.
   */
  override logJson(json: unknown): void {
    process.stdout.write(`${JSON.stringify(json, null, 2)}\n`);
  }

  protected override async catch(raw: Error & { exitCode?: number }): Promise<unknown> {
    if (raw instanceof Errors.ExitError) {
      throw raw;
    }
    if (raw instanceof Errors.CLIError && !isSynxError(raw) && !isFileSystemError(raw)) {
      // oclif's own flag and argument errors: its message and usage hint.
      return super.catch(raw);
    }
    // A flag's own parse or check failing (`--from` that is not a folder): the user's input.
    const err =
      !isSynxError(raw) && raw.message.startsWith('Parsing --')
        ? new SynxError(
            'SYNX_INVALID_INPUT',
            raw.message
              .replace(/\s*\n\s*See more help with --help\s*$/, '')
              .replace(/\s*\n\s*/g, ': '),
            { hint: 'see --help' },
          )
        : asSynxError(raw);
    if (debugging()) {
      // The whole chain: the error and every cause, with their stacks.
      for (let e: unknown = raw, depth = 0; e instanceof Error && depth < 5; depth++) {
        process.stderr.write(`${redactText(e.stack ?? e.message)}\n`);
        e = e.cause;
      }
    }
    const exit = EXIT_CODES[err.code];
    if (this.jsonEnabled()) {
      this.logJson({ error: err.toJSON(), exitCode: exit });
      this.exit(exit);
    }
    const hint = err.hint;
    this.logToStderr(`synx: ${err.message}${hint === undefined ? '' : `\n  hint: ${hint}`}`);
    this.exit(exit);
  }
}
