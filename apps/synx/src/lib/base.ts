import { Command, Errors } from '@oclif/core';
import { isSynxError } from '@synx/model';
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

/** Commands share error rendering: a message, a hint, and an exit code from the error's code. */
export abstract class SynxCommand extends Command {
  protected override async catch(err: Error & { exitCode?: number }): Promise<unknown> {
    if (isSynxError(err)) {
      const exit = EXIT_CODES[err.code];
      if (this.jsonEnabled()) {
        this.logJson({ error: err.toJSON(), exitCode: exit });
        this.exit(exit);
      }
      const hint = err.hint;
      this.logToStderr(`synx: ${err.message}${hint === undefined ? '' : `\n  hint: ${hint}`}`);
      this.exit(exit);
    }
    if (err instanceof Errors.ExitError) {
      throw err;
    }
    return super.catch(err);
  }
}
