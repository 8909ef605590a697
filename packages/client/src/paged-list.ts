import { SynxError } from '@synx/model';
import type { z } from 'zod';
import type { CallOptions, JsonResponse, SynapseClient } from './client.js';
import { rawArrayMember } from './json-spans.js';
import { PageEnvelopeSchema } from './schemas.js';

/** One list item with the exact JSON text the server sent for it. */
export interface PageEntry<T> {
  readonly value: T;
  /** The item's JSON text as received (use `rawMember(raw, 'data')` for its DM v1 data). */
  readonly raw: string;
}

interface Page<T> {
  readonly count: number | undefined;
  readonly next: string | undefined;
  readonly entries: PageEntry<T>[];
}

interface PagedListOptions {
  readonly schema: z.ZodType;
  readonly prefetch: number;
  readonly what: string;
  readonly signal?: AbortSignal | undefined;
  readonly readTimeoutMs?: number;
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
    const raws = rawArrayMember(res.text, 'results') ?? [];
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

  /** Items with their raw JSON text, in server order. */
  async *entries(): AsyncGenerator<PageEntry<T>> {
    const ac = linkedSignal(this.#options.signal);
    const page1Promise = this.#page1();
    // A second iteration fetches page 1 again; the first reuses the page `count()` fetched.
    this.#firstPage = undefined;
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
            const p = this.#fetch(urlFor(scheduled), ac.signal);
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
      while (nextUrl !== undefined) {
        const page = await this.#fetch(this.#client.url(nextUrl), ac.signal);
        yield* page.entries;
        nextUrl = page.next;
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
