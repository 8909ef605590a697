import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { Issue, Item, Media, RetryPolicy } from '@synx/model';
import type { MediaDownloader } from '@synx/media-downloader';
import type { ExportItem, ExportText } from '@synx/plugin-api';
import { decodeText, MAX_TEXT_BYTES, safeFileName, splitStem } from '@synx/synapse-folder';
import type { Source } from './sources/source.js';

/** Folder of an export that holds the text files an API export downloaded (reused by a rerun). */
export const TEXT_CACHE_DIR = 'synx-text-cache';

/**
 * Reads the content of each text media of an item for a format that declares `texts`: a
 * folder's own file is read in place; an API data unit's file is downloaded like media (retries,
 * Range resume, size and checksum verified, expired URLs refreshed) into `synx-text-cache/`
 * of the output folder, where a rerun finds it and fetches nothing. Files over
 * {@link MAX_TEXT_BYTES} are refused. The bytes are decoded by `decodeText` (a BOM, else strict
 * UTF-8, else a detected legacy encoding). Every text that cannot be read is an error issue
 * naming the item, the media and why; the format then gets `text: undefined` for it.
 */
export class TextReader {
  readonly #source: Source;
  readonly #output: string;
  readonly #signal: AbortSignal;
  readonly #retry: RetryPolicy;
  #downloader: Promise<MediaDownloader> | undefined;
  /** Why each failed download failed, by job id (from the downloader's events). */
  readonly #failures = new Map<string, string>();

  constructor(options: {
    readonly source: Source;
    readonly output: string;
    readonly signal: AbortSignal;
    readonly retry: RetryPolicy;
  }) {
    this.#source = options.source;
    this.#output = options.output;
    this.#signal = options.signal;
    this.#retry = options.retry;
  }

  async #openDownloader(): Promise<MediaDownloader> {
    const { MediaDownloader } = await import('@synx/media-downloader');
    return new MediaDownloader({
      root: this.#output,
      retry: this.#retry,
      signal: this.#signal,
      concurrency: 8,
      onEvent: (event) => {
        if (event.type === 'fail') {
          this.#failures.set(event.id, event.reason);
        }
      },
    });
  }

  /** The item with `texts` filled in; issues for texts that could not be read go to `issues`. */
  async read(e: ExportItem, issues: Issue[]): Promise<ExportItem> {
    const texts: ExportText[] = [];
    for (const media of e.item.media) {
      if (media.kind !== 'text') {
        continue;
      }
      texts.push(await this.#readOne(e, media, issues));
    }
    return { ...e, texts };
  }

  async #readOne(e: ExportItem, media: Media, issues: Issue[]): Promise<ExportText> {
    const item = e.item;
    const file = media.file;
    const fileName = file?.name ?? (file?.path === undefined ? undefined : basename(file.path));
    const fail = (why: string, field = `files.${media.id}`): ExportText => {
      issues.push({
        code: 'SYNX_TEXT_UNREADABLE',
        severity: 'error',
        message: `the text of ${media.id} could not be read: ${why}; its ${String(media.annotations.length)} annotation(s) are not exported`,
        itemId: item.id,
        mediaId: media.id,
        field,
        action: 'dropped',
      });
      return { media, text: undefined, fileName };
    };
    if (file?.size !== undefined && file.size > MAX_TEXT_BYTES) {
      return fail(
        `${String(file.size)} bytes is more than the ${String(MAX_TEXT_BYTES)} bytes synx reads`,
      );
    }
    let path: string;
    let local = false;
    if (file?.path !== undefined) {
      path = file.path;
      local = true;
    } else if (file?.url !== undefined) {
      const got = await this.#download(item, media, e.stem);
      if ('failed' in got) {
        return fail(got.failed);
      }
      path = got.path;
    } else {
      return fail('the data unit has no file for it');
    }
    let bytes: Buffer;
    try {
      // A folder's own file: one small synchronous read, as the folder source reads its JSON
      // (a promise per file costs more than the read); a downloaded one: asynchronously.
      const size = (local ? statSync(path) : await stat(path)).size;
      if (size > MAX_TEXT_BYTES) {
        return fail(
          `${String(size)} bytes is more than the ${String(MAX_TEXT_BYTES)} bytes synx reads`,
        );
      }
      bytes = local ? readFileSync(path) : await readFile(path);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      return fail(`${code ?? (err as Error).message} reading ${path}`);
    }
    const decoded = decodeText(bytes);
    if (decoded.by !== 'bom' && decoded.by !== 'utf-8') {
      issues.push({
        code: 'SYNX_TEXT_ENCODING',
        severity: 'warning',
        message:
          decoded.by === 'utf-8-repaired'
            ? `the text of ${media.id} is UTF-8 with ${String(decoded.replaced)} invalid byte sequence(s), each read as U+FFFD; check the spans after them`
            : `the text of ${media.id} is not UTF-8; decoded as ${decoded.encoding} (detected: a guess — check its spans)`,
        itemId: item.id,
        mediaId: media.id,
        field: `files.${media.id}`,
        action: 'kept',
      });
    }
    return { media, text: decoded.text, encoding: decoded.encoding, fileName };
  }

  async #download(
    item: Item,
    media: Media,
    stem: string,
  ): Promise<{ readonly path: string } | { readonly failed: string }> {
    const file = media.file;
    const url = file?.url;
    if (url === undefined) {
      return { failed: 'no URL' };
    }
    const ext = file?.name === undefined ? '.txt' : splitStem(file.name).ext || '.txt';
    // Named by what the file is (the item's data unit, the media, the URL without its signed
    // query), not by its output stem: stems are handed out in item order, so they could name
    // another item's text on a rerun after the project changed; and long names are cut.
    let where = url;
    try {
      const u = new URL(url);
      where = `${u.origin}${u.pathname}`;
    } catch {
      // not a URL the downloader takes either; it reports it
    }
    const identity = createHash('sha256')
      .update(`${item.key}\0${media.id}\0${where}`)
      .digest('hex')
      .slice(0, 32);
    const dest = join(
      TEXT_CACHE_DIR,
      `${safeFileName(stem).slice(0, 80)}.${identity}${safeFileName(ext)}`,
    );
    const downloader = await (this.#downloader ??= this.#openDownloader());
    const id = `${item.id}/${media.id}`;
    const refresh = this.#source.refreshFile?.bind(this.#source);
    const outcome = await downloader.fetch({
      id,
      url,
      dest,
      ...(file?.size === undefined ? {} : { size: file.size }),
      ...(file?.checksum === undefined ? {} : { checksum: file.checksum }),
      ...(refresh === undefined
        ? {}
        : { refresh: async () => (await refresh(item, media, this.#signal))?.url }),
    });
    if (outcome === 'failed') {
      return { failed: this.#failures.get(id) ?? 'the download failed' };
    }
    return { path: join(this.#output, dest) };
  }

  /** Waits for the downloader (if one was opened) to settle. */
  async close(): Promise<void> {
    const d = this.#downloader;
    if (d !== undefined) {
      await (await d).finish();
    }
  }
}
