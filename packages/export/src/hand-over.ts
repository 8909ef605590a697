import {
  fileSystemError,
  isFileSystemError,
  isSynxError,
  SynxError,
  type Issue,
} from '@synx/model';
import type {
  AnyFormat,
  ExportItem,
  FormatContext,
  OutputFile,
  WriteInput,
} from '@synx/plugin-api';
import type { ExportStats } from './stats.js';

/** What the writer wrote, as the report and manifest take it. */
export interface Written {
  readonly files: number;
  readonly outputs: OutputFile[];
}

/**
 * Hands the items to a format's writer and holds it to the contract: an item it never took,
 * an annotation it did not account for, a bad `outputs` entry, a `write()` that never settles
 * (the event loop runs dry) and a throw are each turned into an error naming the format (and
 * the plugin) and the item it was on. Errors of synx's own stages keep their identity.
 */
export class HandOver {
  /** The item the writer is on: named in a plugin's failure and in its issues. */
  current: ExportItem | undefined;
  readonly #format: AnyFormat;
  readonly #plugin: { readonly name: string; readonly version: string } | undefined;
  readonly #output: string;
  readonly #name: string;
  #handed = 0;
  #all = false;
  /** The writer closed the items (a `break` out of its loop) before their end. */
  #closed = false;
  #stageError: unknown;

  constructor(
    format: AnyFormat,
    plugin: { readonly name: string; readonly version: string } | undefined,
    output: string,
  ) {
    this.#format = format;
    this.#plugin = plugin;
    this.#output = output;
    this.#name = `format "${format.id}"${plugin === undefined ? '' : ` (plugin ${plugin.name} ${plugin.version})`}`;
  }

  /**
   * Runs the writer over `items`; returns what it wrote, or throws the failure as the user
   * should see it.
   */
  async write(
    items: AsyncGenerator<ExportItem>,
    input: Omit<WriteInput, 'items'>,
    options: unknown,
    ctx: FormatContext,
    stats: ExportStats,
    report: (issue: Issue) => void,
  ): Promise<Written> {
    const stalled = this.#whenStalled();
    try {
      const format = this.#format;
      if (format.write === undefined) {
        throw new SynxError('SYNX_NOT_SUPPORTED', `format ${format.id} cannot write`);
      }
      const result = await Promise.race([
        format.write({ ...input, items: this.#guard(items) }, { dir: this.#output }, options, ctx),
        stalled.promise,
      ]);
      // A writer may stop after the last item without asking for the end: ask once more. Only
      // an item it never took is a failure.
      if (!this.#all && (this.#closed || (await items.next()).done !== true)) {
        await items.return(undefined);
        throw new SynxError(
          'SYNX_PLUGIN_FAILED',
          `${this.#name} stopped reading after ${this.#handed} item(s)${this.current === undefined ? '' : ` (last: ${this.#named(this.current)})`}; the rest were not written`,
          { hint: 'the format has a bug: report it to its author', details: this.#details() },
        );
      }
      const outputs = checkedOutputs(result.outputs, this.#name, report);
      for (const { kind, missing } of stats.unaccounted()) {
        report({
          code: 'SYNX_FORMAT_ACCOUNTING',
          severity: 'error',
          message: `${this.#name} did not account for ${missing} ${kind} annotation(s); they may be missing from the output`,
        });
      }
      return { files: result.files, outputs };
    } catch (err) {
      throw this.#explain(err);
    } finally {
      stalled.stop();
    }
  }

  /** The items as the writer reads them: each one it takes becomes `current`. */
  #guard(items: AsyncGenerator<ExportItem>): AsyncIterable<ExportItem> {
    return {
      [Symbol.asyncIterator]: () => ({
        next: async () => {
          let r: IteratorResult<ExportItem>;
          try {
            r = await items.next();
          } catch (err) {
            this.#stageError = err;
            throw err;
          }
          if (r.done === true) {
            this.#all = true;
          } else {
            this.current = r.value;
            this.#handed++;
          }
          return r;
        },
        return: async () => {
          this.#closed = true;
          return items.return(undefined);
        },
      }),
    };
  }

  /** `item <id>`, with its output stem when that differs. */
  #named(e: ExportItem): string {
    return `item ${e.item.id}${e.stem === e.item.id ? '' : ` (${e.stem})`}`;
  }

  #details(): Record<string, string> {
    const plugin = this.#plugin;
    const current = this.current;
    return {
      format: this.#format.id,
      ...(plugin === undefined ? {} : { plugin: plugin.name, pluginVersion: plugin.version }),
      ...(current === undefined ? {} : { itemId: current.item.id, item: current.stem }),
    };
  }

  /** A failure as the user should see it: a file-system error, ours, or the format's. */
  #explain(err: unknown): unknown {
    if (err === this.#stageError) {
      return isSynxError(err) || !isFileSystemError(err) ? err : fileSystemError(err);
    }
    if (isSynxError(err)) {
      return err.code === 'SYNX_IO' ? fileSystemError(err) : err;
    }
    if (isFileSystemError(err)) {
      return fileSystemError(err, 'write into', this.#output);
    }
    const at = this.current === undefined ? '' : ` while writing ${this.#named(this.current)}`;
    return new SynxError(
      'SYNX_PLUGIN_FAILED',
      `${this.#name} failed${at}: ${err instanceof Error ? err.message : String(err)}`,
      {
        cause: err,
        hint: 'the format has a bug: report it to its author',
        details: this.#details(),
      },
    );
  }

  /**
   * Settles with a SYNX_PLUGIN_FAILED error when the event loop runs dry while the writer is
   * still pending: a `write()` that waits on nothing would otherwise end the process silently.
   */
  #whenStalled(): { promise: Promise<never>; stop: () => void } {
    let fire: (err: unknown) => void = () => undefined;
    const promise = new Promise<never>((_, reject) => {
      fire = reject;
    });
    const onIdle = (): void => {
      fire(
        new SynxError(
          'SYNX_PLUGIN_FAILED',
          `${this.#name} stopped without finishing: its write() never settled${this.current === undefined ? '' : ` (last item given: ${this.#named(this.current).slice(5)})`}`,
          { hint: 'the format has a bug: report it to its author', details: this.#details() },
        ),
      );
    };
    process.once('beforeExit', onIdle);
    return {
      promise,
      stop: () => {
        process.off('beforeExit', onIdle);
      },
    };
  }
}

/** A count a writer gave: a whole number from 0, else left out. */
function isCount(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
}

/**
 * The writer's outputs as the report and manifest take them: each path relative and inside the
 * output folder (`/` separators), counts whole numbers. A third-party writer's bad entry is left
 * out with a warning rather than failing an export whose files are written.
 */
export function checkedOutputs(
  given: unknown,
  formatName: string,
  report: (issue: Issue) => void,
): OutputFile[] {
  if (given === undefined) {
    return [];
  }
  const bad = (why: string): void => {
    report({
      code: 'SYNX_PLUGIN_INVALID',
      severity: 'warning',
      message: `${formatName} returned ${why} in its outputs; left out of the report`,
    });
  };
  if (!Array.isArray(given)) {
    bad('something that is not a list');
    return [];
  }
  const out: OutputFile[] = [];
  for (const entry of given as unknown[]) {
    const o = (typeof entry === 'object' && entry !== null ? entry : {}) as Record<string, unknown>;
    const path = o['path'];
    if (
      typeof path !== 'string' ||
      path === '' ||
      path.startsWith('/') ||
      /^[A-Za-z]:/.test(path) ||
      path.includes('\\') ||
      path.split('/').some((part) => part === '..')
    ) {
      bad(`a path outside the output folder (${JSON.stringify(path)})`);
      continue;
    }
    const counts = ['images', 'annotations', 'files'] as const;
    if (counts.some((k) => o[k] !== undefined && !isCount(o[k]))) {
      bad(`a count that is not a whole number for ${path}`);
      continue;
    }
    const split = o['split'];
    out.push({
      path,
      ...(isCount(o['images']) ? { images: o['images'] } : {}),
      ...(isCount(o['annotations']) ? { annotations: o['annotations'] } : {}),
      ...(isCount(o['files']) ? { files: o['files'] } : {}),
      ...(typeof split === 'string' && split !== '' ? { split } : {}),
    });
  }
  return out;
}
