import { XMLBuilder, XMLParser, XMLValidator } from 'fast-xml-parser';
import type { VocBox } from './coordinates.js';

/** One `<object>` as the writer emits it. */
export interface VocXmlObject {
  readonly name: string;
  readonly pose: string;
  readonly truncated: 0 | 1;
  readonly difficult: 0 | 1;
  readonly occluded: 0 | 1;
  /** CVAT-style `<attributes>`: every attribute that is not a VOC field, as text. */
  readonly attributes: readonly { readonly name: string; readonly value: string }[];
  readonly bndbox: VocBox;
}

/** One annotation file as the writer emits it. */
export interface VocXmlDocument {
  readonly folder: string;
  readonly filename: string;
  readonly width: number;
  readonly height: number;
  readonly depth: number;
  readonly objects: readonly VocXmlObject[];
}

// XML 1.0 allows tab, LF, CR and U+0020… except surrogates (unpaired ones) and U+FFFE/U+FFFF.
const NOT_XML_CHAR =
  // eslint-disable-next-line no-control-regex -- these are exactly the characters XML forbids
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * Text as XML 1.0 can hold it: characters XML forbids (control characters, unpaired
 * surrogates) become U+FFFD. Markup characters are escaped by the builder.
 */
export function xmlText(text: string): string {
  return text.replace(NOT_XML_CHAR, '\uFFFD');
}

// fast-xml-parser 5 marks its builder and validator deprecated in favour of the split-out
// fast-xml-builder / fast-xml-validator packages it re-exports; the team builds and parses with
// fast-xml-parser itself, so one dependency serves both directions.
// eslint-disable-next-line @typescript-eslint/no-deprecated -- see above
const builder = new XMLBuilder({
  format: true,
  indentBy: '  ',
  // Needed only for the declaration's version/encoding; content never uses `@_` keys.
  ignoreAttributes: false,
  processEntities: true,
  suppressEmptyNode: false,
});

/** Builds one VOC annotation file (UTF-8, with an XML declaration), every text escaped. */
export function buildVocXml(doc: VocXmlDocument): string {
  return builder.build({
    '?xml': { '@_version': '1.0', '@_encoding': 'UTF-8' },
    annotation: {
      folder: xmlText(doc.folder),
      filename: xmlText(doc.filename),
      source: { database: 'synx', annotation: 'Synapse' },
      size: { width: doc.width, height: doc.height, depth: doc.depth },
      segmented: 0,
      object: doc.objects.map((o) => ({
        name: xmlText(o.name),
        pose: xmlText(o.pose),
        truncated: o.truncated,
        difficult: o.difficult,
        occluded: o.occluded,
        ...(o.attributes.length === 0
          ? {}
          : {
              attributes: {
                attribute: o.attributes.map((a) => ({
                  name: xmlText(a.name),
                  value: xmlText(a.value),
                })),
              },
            }),
        bndbox: {
          xmin: o.bndbox.xmin,
          ymin: o.bndbox.ymin,
          xmax: o.bndbox.xmax,
          ymax: o.bndbox.ymax,
        },
      })),
    },
  });
}

const parser = new XMLParser({
  ignoreAttributes: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
  parseTagValue: false,
  trimValues: true,
  processEntities: true,
  isArray: (name, jpath) =>
    name === 'object' ||
    name === 'part' ||
    (name === 'attribute' && String(jpath).endsWith('.attributes.attribute')),
});

/** The parsed `<annotation>` element (and any well-formedness problem), or why there is none. */
export type ParsedVoc =
  | {
      readonly ok: true;
      readonly annotation: Readonly<Record<string, unknown>>;
      /** Set when the text is not well-formed XML but an `<annotation>` could still be read. */
      readonly problem: string | undefined;
    }
  | { readonly ok: false; readonly reason: string };

/**
 * Parses one VOC annotation file. Tolerant, as hand-made VOC files need: text that is not
 * well-formed XML (an unescaped `&`, say) is still read as far as the parser gets, with the
 * problem returned so the caller can report it.
 */
export function parseVocXmlText(text: string): ParsedVoc {
  // eslint-disable-next-line @typescript-eslint/no-deprecated -- see the builder above
  const valid = XMLValidator.validate(text);
  const problem =
    valid === true ? undefined : `not well-formed XML (line ${valid.err.line}: ${valid.err.msg})`;
  let doc: unknown;
  try {
    doc = parser.parse(text);
  } catch (err) {
    return { ok: false, reason: problem ?? (err as Error).message };
  }
  const annotation =
    typeof doc === 'object' && doc !== null
      ? (doc as Record<string, unknown>)['annotation']
      : undefined;
  if (typeof annotation !== 'object' || annotation === null || Array.isArray(annotation)) {
    return { ok: false, reason: problem ?? 'no <annotation> root element' };
  }
  return { ok: true, annotation: annotation as Record<string, unknown>, problem };
}
