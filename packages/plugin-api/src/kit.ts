import {
  type Annotation,
  type AnnotationKind,
  boxOnlyInstance,
  type ClassEntry,
  type ClassMap,
  type Instance,
  instancesOf,
  type Item,
  type Media,
} from '@synx/model';
import type {
  AnnotationFeature,
  FormatContext,
  FormatDescription,
  KindTreatment,
  MessageData,
} from './format.js';
import type { KitMessageId } from './messages.js';

/** Accounting for one annotation outside an object (a classification, a relation…). */
export interface AnnotationScope<MessageId extends string> {
  readonly item: Item;
  readonly media: Media;
  /** Accounts the annotation as written. */
  keep(): void;
  convert(messageId: MessageId | KitMessageId, data?: MessageData): void;
  drop(messageId: MessageId | KitMessageId, data?: MessageData): void;
}

/**
 * One object handed to a format's encoder: an instance (a group's parts, or one ungrouped
 * annotation) of a known class with at most one box — the kit has already split extra boxes
 * of a group into objects of their own, and dropped objects without a (known) class.
 *
 * `keep` and `convert` take effect when the encoder returns (so a later `dropRest` still drops
 * them); `drop` is at once. When the encoder returns, every part it did not settle is accounted
 * by the kit: a group part as written when anything of the object was kept or converted (the
 * group became the object), anything else as `unaccounted` (a bug the report shows).
 */
export interface ObjectScope<MessageId extends string> {
  readonly item: Item;
  readonly media: Media;
  readonly instance: Instance;
  readonly cls: ClassEntry;
  /** The object's one box, if it has one. */
  readonly box: Instance['boxes'][number] | undefined;
  keep(a: Annotation): void;
  convert(a: Annotation, messageId: MessageId | KitMessageId, data?: MessageData): void;
  drop(a: Annotation, messageId: MessageId | KitMessageId, data?: MessageData): void;
  /** Drops every part not dropped yet, including parts kept or converted so far. */
  dropRest(messageId: MessageId | KitMessageId, data?: MessageData): void;
  /** True once the part was dropped, or kept or converted and not dropped since. */
  settled(a: Annotation): boolean;
}

/** What a format supplies to {@link WriterKit.walk}: small encoders, no walking. */
export interface MediaEncoders<MessageId extends string> {
  /** Encodes one object (see {@link ObjectScope}). */
  object(o: ObjectScope<MessageId>): void;
  /**
   * Encoders for annotations that form no object, by kind (e.g. `classification` → an image
   * label, `keypoint` → a keypoint of no object). A kind without one is dropped with its
   * `describe()` treatment's message (for a keypoint: feature `ungrouped-keypoint`); groups
   * without geometry and uninterpretable annotations are always the kit's.
   */
  readonly rest?: {
    readonly [K in AnnotationKind]?: (
      a: Extract<Annotation, { kind: K }>,
      s: AnnotationScope<MessageId>,
    ) => void;
  };
}

/** How a {@link WriterKit} is made. */
export interface WriterKitOptions<MessageId extends string> {
  /** What the format says it does for the options in use: drops use its treatments' messages. */
  readonly description: FormatDescription<MessageId>;
  readonly classes: ClassMap;
  readonly ctx: FormatContext<MessageId>;
  /**
   * Values for placeholders in the kit's messages as the format words them (e.g. a preset's
   * title); the `unsupported` message gets `format` (default the format's id) and `kind`.
   */
  readonly data?: MessageData;
}

const NO_DATA: MessageData = Object.freeze({});

/**
 * The writer kit: walks an image's annotations the same way for every format. It owns the
 * rules that are not a format's business — annotations that form no object, objects without a
 * class or with one outside the class map, a group with several boxes (one object per box, in
 * the group's class; the extra boxes first, as they come), the accounting of groups — so a
 * format supplies only small per-object encoders and the reasons it names by `messageId`.
 */
export class WriterKit<MessageId extends string> {
  readonly #ctx: FormatContext<MessageId>;
  readonly #classes: ClassMap;
  readonly #kinds: FormatDescription<MessageId>['kinds'];
  readonly #data: MessageData;

  constructor(options: WriterKitOptions<MessageId>) {
    this.#ctx = options.ctx;
    this.#classes = options.classes;
    this.#kinds = options.description.kinds;
    this.#data = options.data ?? NO_DATA;
  }

  /** Accounts one annotation of `media` as written. */
  keep(item: Item, media: Media, a: Annotation): void {
    this.#ctx.account({ item, media, annotation: a, outcome: 'written' });
  }

  /** Accounts one annotation of `media` as converted, with the reason's id. */
  convert(
    item: Item,
    media: Media,
    a: Annotation,
    messageId: MessageId | KitMessageId,
    data?: MessageData,
  ): void {
    this.#lossy('converted', item, media, a, messageId, data);
  }

  /** Accounts one annotation of `media` as dropped, with the reason's id. */
  drop(
    item: Item,
    media: Media,
    a: Annotation,
    messageId: MessageId | KitMessageId,
    data?: MessageData,
  ): void {
    this.#lossy('dropped', item, media, a, messageId, data);
  }

  #lossy(
    outcome: 'converted' | 'dropped',
    item: Item,
    media: Media,
    annotation: Annotation,
    messageId: MessageId | KitMessageId,
    data: MessageData | undefined,
  ): void {
    const merged = data === undefined ? this.#data : { ...this.#data, ...data };
    this.#ctx.account({ item, media, annotation, outcome, messageId, data: merged });
  }

  /** Drops every annotation of `media` (e.g. when the image size a format needs is unknown). */
  dropAll(item: Item, media: Media, messageId: MessageId | KitMessageId, data?: MessageData): void {
    for (const a of media.annotations) {
      this.drop(item, media, a, messageId, data);
    }
  }

  /** The message of a feature's drop (or conversion) treatment, else the kit's `unsupported`. */
  #treatment(feature: AnnotationFeature): KindTreatment<MessageId | KitMessageId> | undefined {
    return this.#kinds[feature];
  }

  #dropByTreatment(item: Item, media: Media, a: Annotation, feature: AnnotationFeature): void {
    const t = this.#treatment(feature);
    if (t?.action === 'drop') {
      this.drop(item, media, a, t.messageId, {
        format: 'this format',
        ...this.#data,
        kind: a.kind,
      });
    } else if (t === undefined) {
      this.drop(item, media, a, 'unsupported', {
        format: 'this format',
        ...this.#data,
        kind: a.kind,
      });
    } else {
      // Declared kept or converted, but the format gave no encoder for it.
      this.drop(item, media, a, 'unaccounted');
    }
  }

  /**
   * Walks one image: first the annotations that form no object (in order), then each object
   * (in the order of its first annotation). Every annotation is accounted exactly once.
   */
  walk(item: Item, media: Media, encoders: MediaEncoders<MessageId>): void {
    const { instances, rest } = instancesOf(media);
    for (const a of rest) {
      this.#rest(item, media, a, encoders);
    }
    for (const inst of instances) {
      this.#instance(item, media, inst, encoders);
    }
  }

  #rest(item: Item, media: Media, a: Annotation, encoders: MediaEncoders<MessageId>): void {
    if (a.kind === 'other') {
      this.drop(item, media, a, 'uninterpretable', { ...this.#data, reason: a.reason });
      return;
    }
    if (a.kind === 'group') {
      this.drop(item, media, a, 'emptyGroup');
      return;
    }
    const encode = encoders.rest?.[a.kind] as
      ((a: Annotation, s: AnnotationScope<MessageId>) => void) | undefined;
    if (encode === undefined) {
      this.#dropByTreatment(item, media, a, a.kind === 'keypoint' ? 'ungrouped-keypoint' : a.kind);
      return;
    }
    const state = { done: false };
    const once = (): void => {
      if (state.done) {
        throw new Error(`${a.kind} ${a.id} of item ${item.id} was accounted twice`);
      }
      state.done = true;
    };
    encode(a, {
      item,
      media,
      keep: () => {
        once();
        this.keep(item, media, a);
      },
      convert: (id, data) => {
        once();
        this.convert(item, media, a, id, data);
      },
      drop: (id, data) => {
        once();
        this.drop(item, media, a, id, data);
      },
    });
    if (!state.done) {
      this.drop(item, media, a, 'unaccounted');
    }
  }

  #instance(item: Item, media: Media, inst: Instance, encoders: MediaEncoders<MessageId>): void {
    const cls = inst.classCode === null ? undefined : this.#classes.get(inst.classCode);
    if (cls === undefined) {
      const id: KitMessageId = inst.classCode === null ? 'noClass' : 'unknownClass';
      const data = inst.classCode === null ? this.#data : { ...this.#data, class: inst.classCode };
      for (const p of inst.parts) {
        this.drop(item, media, p, id, data);
      }
      return;
    }
    const boxes = inst.boxes;
    if (boxes.length > 1) {
      // A second box in one group is a second object of the same class.
      for (let i = 1; i < boxes.length; i++) {
        const extra = boxes[i];
        if (extra !== undefined) {
          this.#object(item, media, boxOnlyInstance(inst, extra), cls, encoders);
        }
      }
      const extras = new Set<Annotation>(boxes.slice(1));
      this.#object(
        item,
        media,
        {
          ...inst,
          boxes: boxes.slice(0, 1),
          parts: inst.parts.filter((p) => !extras.has(p)),
        },
        cls,
        encoders,
      );
      return;
    }
    this.#object(item, media, inst, cls, encoders);
  }

  #object(
    item: Item,
    media: Media,
    inst: Instance,
    cls: ClassEntry,
    encoders: MediaEncoders<MessageId>,
  ): void {
    const scope = new Scope<MessageId>(this, item, media, inst, cls);
    encoders.object(scope);
    scope.commit();
  }
}

type Pending<MessageId extends string> =
  | { readonly outcome: 'written' }
  | {
      readonly outcome: 'converted';
      readonly messageId: MessageId | KitMessageId;
      readonly data: MessageData | undefined;
    };

const WRITTEN = Object.freeze({ outcome: 'written' as const });

class Scope<MessageId extends string> implements ObjectScope<MessageId> {
  readonly item: Item;
  readonly media: Media;
  readonly instance: Instance;
  readonly cls: ClassEntry;
  readonly #kit: WriterKit<MessageId>;
  /** Kept or converted parts, accounted at commit (insertion order); made on first use. */
  #pending: Map<Annotation, Pending<MessageId>> | undefined;
  #dropped: Set<Annotation> | undefined;

  constructor(
    kit: WriterKit<MessageId>,
    item: Item,
    media: Media,
    instance: Instance,
    cls: ClassEntry,
  ) {
    this.#kit = kit;
    this.item = item;
    this.media = media;
    this.instance = instance;
    this.cls = cls;
  }

  get box(): Instance['boxes'][number] | undefined {
    return this.instance.boxes[0];
  }

  keep(a: Annotation): void {
    if (this.#dropped?.has(a) !== true) {
      (this.#pending ??= new Map()).set(a, WRITTEN);
    }
  }

  convert(a: Annotation, messageId: MessageId | KitMessageId, data?: MessageData): void {
    if (this.#dropped?.has(a) !== true) {
      (this.#pending ??= new Map()).set(a, { outcome: 'converted', messageId, data });
    }
  }

  drop(a: Annotation, messageId: MessageId | KitMessageId, data?: MessageData): void {
    if (this.#dropped?.has(a) === true) {
      return;
    }
    this.#pending?.delete(a);
    (this.#dropped ??= new Set()).add(a);
    this.#kit.drop(this.item, this.media, a, messageId, data);
  }

  dropRest(messageId: MessageId | KitMessageId, data?: MessageData): void {
    for (const p of this.instance.parts) {
      this.drop(p, messageId, data);
    }
  }

  settled(a: Annotation): boolean {
    return this.#dropped?.has(a) === true || this.#pending?.has(a) === true;
  }

  commit(): void {
    const pending = this.#pending;
    const kept = pending !== undefined && pending.size > 0;
    if (pending !== undefined) {
      for (const [a, p] of pending) {
        if (p.outcome === 'written') {
          this.#kit.keep(this.item, this.media, a);
        } else {
          this.#kit.convert(this.item, this.media, a, p.messageId, p.data);
        }
      }
    }
    for (const p of this.instance.parts) {
      if (this.settled(p)) {
        continue;
      }
      if (p.kind === 'group' && kept) {
        // The group (and any nested group) became the object itself.
        this.#kit.keep(this.item, this.media, p);
      } else {
        this.#kit.drop(this.item, this.media, p, 'unaccounted');
      }
    }
  }
}
