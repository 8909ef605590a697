import { classMapFromList, type Annotation, type Item, type Media } from '@synx/model';
import { describe, expect, it } from 'vitest';
import {
  KIT_MESSAGES,
  messageText,
  REPORTED_AT_SOURCE,
  WriterKit,
  type AnnotationOutcome,
  type FormatContext,
  type FormatDescription,
} from '../src/index.js';

const base = { tool: 't', attributes: {} };
const box = (id: string, classCode: string | null, x = 0): Annotation => ({
  ...base,
  id,
  kind: 'bbox',
  classCode,
  x,
  y: 0,
  width: 10,
  height: 10,
});
const poly = (id: string, classCode: string | null): Annotation => ({
  ...base,
  id,
  kind: 'polygon',
  classCode,
  points: [
    { x: 0, y: 0 },
    { x: 5, y: 0 },
    { x: 5, y: 5 },
  ],
});
const group = (id: string, classCode: string | null, members: string[]): Annotation => ({
  ...base,
  id,
  kind: 'group',
  classCode,
  members: members.map((annotationId) => ({ annotationId, children: [] })),
});

function media(annotations: Annotation[]): { item: Item; media: Media } {
  const m: Media = { id: 'image_1', kind: 'image', width: 100, height: 100, annotations };
  const item: Item = { id: 'it1', sourceKind: 'folder', key: 'it1', stem: 'it1', media: [m] };
  return { item, media: m };
}

const MESSAGES = { polyline: 'no polylines here', label: 'as label {{code}}', tiny: 'too small' };
type Id = keyof typeof MESSAGES;

const description: FormatDescription<Id> = {
  kinds: {
    bbox: { action: 'keep' },
    polygon: { action: 'keep' },
    polyline: { action: 'drop', messageId: 'polyline' },
    'ungrouped-keypoint': { action: 'drop', messageId: 'tiny' },
    classification: { action: 'convert', to: 'label', messageId: 'label' },
  },
  splits: false,
  layout: () => ['x'],
  owns: ['x'],
};

function recorder(): { ctx: FormatContext<Id>; log: string[]; outcomes: AnnotationOutcome<Id>[] } {
  const outcomes: AnnotationOutcome<Id>[] = [];
  const log: string[] = [];
  const ctx: FormatContext<Id> = {
    apiVersion: 1,
    signal: new AbortController().signal,
    log: { debug: () => undefined },
    report: () => undefined,
    account: (o) => {
      outcomes.push(o);
      log.push(
        o.outcome === 'written'
          ? `${o.annotation.id} written`
          : `${o.annotation.id} ${o.outcome}: ${messageText(MESSAGES, o.messageId, o.data)}`,
      );
    },
  };
  return { ctx, log, outcomes };
}

const classes = classMapFromList([{ name: 'car' }, { name: 'person' }]);

describe('WriterKit.walk', () => {
  it('drops objects without a class or with an unknown one, and non-object kinds by their treatment', () => {
    const { ctx, log } = recorder();
    const kit = new WriterKit({ description, classes, ctx });
    const { item, media: m } = media([
      box('a', null),
      box('b', 'bus'),
      { ...base, id: 'k', kind: 'keypoint', classCode: 'nose', x: 1, y: 1 },
      { ...base, id: 'o', kind: 'other', classCode: null, reason: 'unknown-tool' },
      { ...base, id: 'r', kind: 'relation', classCode: null, from: 'a', to: 'b' },
      box('c', 'car'),
    ]);
    const seen: string[] = [];
    kit.walk(item, m, {
      object: (o) => {
        seen.push(`${o.cls.code}:${o.box?.id ?? '-'}`);
        o.keep(o.box as Annotation);
      },
    });
    expect(seen).toEqual(['car:c']);
    expect(log).toEqual([
      'k dropped: too small',
      'o dropped: not interpretable (unknown-tool); kept only in raw JSON',
      'r dropped: this format cannot hold relation annotations',
      'a dropped: the object has no class',
      'b dropped: class "bus" is not in the class map',
      'c written',
    ]);
  });

  it('splits extra boxes of a group into objects of the group class, extras first', () => {
    const { ctx, log } = recorder();
    const kit = new WriterKit({ description, classes, ctx });
    const { item, media: m } = media([
      group('g', 'person', ['b1', 'b2', 'p']),
      box('b1', null, 1),
      box('b2', null, 2),
      poly('p', null),
    ]);
    const objects: string[] = [];
    kit.walk(item, m, {
      object: (o) => {
        objects.push(`${o.cls.code}:${o.instance.parts.map((p) => p.id).join(',')}`);
        for (const p of o.instance.parts) {
          if (p.kind !== 'group') {
            o.keep(p);
          }
        }
      },
    });
    expect(objects[0]?.startsWith('person:')).toBe(true);
    expect(objects[0]).toContain('b2');
    expect(objects[1]).toBe('person:g,b1,p');
    // Every part accounted exactly once; the group is written with its object.
    expect([...log].sort()).toEqual(['b1 written', 'b2 written', 'g written', 'p written']);
  });

  it('dropRest cancels pending keeps; unsettled parts are accounted as unaccounted', () => {
    const { ctx, log } = recorder();
    const kit = new WriterKit({ description, classes, ctx });
    const { item, media: m } = media([
      group('g', 'car', ['b', 'p']),
      box('b', null),
      poly('p', null),
    ]);
    kit.walk(item, m, {
      object: (o) => {
        o.keep(o.box as Annotation);
        o.dropRest('tiny');
      },
    });
    expect(log).toEqual(['g dropped: too small', 'b dropped: too small', 'p dropped: too small']);

    const second = recorder();
    new WriterKit({ description, classes, ctx: second.ctx }).walk(item, m, {
      object: (o) => {
        o.keep(o.box as Annotation);
      },
    });
    expect(second.log).toEqual([
      'b written',
      'g written',
      `p dropped: ${KIT_MESSAGES.unaccounted}`,
    ]);
  });

  it('runs rest encoders with placeholders and catches a double account', () => {
    const { ctx, log } = recorder();
    const kit = new WriterKit({ description, classes, ctx });
    const cls: Annotation = { ...base, id: 'c', kind: 'classification', classCode: 'car' };
    const { item, media: m } = media([cls]);
    kit.walk(item, m, {
      rest: {
        classification: (a, s) => {
          s.convert('label', { code: a.classCode ?? '' });
        },
      },
      object: () => undefined,
    });
    expect(log).toEqual(['c converted: as label car']);
    expect(() => {
      kit.walk(item, m, {
        rest: {
          classification: (_a, s) => {
            s.keep();
            s.keep();
          },
        },
        object: () => undefined,
      });
    }).toThrow(/classification c of item it1 was accounted twice/);
  });
});

describe('messageText', () => {
  it('prefers the format text, falls back to the kit, shows missing placeholders and unknown ids', () => {
    expect(messageText({ noClass: 'needs a class' }, 'noClass')).toBe('needs a class');
    expect(messageText(undefined, 'unknownClass', { class: 'x' })).toBe(
      'class "x" is not in the class map',
    );
    expect(messageText(undefined, 'unknownClass')).toBe('class "<class>" is not in the class map');
    expect(messageText(undefined, 'nope')).toBe('nope');
    expect(messageText(undefined, 'uninterpretable')).toBe(
      'not interpretable; kept only in raw JSON',
    );
    expect(messageText(undefined, 'uninterpretable', { reason: 'no points' })).toBe(
      'not interpretable (no points); kept only in raw JSON',
    );
    expect(REPORTED_AT_SOURCE.has('unknownClass')).toBe(true);
    expect(REPORTED_AT_SOURCE.has('noClass')).toBe(false);
  });
});
