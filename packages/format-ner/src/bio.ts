import type { NerMessageId } from './messages.js';
import type { Accountant, PreparedMedia, Span } from './spans.js';
import type { Token } from './tokenize.js';
import { quoted } from './unicode.js';

/** An entity placed on tokens: tokens `first..last` (inclusive) get its label. */
export interface TokenEntity {
  readonly span: Span;
  readonly first: number;
  readonly last: number;
}

/** The index of the first token that ends after `offset` (binary search). */
function firstEndingAfter(tokens: readonly Token[], offset: number): number {
  let lo = 0;
  let hi = tokens.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((tokens[mid]?.end ?? Infinity) <= offset) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  return lo;
}

/**
 * Places a media's spans on its tokens and accounts each one:
 * - a span on whole tokens: `written`;
 * - a span that cuts a token (starts or ends inside one): widened to the whole tokens it
 *   touches, accounted `converted` (`cutsToken`, naming the token and the tokens written);
 * - a span over whitespace only: dropped (`noTokens`);
 * - a span whose (widened) tokens include one of an entity placed before it: dropped
 *   (`overlapTokens`, naming that entity).
 */
export function placeOnTokens(
  doc: PreparedMedia,
  tokens: readonly Token[],
  acc: Accountant,
): TokenEntity[] {
  const out: TokenEntity[] = [];
  let taken = -1; // last token index given to an entity
  for (const span of doc.spans) {
    const kept = out[out.length - 1];
    const first = firstEndingAfter(tokens, span.start);
    let last = first - 1;
    while ((tokens[last + 1]?.start ?? Infinity) < span.end) {
      last++;
    }
    const data = {
      start: span.start,
      end: span.end,
      span: quoted(doc.text.slice(span.start, span.end)),
    };
    const a = tokens[first];
    const b = tokens[last];
    if (a === undefined || b === undefined || last < first) {
      acc.dropped(doc.item, doc.media, span.annotation, 'noTokens', data, 'ranges');
      continue;
    }
    if (kept !== undefined && first <= taken) {
      acc.dropped(
        doc.item,
        doc.media,
        span.annotation,
        'overlapTokens',
        {
          start: span.start,
          end: span.end,
          token: quoted(a.text),
          kept: kept.span.annotation.id,
          keptStart: kept.span.start,
          keptEnd: kept.span.end,
          keptLabel: kept.span.label,
        },
        'ranges',
      );
      continue;
    }
    if (a.start < span.start || b.end > span.end) {
      const cut = a.start < span.start ? a : b;
      const id: NerMessageId = 'cutsToken';
      acc.lossy(
        'converted',
        doc.item,
        doc.media,
        span.annotation,
        id,
        {
          ...data,
          token: quoted(cut.text),
          tokens: `${a.start}..${b.end} ${quoted(doc.text.slice(a.start, b.end))}`,
        },
        'ranges',
      );
    } else {
      acc.written(doc.item, doc.media, span.annotation);
    }
    out.push({ span, first, last });
    taken = last;
  }
  return out;
}

/** IOB2 tags of the tokens: `B-X` on an entity's first token, `I-X` on the others, else `O`. */
export function bioTags(count: number, entities: readonly TokenEntity[]): string[] {
  const tags = new Array<string>(count).fill('O');
  for (const e of entities) {
    tags[e.first] = `B-${e.span.label}`;
    for (let i = e.first + 1; i <= e.last; i++) {
      tags[i] = `I-${e.span.label}`;
    }
  }
  return tags;
}

/**
 * Entities from IOB tags (for the readers): `B-X` starts one; `I-X` continues an entity of
 * label X, else starts one (IOB1 readers' rule); `O` (or anything else) ends it. Token indices,
 * `last` inclusive.
 */
export function entitiesOfTags(
  tags: readonly string[],
): { first: number; last: number; label: string }[] {
  const out: { first: number; last: number; label: string }[] = [];
  let open: { first: number; last: number; label: string } | undefined;
  for (const [i, tag] of tags.entries()) {
    const m = /^([BI])-(.+)$/.exec(tag);
    if (m === null) {
      open = undefined;
      continue;
    }
    const label = m[2] ?? '';
    if (m[1] === 'I' && open?.label === label && open.last === i - 1) {
      open.last = i;
      continue;
    }
    open = { first: i, last: i, label };
    out.push(open);
  }
  return out;
}
