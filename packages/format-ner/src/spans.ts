import {
  dmFieldOf,
  type Annotation,
  type ClassEntry,
  type ClassMap,
  type Item,
  type Media,
  type NamedEntityAnnotation,
  type RelationAnnotation,
} from '@synx/model';
import type { FormatContext, KitMessageId, MessageData } from '@synx/plugin-api';
import type { NerMessageId } from './messages.js';
import { parseRanges } from './ranges.js';
import { type OffsetMap, quoted } from './unicode.js';

/** An entity that passed every check of {@link prepareMedia}: one span of the text with its label. */
export interface Span {
  readonly annotation: NamedEntityAnnotation;
  /** UTF-16 offsets of the text, end exclusive. */
  readonly start: number;
  readonly end: number;
  /** The class code of the entity. */
  readonly label: string;
}

/** One text media ready for a format: its valid, non-overlapping spans and its relations. */
export interface PreparedMedia {
  readonly item: Item;
  readonly media: Media;
  readonly text: string;
  /** Sorted by start; no two overlap. Not accounted yet: the format accounts them. */
  readonly spans: readonly Span[];
  /** The media's relations, in order. Not accounted yet. */
  readonly relations: readonly RelationAnnotation[];
}

/** Accounts annotations of one media with the NER messages (a thin layer over `ctx.account`). */
export class Accountant {
  readonly #ctx: FormatContext<NerMessageId>;
  /** The format's title, for `{{format}}`. */
  readonly format: string;

  constructor(ctx: FormatContext<NerMessageId>, format: string) {
    this.#ctx = ctx;
    this.format = format;
  }

  written(item: Item, media: Media, annotation: Annotation): void {
    this.#ctx.account({ item, media, annotation, outcome: 'written' });
  }

  lossy(
    outcome: 'converted' | 'dropped',
    item: Item,
    media: Media,
    annotation: Annotation,
    messageId: NerMessageId | KitMessageId,
    data: MessageData = {},
    sub?: string,
  ): void {
    const field = dmFieldOf(media.id, annotation, sub);
    this.#ctx.account({
      item,
      media,
      annotation,
      outcome,
      messageId,
      data: { format: this.format, item: item.id, field, ...data },
      field,
    });
  }

  dropped(
    item: Item,
    media: Media,
    annotation: Annotation,
    messageId: NerMessageId | KitMessageId,
    data: MessageData = {},
    sub?: string,
  ): void {
    this.lossy('dropped', item, media, annotation, messageId, data, sub);
  }
}

/** The entity classes by code (and display name), for labels. */
export class EntityLabels {
  readonly #classes: ClassMap;
  readonly #entity: ReadonlySet<ClassEntry>;

  constructor(classes: ClassMap, entity: readonly ClassEntry[]) {
    this.#classes = classes;
    this.#entity = new Set(entity);
  }

  /** The entity class of a class code, or undefined when it is not one. */
  get(code: string): ClassEntry | undefined {
    const e = this.#classes.get(code);
    return e !== undefined && this.#entity.has(e) ? e : undefined;
  }
}

/** Why the annotation's content and the text at its range differ, as far as synx can tell. */
function mismatchHint(text: string, start: number, end: number, content: string): string {
  const cps = Array.from(text); // code points, as a Python str counts them
  if (cps.slice(start, end).join('') === content) {
    return ' (the offsets match if counted in code points)';
  }
  const lf = text.replace(/\r\n/g, '\n');
  if (lf !== text && lf.slice(start, end) === content) {
    return ' (the offsets match if CRLF line ends count as one character)';
  }
  return '';
}

/**
 * The checks every NER format makes on one text media, in this order per annotation:
 * - a kind other than a named entity or a relation: dropped (`notEntity`; `uninterpretable`
 *   for one synx could not read);
 * - an entity without a class (`noClass`), or with one that is not a named-entity class of the
 *   class map (`unknownClass`): dropped;
 * - its ranges (`parseRanges`): a bad shape, offsets that are not whole numbers, end ≤ start,
 *   outside the text, inside a surrogate pair, several ranges with gaps: dropped;
 * - a non-empty `content` that differs from the text at the range: dropped (`contentMismatch`);
 * - then, between the entities left, overlaps: sorted by start, longer first, then annotation
 *   order, each entity is kept unless it overlaps one kept before it (dropped, naming that one).
 * The spans and relations left are the format's to account.
 */
export function prepareMedia(
  item: Item,
  media: Media,
  text: string,
  labels: EntityLabels,
  acc: Accountant,
): PreparedMedia {
  const candidates: { span: Span; order: number }[] = [];
  const relations: RelationAnnotation[] = [];
  for (const [order, a] of media.annotations.entries()) {
    if (a.kind === 'relation') {
      relations.push(a);
      continue;
    }
    if (a.kind === 'other') {
      acc.dropped(item, media, a, 'uninterpretable', { reason: a.reason });
      continue;
    }
    if (a.kind !== 'named-entity') {
      acc.dropped(item, media, a, 'notEntity', { kind: a.kind });
      continue;
    }
    if (a.classCode === null) {
      acc.dropped(item, media, a, 'noClass');
      continue;
    }
    const cls = labels.get(a.classCode);
    if (cls === undefined) {
      acc.dropped(item, media, a, 'unknownClass', { class: a.classCode });
      continue;
    }
    const parsed = parseRanges(a.ranges, text);
    if (!parsed.ok) {
      acc.dropped(
        item,
        media,
        a,
        parsed.problem.messageId,
        parsed.problem.data,
        parsed.problem.sub,
      );
      continue;
    }
    const { start, end } = parsed.range;
    const actual = text.slice(start, end);
    if (a.content !== '' && a.content !== actual) {
      acc.dropped(
        item,
        media,
        a,
        'contentMismatch',
        {
          start,
          end,
          actual: quoted(actual),
          content: quoted(a.content),
          hint: mismatchHint(text, start, end, a.content),
        },
        'ranges',
      );
      continue;
    }
    candidates.push({ span: { annotation: a, start, end, label: cls.code }, order });
  }
  candidates.sort(
    (x, y) => x.span.start - y.span.start || y.span.end - x.span.end || x.order - y.order,
  );
  const spans: Span[] = [];
  for (const { span } of candidates) {
    const last = spans[spans.length - 1];
    if (last !== undefined && span.start < last.end) {
      acc.dropped(
        item,
        media,
        span.annotation,
        'overlap',
        {
          start: span.start,
          end: span.end,
          kept: last.annotation.id,
          keptStart: last.start,
          keptEnd: last.end,
          keptLabel: last.label,
        },
        'ranges',
      );
      continue;
    }
    spans.push(span);
  }
  return { item, media, text, spans, relations };
}

/** A relation as spaCy lines hold it: head and child spans in code points, and its label. */
export interface SpanRelation {
  readonly head: Span;
  readonly child: Span;
  readonly label: string;
}

/**
 * The relations of a media whose two ends are entities written (`written` maps each written
 * entity's annotation to its span; an id held by two annotations means the first, as in DM
 * v1); each other relation is dropped, saying which end and why. A relation without a class is
 * dropped (`noClass`). Relation labels are the relation's class code (the class map lists
 * entity classes; relation classes are not checked against it).
 */
export function relationsOf(
  doc: PreparedMedia,
  written: ReadonlyMap<Annotation, Span>,
  acc: Accountant,
): SpanRelation[] {
  const byId = new Map<string, Annotation>();
  for (const a of doc.media.annotations) {
    if (!byId.has(a.id)) {
      byId.set(a.id, a);
    }
  }
  const out: SpanRelation[] = [];
  for (const r of doc.relations) {
    if (r.classCode === null) {
      acc.dropped(doc.item, doc.media, r, 'noClass');
      continue;
    }
    let failed = false;
    const ends: Span[] = [];
    for (const [end, target] of [
      ['head', r.from],
      ['child', r.to],
    ] as const) {
      const a = byId.get(target);
      const span = a === undefined ? undefined : written.get(a);
      if (span !== undefined) {
        ends.push(span);
        continue;
      }
      const why =
        a === undefined
          ? `is not an annotation of ${doc.media.id}`
          : a.kind !== 'named-entity'
            ? `is a ${a.kind}, not a named entity`
            : 'was not written (see its own drop)';
      acc.dropped(doc.item, doc.media, r, 'relationEnd', { relation: r.id, end, target, why });
      failed = true;
      break;
    }
    const [head, child] = ends;
    if (!failed && head !== undefined && child !== undefined) {
      out.push({ head, child, label: r.classCode });
      acc.written(doc.item, doc.media, r);
    }
  }
  return out;
}

/** Code point offsets of a span (spaCy counts code points of a Python `str`). */
export function codePointSpan(map: OffsetMap, s: Span): [number, number] {
  return [map.toCodePoint(s.start), map.toCodePoint(s.end)];
}
