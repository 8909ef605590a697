import { classColor, esc, num } from './html.js';
import type { ReportDataClass, SampleMedia, SampleShape, Thumbnail } from './types.js';

/** The image size a sample's coordinates refer to, and whether it is only a guess. */
export function sampleSize(
  media: SampleMedia,
  thumb: Thumbnail | undefined,
): { width: number; height: number; guessed: boolean } {
  if (media.width !== null && media.height !== null) {
    return { width: media.width, height: media.height, guessed: false };
  }
  if (thumb !== undefined) {
    return { width: thumb.width, height: thumb.height, guessed: false };
  }
  // No size anywhere: a canvas that holds every shape.
  let maxX = 0;
  let maxY = 0;
  for (const s of media.shapes) {
    if (s.kind === 'bbox' || s.kind === 'keypoint') {
      maxX = Math.max(maxX, s.x + (s.kind === 'bbox' ? s.w : 0));
      maxY = Math.max(maxY, s.y + (s.kind === 'bbox' ? s.h : 0));
    } else if (s.kind !== 'mask') {
      for (let i = 0; i + 1 < s.points.length; i += 2) {
        maxX = Math.max(maxX, s.points[i] ?? 0);
        maxY = Math.max(maxY, s.points[i + 1] ?? 0);
      }
    }
  }
  return {
    width: Math.max(64, Math.ceil(maxX * 1.05)) || 640,
    height: Math.max(48, Math.ceil(maxY * 1.05)) || 480,
    guessed: true,
  };
}

function classOf(classes: readonly ReportDataClass[], slot: number): ReportDataClass | undefined {
  return slot < 0 ? undefined : classes[slot];
}

/** The common data attributes of a drawn shape. */
function attrs(
  kind: string,
  itemId: string,
  s: SampleShape,
  cls: ReportDataClass | undefined,
): string {
  return `data-kind="${kind}" data-item="${esc(itemId)}" data-id="${esc(s.id)}" data-class="${esc(cls?.code ?? '')}"`;
}

/**
 * The SVG of one sample image: the thumbnail (or a neutral canvas) stretched over
 * `viewBox="0 0 W H"` of the image's own size, so every shape is drawn at its pixel coordinates.
 */
export function sampleSvg(
  itemId: string,
  split: string,
  media: SampleMedia,
  thumb: Thumbnail | undefined,
  classes: readonly ReportDataClass[],
  skeleton: readonly (readonly [number, number])[],
  keypointNames: readonly string[],
): string {
  const { width: W, height: H } = sampleSize(media, thumb);
  const side = Math.max(W, H);
  const font = Math.max(8, Math.round(side / 30));
  const radius = num(Math.max(2, side / 160));
  const out: string[] = [
    `<svg class="sample" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" data-item="${esc(itemId)}" data-split="${esc(split)}" data-media="${esc(media.mediaId)}" data-width="${W}" data-height="${H}" role="img" aria-label="${esc(`${itemId} with ${media.objects} objects`)}">`,
  ];
  if (thumb !== undefined) {
    out.push(
      `<image href="${thumb.href}" x="0" y="0" width="${W}" height="${H}" preserveAspectRatio="none"/>`,
    );
  } else {
    out.push(`<rect class="canvas" x="0" y="0" width="${W}" height="${H}" fill="#d1d5db"/>`);
    out.push(
      `<text x="${num(W / 2)}" y="${num(H / 2)}" text-anchor="middle" dominant-baseline="middle" font-size="${font}" fill="#6b7280">media not saved</text>`,
    );
  }
  const labels: string[] = [];
  const label = (x: number, y: number, text: string, color: string, transform = ''): void => {
    // Above the shape when there is room, else just inside it.
    const ty = y - font * 0.3 > font ? y - font * 0.3 : y + font;
    labels.push(
      `<text class="tag" x="${num(x)}" y="${num(ty)}" font-size="${font}" fill="${color}"${transform}>${esc(text)}</text>`,
    );
  };
  // Fills first (masks, polygons), then outlines, then keypoints on top.
  for (const s of media.shapes) {
    const cls = classOf(classes, s.c);
    const color = classColor(s.c);
    const title = `<title>${esc(cls?.name ?? 'no class')} · ${s.kind} ${esc(s.id)}</title>`;
    if (s.kind === 'mask') {
      out.push(
        `<path ${attrs('mask', itemId, s, cls)} d="${s.path}" fill="${color}" fill-opacity="0.45" stroke="none">${title}</path>`,
      );
    }
  }
  for (const s of media.shapes) {
    const cls = classOf(classes, s.c);
    const color = classColor(s.c);
    const name = cls?.name ?? 'no class';
    const title = `<title>${esc(name)} · ${s.kind} ${esc(s.id)}</title>`;
    if (s.kind === 'polygon' || s.kind === 'polyline') {
      const points: string[] = [];
      for (let i = 0; i + 1 < s.points.length; i += 2) {
        points.push(`${num(s.points[i] ?? 0)},${num(s.points[i + 1] ?? 0)}`);
      }
      const fill = s.kind === 'polygon' ? `fill="${color}" fill-opacity="0.25"` : 'fill="none"';
      out.push(
        `<${s.kind} ${attrs(s.kind, itemId, s, cls)} points="${points.join(' ')}" ${fill} stroke="${color}" stroke-width="2" vector-effect="non-scaling-stroke" stroke-linejoin="round">${title}</${s.kind}>`,
      );
      if (s.tag && s.points.length >= 2) {
        let minX = Infinity;
        let minY = Infinity;
        for (let i = 0; i + 1 < s.points.length; i += 2) {
          minX = Math.min(minX, s.points[i] ?? 0);
          minY = Math.min(minY, s.points[i + 1] ?? 0);
        }
        label(minX, minY, name, color);
      }
    } else if (s.kind === 'bbox') {
      const rotated = s.r !== 0;
      const deg = (s.r * 180) / Math.PI;
      const transform = rotated
        ? ` transform="rotate(${num(deg)} ${num(s.x + s.w / 2)} ${num(s.y + s.h / 2)})"`
        : '';
      out.push(
        `<rect ${attrs(rotated ? 'rotated-bbox' : 'bbox', itemId, s, cls)} data-x="${num(s.x)}" data-y="${num(s.y)}" data-w="${num(s.w)}" data-h="${num(s.h)}"${rotated ? ` data-rotation="${String(Math.round(s.r * 1e6) / 1e6)}"` : ''} x="${num(s.x)}" y="${num(s.y)}" width="${num(s.w)}" height="${num(s.h)}"${transform} fill="${color}" fill-opacity="0.1" stroke="${color}" stroke-width="2" vector-effect="non-scaling-stroke">${title}</rect>`,
      );
      if (s.tag) {
        label(s.x, s.y, name, color, transform);
      }
    }
  }
  // Skeleton edges between the keypoints of one instance.
  if (skeleton.length > 0) {
    const byInstance = new Map<number, Map<number, SampleShape & { kind: 'keypoint' }>>();
    for (const s of media.shapes) {
      if (s.kind === 'keypoint' && s.inst >= 0 && s.k >= 0) {
        const points =
          byInstance.get(s.inst) ?? new Map<number, SampleShape & { kind: 'keypoint' }>();
        if (!points.has(s.k)) {
          points.set(s.k, s);
        }
        byInstance.set(s.inst, points);
      }
    }
    for (const [inst, points] of byInstance) {
      for (const [a, b] of skeleton) {
        const p = points.get(a);
        const q = points.get(b);
        if (p !== undefined && q !== undefined) {
          out.push(
            `<line data-kind="edge" data-item="${esc(itemId)}" data-instance="${inst}" x1="${num(p.x)}" y1="${num(p.y)}" x2="${num(q.x)}" y2="${num(q.y)}" stroke="${classColor(p.c)}" stroke-width="2" vector-effect="non-scaling-stroke"><title>${esc(keypointNames[a] ?? String(a))} – ${esc(keypointNames[b] ?? String(b))}</title></line>`,
          );
        }
      }
    }
  }
  for (const s of media.shapes) {
    if (s.kind === 'keypoint') {
      const cls = classOf(classes, s.c);
      out.push(
        `<circle ${attrs('keypoint', itemId, s, cls)} data-keypoint="${esc(s.name)}" cx="${num(s.x)}" cy="${num(s.y)}" r="${radius}" fill="${classColor(s.c)}" stroke="#ffffff" stroke-width="1.5" vector-effect="non-scaling-stroke"><title>${esc(s.name === '' ? 'keypoint' : s.name)}${s.inst < 0 ? ' (no instance)' : ''}</title></circle>`,
      );
    }
  }
  out.push(...labels);
  out.push('</svg>');
  return out.join('');
}
