import { encodeJpeg } from '@synx/image-header';
import { SynapseFolderWriter } from '@synx/synapse-folder';

/** A small seeded PRNG (mulberry32). Never Math.random: synthetic data must be reproducible. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Options of {@link writeSyntheticFolder}. */
export interface SyntheticOptions {
  readonly outDir: string;
  readonly items: number;
  /** Average objects per item (each item gets 0 … 2×avg, seeded). Default 8. */
  readonly objectsPerItem?: number;
  /** Share of objects that also carry a polygon (grouped with their box). Default 0.2. */
  readonly polygonShare?: number;
  readonly classes?: readonly string[];
  readonly seed?: number;
  /** `jpeg`: a real, decodable grey JPEG per item; `none`: no media. Default `jpeg`. */
  readonly media?: 'jpeg' | 'none';
  /** Image sizes to draw from. */
  readonly sizes?: readonly (readonly [number, number])[];
  /** Pad each JPEG with a comment segment up to this many bytes (for download benchmarks). */
  readonly padMediaTo?: number;
  readonly onProgress?: (done: number) => void;
}

const DEFAULT_CLASSES = [
  'person',
  'car',
  'bicycle',
  'dog',
  'cat',
  'truck',
  'bus',
  'traffic light',
  'bench',
  'bird',
];
const DEFAULT_SIZES: readonly (readonly [number, number])[] = [
  [640, 480],
  [640, 427],
  [500, 375],
  [1280, 720],
  [1920, 1080],
];

function padJpeg(jpeg: Buffer, target: number): Buffer {
  if (jpeg.length >= target) {
    return jpeg;
  }
  // Insert COM segments (≤ 65533 bytes of payload each) right after SOI.
  const parts: Buffer[] = [jpeg.subarray(0, 2)];
  let missing = target - jpeg.length;
  while (missing > 4) {
    const payload = Math.min(65533, missing - 4);
    const seg = Buffer.alloc(payload + 4, 0x20);
    seg[0] = 0xff;
    seg[1] = 0xfe;
    seg.writeUInt16BE(payload + 2, 2);
    parts.push(seg);
    missing -= payload + 4;
  }
  parts.push(jpeg.subarray(2));
  return Buffer.concat(parts);
}

/**
 * Writes a seeded synthetic Synapse raw export folder: `items` images with boxes (and some
 * grouped polygons) in realistic sizes, a `project.json` with the classes, and header-valid grey
 * JPEGs. The same options always give the same bytes.
 */
export async function writeSyntheticFolder(
  options: SyntheticOptions,
): Promise<{ items: number; objects: number; polygons: number }> {
  const rand = mulberry32(options.seed ?? 42);
  const classes = options.classes ?? DEFAULT_CLASSES;
  const sizes = options.sizes ?? DEFAULT_SIZES;
  const avg = options.objectsPerItem ?? 8;
  const polyShare = options.polygonShare ?? 0.2;
  const writer = new SynapseFolderWriter(options.outDir);
  const schema = classes.map((c) => ({
    id: `class-${c}`,
    code: c,
    name: c,
    value: '#808080',
    attributes: [],
  }));
  await writer.writeProject({
    id: 1,
    title: `synthetic-${options.items}`,
    category: 'image',
    configuration: {
      schema_type: 'dm_schema',
      classification: {
        bounding_box: { classification_schema: schema },
        polygon: { classification_schema: schema },
        annotationGroup: { classification_schema: schema },
      },
    },
  });
  const jpegCache = new Map<string, Buffer>();
  let objects = 0;
  let polygons = 0;
  const width = String(options.items).length;
  for (let i = 0; i < options.items; i++) {
    const [w, h] = sizes[Math.floor(rand() * sizes.length)] ?? [640, 480];
    const n = Math.floor(rand() * (2 * avg + 1));
    const anns: Record<string, unknown>[] = [];
    const datas: Record<string, unknown>[] = [];
    for (let k = 0; k < n; k++) {
      const cls = classes[Math.floor(rand() ** 2 * classes.length)] ?? 'person';
      const bw = Math.round((8 + rand() * (w / 2)) * 100) / 100;
      const bh = Math.round((8 + rand() * (h / 2)) * 100) / 100;
      const x = Math.round(rand() * (w - bw) * 100) / 100;
      const y = Math.round(rand() * (h - bh) * 100) / 100;
      const id = `b${i.toString(36)}x${k.toString(36)}`;
      anns.push({
        id,
        tool: 'bounding_box',
        isLocked: false,
        isVisible: true,
        isValid: true,
        isDrawCompleted: true,
        classification: { class: cls },
        label: [cls],
      });
      datas.push({ id, coordinate: { x, y, width: bw, height: bh } });
      objects++;
      if (rand() < polyShare) {
        const pid = `p${i.toString(36)}x${k.toString(36)}`;
        const vertices = 8 + Math.floor(rand() * 16);
        const coordinate = Array.from({ length: vertices }, (_, v) => {
          const a = (2 * Math.PI * v) / vertices;
          return {
            x: Math.round((x + bw / 2 + (Math.cos(a) * bw) / 2) * 100) / 100,
            y: Math.round((y + bh / 2 + (Math.sin(a) * bh) / 2) * 100) / 100,
            id: `${pid}v${v}`,
          };
        });
        anns.push({ id: pid, tool: 'polygon', classification: { class: cls }, label: [cls] });
        datas.push({ id: pid, coordinate });
        const gid = `g${i.toString(36)}x${k.toString(36)}`;
        anns.push({ id: gid, tool: 'annotationGroup', classification: { class: cls } });
        datas.push({
          id: gid,
          annotationList: [
            { annotationId: id, children: [] },
            { annotationId: pid, children: [] },
          ],
        });
        polygons++;
      }
    }
    const stem = `img_${String(i).padStart(width, '0')}`;
    const data = {
      extra: { image_1: {} },
      annotations: { image_1: anns },
      annotationsData: { image_1: datas },
      relations: {},
      annotationGroups: {},
      assignmentId: null,
    };
    let media: { name: string; bytes: Uint8Array } | undefined;
    if ((options.media ?? 'jpeg') === 'jpeg') {
      const key = `${w}x${h}`;
      let bytes = jpegCache.get(key);
      if (bytes === undefined) {
        bytes = padJpeg(
          encodeJpeg({ width: w, height: h, shade: (px, py) => ((px + py) >> 4) & 0xff }),
          options.padMediaTo ?? 0,
        );
        jpegCache.set(key, bytes);
      }
      // Make every file unique (a comment with the stem) so checksums differ per item.
      const tag = Buffer.from(stem, 'utf8');
      const com = Buffer.alloc(tag.length + 4);
      com[0] = 0xff;
      com[1] = 0xfe;
      com.writeUInt16BE(tag.length + 2, 2);
      tag.copy(com, 4);
      media = {
        name: `${stem}.jpg`,
        bytes: Buffer.concat([bytes.subarray(0, 2), com, bytes.subarray(2)]),
      };
    }
    await writer.write({ stem, data, ...(media === undefined ? {} : { media }) });
    options.onProgress?.(i + 1);
  }
  return { items: options.items, objects, polygons };
}
