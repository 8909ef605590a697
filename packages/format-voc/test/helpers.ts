import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ClassMap, type ClassEntry, type Issue, type Item } from '@synx/model';
import type { ExportItem, WriteResult } from '@synx/plugin-api';
import { XMLParser } from 'fast-xml-parser';
import { afterAll } from 'vitest';
import {
  dmItem,
  recordingContext,
  type RecordedOutcome,
  type RecordingContext,
} from '@synx/format-testkit';
import { VocOptionsSchema, vocFormat } from '../src/index.js';

const root = mkdtempSync(join(tmpdir(), 'synx-voc-'));
afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

/** A fresh folder under the test's temporary root. */
export function tempDir(prefix = 'out-'): string {
  return mkdtempSync(join(root, prefix));
}

/** A fake context that records issues and outcomes. */
export const fakeContext = (): RecordingContext =>
  recordingContext({ messages: vocFormat.messages });

/** One image item from DM v1 annotations, as Synapse stores them. */
export function item(
  stem: string,
  anns: object[],
  datas: object[],
  options: { size?: [number, number] | null; depth?: number | null; fileName?: string } = {},
): Item {
  return dmItem(stem, anns, datas, {
    ...(options.size === null ? {} : { size: options.size ?? [100, 80] }),
    ...(options.depth === null ? {} : { depth: options.depth ?? 3 }),
    ...(options.fileName === undefined ? {} : { fileName: options.fileName }),
  });
}

/** A DM bounding box (annotation + data). */
export const box = (id: string, cls: string, c: object, attrs: object = {}) =>
  [
    { id, tool: 'bounding_box', classification: { class: cls, ...attrs } },
    { id, coordinate: c },
  ] as const;

/** A class map from codes (with optional colours). */
export function classMap(codes: readonly (string | { code: string; color: string })[]): ClassMap {
  return new ClassMap({
    origin: 'project',
    entries: codes.map((c, index): ClassEntry => {
      const code = typeof c === 'string' ? c : c.code;
      return {
        index,
        code,
        name: code,
        tools: ['bounding_box'],
        ...(typeof c === 'string' ? {} : { color: c.color }),
      };
    }),
  });
}

/** Drives `vocFormat.write` like the export pipeline does. */
export async function write(
  items: Item[],
  options: Record<string, unknown> = {},
  splits?: (string | undefined)[],
  classes: ClassMap = classMap(['car', 'person']),
  dir: string = tempDir(),
): Promise<{
  dir: string;
  outcomes: RecordedOutcome[];
  issues: Issue[];
  result: WriteResult;
}> {
  const { ctx, outcomes, issues } = fakeContext();
  async function* gen(): AsyncGenerator<ExportItem> {
    for (const [i, it] of items.entries()) {
      yield {
        item: it,
        split: splits?.[i],
        images: it.media.map((m) => {
          const fileName = m.file?.name ?? `${it.stem}.jpg`;
          return { media: m, fileName, stem: fileName.replace(/\.[^.]*$/, '') };
        }),
        stem: it.stem,
      };
    }
  }
  const opts = VocOptionsSchema.parse(options);
  const result = await vocFormat.write!(
    {
      classes,
      keypointNames: [],
      items: gen(),
      splits:
        splits === undefined
          ? undefined
          : [...new Set(splits)].filter((s): s is string => s !== undefined),
    },
    { dir },
    opts,
    ctx,
  );
  return { dir, outcomes, issues, result };
}

/** A parsed `<object>` of our output. */
export interface OurObject {
  name: string;
  pose: string;
  truncated: string;
  difficult: string;
  occluded: string;
  attributes?: { attribute: { name: string; value: string }[] };
  bndbox: { xmin: string; ymin: string; xmax: string; ymax: string };
}

/** A parsed annotation file of our output. */
export interface OurAnnotation {
  folder: string;
  filename: string;
  source: { database: string; annotation: string };
  size: { width: string; height: string; depth: string };
  segmented: string;
  object?: OurObject[];
}

const parser = new XMLParser({
  parseTagValue: false,
  ignoreDeclaration: true,
  isArray: (name) => name === 'object' || name === 'attribute',
});

/** Parses an annotation file we wrote. */
export function readOurs(path: string): OurAnnotation {
  const doc = parser.parse(readFileSync(path, 'utf8')) as { annotation: OurAnnotation };
  return doc.annotation;
}

/** The lines of an image-set file. */
export function lines(path: string): string[] {
  const text = readFileSync(path, 'utf8');
  return text === '' ? [] : text.replace(/\n$/, '').split('\n');
}

/** Numbers of a parsed bndbox. */
export function bndbox(o: OurObject): [number, number, number, number] {
  return [
    Number(o.bndbox.xmin),
    Number(o.bndbox.ymin),
    Number(o.bndbox.xmax),
    Number(o.bndbox.ymax),
  ];
}
