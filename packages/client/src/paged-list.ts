import { SynxError } from '@synx/model';
import type { z } from 'zod';
import type { CallOptions, JsonResponse, SynapseClient } from './client.js';
import { rawArrayMember } from './json-spans.js';
import { PageEnvelopeSchema } from './schemas.js';

/** One list item with the exact JSON text the server sent for it. */
export interface PageEntry<T> {
  readonly value: T;
  /**
   * The item's JSON text as received (use `rawMember(raw, 'data')` for its DM v1 data); empty
   * when the list was asked not to keep it (`ListOptions.raw: false`).
   */
  readonly raw: string;
}

interface Page<T> {
  readonly count: number | undefined;
  readonly next: string | undefined;
  readonly entries: PageEntry<T>[];
}

/** What {@link PagedList.sample} read: a few pages spread across the list. */
export interface PageSample<T> {
  /** The total the server reports (`count` of page 1). */
  readonly count: number | undefined;
  /** Items on page 1 (the page size the server used). */
  readonly pageSize: number;
  /** Pages in the list, when `count` is known (1 when page 1 has no `next`). */
  readonly totalPages: number | undefined;
  /** The items of the pages read, in page order. */
  readonly entries: PageEntry<T>[];
  /** The page numbers read (1-based, ascending); a page gone since page 1 (404) is left out. */
  readonly pagesRead: number[];
  /** True when every page of the list was read (the sample is the whole list). */
  readonly complete: boolean;
}

/**
 * `pages` page numbers out of `1 … last`, evenly spread and always including the first and the
 * last: `1 + floor(i·(last−1)/(pages−1))`. Every page when `pages ≥ last`. Deterministic.
 */
export function spreadPages(pages: number, last: number): number[] {
  const want = Math.max(1, Math.floor(pages));
  if (last <= 0) {
    return [];
  }
  if (want >= last) {
    return Array.from({ length: last }, (_, i) => i + 1);
  }
  if (want === 1) {
    return [1];
  }
  const out: number[] = [];
  for (let i = 0; i < want; i++) {
    out.push(1 + Math.floor((i * (last - 1)) / (want - 1)));
  }
  return out;
}

interface PagedListOptions {
  readonly schema: z.ZodType;
  readonly prefetch: number;
  readonly what: string;
  readonly signal?: AbortSignal | undefined;
  readonly readTimeoutMs?: number;
  /** Keep each row's JSON text (`PageEntry.raw`); false: `raw` is empty. */
  readonly raw: boolean;
}

function linkedSignal(outer: AbortSignal | undefined): AbortController {
  const ac = new AbortController();
  if (outer !== undefined) {
    if (outer.aborted) {
      ac.abort(outer.reason);
    } else {
      outer.addEventListener(
        'abort',
        () => {
          ac.abort(outer.reason);
        },
        { once: true },
      );
    }
  }
  return ac;
}

/** The page number in a DRF `next` link, when it uses page-number pagination. */
function pageNumberOf(url: URL): number | undefined {
  const p = url.searchParams.get('page');
  if (p === null || !/^\d+$/.test(p)) {
    return undefined;
  }
  return Number(p);
}

/**
 * A DRF page-number list (`{count, next, previous, results}`) as an async iterable.
 *
 * Page 1 is fetched once (also when `count()` is asked first). When the total is known and the
 * `next` link is page-numbered, up to `prefetch` pages are requested ahead while items are
 * still yielded in server order; otherwise `next` links are followed one by one. If the data
 * shrinks or grows while listing, the `next` links decide where to stop.
 */
export class PagedList<T> implements AsyncIterable<T> {
  readonly #client: SynapseClient;
  readonly #first: URL;
  readonly #options: PagedListOptions;
  #firstPage: Promise<Page<T>> | undefined;
  /** Pages a {@link sample} read, by page number: the next listing takes them, once. */
  #sampled = new Map<number, Page<T>>();

  constructor(client: SynapseClient, first: URL, options: PagedListOptions) {
    this.#client = client;
    this.#first = first;
    this.#options = options;
  }

  async #fetch(url: URL, signal: AbortSignal | undefined): Promise<Page<T>> {
    const call: CallOptions = {
      what: this.#options.what,
      signal,
      ...(this.#options.readTimeoutMs === undefined
        ? {}
        : { readTimeoutMs: this.#options.readTimeoutMs }),
    };
    const res: JsonResponse<unknown> = await this.#client.requestJson('GET', url, call);
    const envelope = this.#client.parse(PageEnvelopeSchema, res.value, this.#options.what, url);
    const raws = this.#options.raw
      ? (rawArrayMember(res.text, 'results') ?? [])
      : envelope.results.map(() => '');
    if (raws.length !== envelope.results.length) {
      throw new SynxError('SYNX_INTERNAL', 'could not locate every result in the page text');
    }
    const entries = envelope.results.map((item, i) => ({
      value: this.#client.parse(
        this.#options.schema,
        item,
        `an item of ${this.#options.what}`,
        url,
      ) as T,
      raw: raws[i] ?? '',
    }));
    return {
      count: envelope.count ?? undefined,
      next: envelope.next ?? undefined,
      entries,
    };
  }

  #page1(): Promise<Page<T>> {
    if (this.#firstPage === undefined) {
      this.#firstPage = this.#fetch(this.#first, this.#options.signal);
      // Avoid an unhandled rejection if nobody awaits it; callers still see the error.
      this.#firstPage.catch(() => undefined);
    }
    return this.#firstPage;
  }

  /** The total the server reports (`count`), fetching page 1 if needed (once). */
  async count(): Promise<number | undefined> {
    return (await this.#page1()).count;
  }

  /**
   * Reads `pages` pages spread across the list, for estimates without reading everything.
   *
   * Page 1 is always read (reusing the page `count()` fetched). When `count` is known and the
   * `next` link is page-numbered, the other pages are evenly spaced page numbers up to the last
   * page (see {@link spreadPages}), fetched concurrently (at most `prefetch` in flight); a page that no longer exists (404: the
   * list shrank) is skipped. Otherwise `next` links are followed for `pages` pages. When the list
   * has at most `pages` pages, every page is read.
   */
  async sample(pages: number): Promise<PageSample<T>> {
    const want = Math.max(1, Math.floor(pages));
    const page1 = await this.#page1();
    const pageSize = page1.entries.length;
    const totalPages =
      page1.next === undefined
        ? 1
        : page1.count !== undefined && pageSize > 0
          ? Math.max(1, Math.ceil(page1.count / pageSize))
          : undefined;
    const entries: PageEntry<T>[] = [...page1.entries];
    const pagesRead = [1];
    if (page1.next === undefined || want === 1) {
      const complete = page1.next === undefined;
      return { count: page1.count, pageSize, totalPages, entries, pagesRead, complete };
    }
    let complete: boolean;
    const ac = linkedSignal(this.#options.signal);
    try {
      const nextParsed = this.#client.url(page1.next);
      if (totalPages !== undefined && pageNumberOf(nextParsed) === 2) {
        const chosen = spreadPages(want, totalPages).filter((p) => p !== 1);
        const fetched: (Page<T> | undefined)[] = [];
        const fetchOne = async (i: number): Promise<void> => {
          const u = new URL(nextParsed);
          u.searchParams.set('page', String(chosen[i]));
          try {
            fetched[i] = await this.#fetch(u, ac.signal);
          } catch (err) {
            if (err instanceof SynxError && err.code === 'SYNX_NOT_FOUND') {
              return; // the list shrank since page 1: that page is gone
            }
            ac.abort(); // no need to wait for the others
            throw err;
          }
        };
        // At most `prefetch` pages in flight, as when listing.
        let cursor = 0;
        const lane = async (): Promise<void> => {
          while (cursor < chosen.length) {
            await fetchOne(cursor++);
          }
        };
        const lanes = Math.max(1, Math.min(this.#options.prefetch, chosen.length));
        await Promise.all(Array.from({ length: lanes }, lane));
        chosen.forEach((n, i) => {
          const page = fetched[i];
          if (page !== undefined) {
            entries.push(...page.entries);
            pagesRead.push(n);
            this.#sampled.set(n, page);
          }
        });
        complete = pagesRead.length === totalPages;
      } else {
        let nextUrl: string | undefined = page1.next;
        for (let n = 2; n <= want && nextUrl !== undefined; n++) {
          const page = await this.#fetch(this.#client.url(nextUrl), ac.signal);
          entries.push(...page.entries);
          pagesRead.push(n);
          this.#sampled.set(n, page);
          nextUrl = page.next;
        }
        complete = nextUrl === undefined;
      }
    } finally {
      ac.abort();
    }
    return { count: page1.count, pageSize, totalPages, entries, pagesRead, complete };
  }

  /**
   * Items with their raw JSON text, in server order. The first listing takes page 1 from
   * `count()` and the pages a `sample()` read (a plan before the export asks for no page twice);
   * a later listing fetches every page again.
   */
  async *entries(): AsyncGenerator<PageEntry<T>> {
    const ac = linkedSignal(this.#options.signal);
    const page1Promise = this.#page1();
    this.#firstPage = undefined;
    const sampled = this.#sampled;
    this.#sampled = new Map();
    try {
      const page1 = await page1Promise;
      yield* page1.entries;
      if (page1.next === undefined) {
        return;
      }
      let nextUrl: string | undefined = page1.next;
      const nextParsed = this.#client.url(page1.next);
      const startPage = pageNumberOf(nextParsed);
      const pageSize = page1.entries.length;
      if (
        this.#options.prefetch > 1 &&
        page1.count !== undefined &&
        startPage !== undefined &&
        pageSize > 0
      ) {
        const lastPage = Math.ceil(page1.count / pageSize);
        const inflight = new Map<number, Promise<Page<T>>>();
        const urlFor = (n: number): URL => {
          const u = new URL(nextParsed);
          u.searchParams.set('page', String(n));
          return u;
        };
        let scheduled = startPage - 1;
        const fill = (upTo: number): void => {
          while (scheduled < Math.min(upTo, lastPage)) {
            scheduled++;
            const kept = sampled.get(scheduled);
            sampled.delete(scheduled);
            const p =
              kept === undefined
                ? this.#fetch(urlFor(scheduled), ac.signal)
                : Promise.resolve(kept);
            p.catch(() => undefined);
            inflight.set(scheduled, p);
          }
        };
        nextUrl = undefined;
        for (let n = startPage; n <= lastPage; n++) {
          fill(n + this.#options.prefetch - 1);
          const pending = inflight.get(n);
          if (pending === undefined) {
            break;
          }
          const page = await pending;
          inflight.delete(n);
          yield* page.entries;
          if (page.next === undefined) {
            // The list shrank while we were reading it: the server says this is the end.
            return;
          }
          if (n === lastPage) {
            nextUrl = page.next; // it grew: continue with plain next-following
          }
        }
      }
      // Following `next` links, pages are numbered by their place from page 1 (as a sample
      // that followed them numbered them) — unless the page-numbered listing above ran.
      let n = nextUrl === page1.next ? 2 : undefined;
      while (nextUrl !== undefined) {
        const kept = n === undefined ? undefined : sampled.get(n);
        if (n !== undefined) {
          sampled.delete(n);
        }
        const page = kept ?? (await this.#fetch(this.#client.url(nextUrl), ac.signal));
        yield* page.entries;
        nextUrl = page.next;
        n = n === undefined ? undefined : n + 1;
      }
    } finally {
      ac.abort();
    }
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<T> {
    for await (const e of this.entries()) {
      yield e.value;
    }
  }
}
