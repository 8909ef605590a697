import { esc, int, num, pct } from './html.js';
import type { Histogram } from './types.js';

/*
 * Plain inline SVG charts: no script, no fonts, fixed viewBox widths (CSS scales them). Every
 * bar has a <title> for hovering.
 */

const W = 640;
const TEXT = '#374151';
const MUTED = '#6b7280';
const GRID = '#e5e7eb';

/** A series of a bar chart: a split or a class. */
export interface Series {
  readonly label: string;
  readonly color: string;
}

/** One row of a horizontal bar chart: a label and one value per series (stacked). */
export interface BarRow {
  readonly label: string;
  readonly values: readonly number[];
}

function svgOpen(width: number, height: number, label: string, cls = 'chart'): string {
  return `<svg class="${cls}" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${esc(label)}">`;
}

/** Truncates a label to `max` characters with an ellipsis. */
function clip(label: string, max: number): string {
  return label.length > max ? `${label.slice(0, max - 1)}…` : label;
}

/** Horizontal bars, one row per label, values stacked by series; the total at the end. */
export function barChart(
  rows: readonly BarRow[],
  series: readonly Series[],
  title: string,
  options: { readonly labelWidth?: number; readonly width?: number } = {},
): string {
  const width = options.width ?? W;
  const labelWidth = options.labelWidth ?? 150;
  const rowH = 22;
  const top = 4;
  const right = 64;
  const height = top + rows.length * rowH + 6;
  const max = Math.max(1, ...rows.map((r) => r.values.reduce((a, b) => a + b, 0)));
  const scale = (width - labelWidth - right) / max;
  const out: string[] = [svgOpen(width, height, title)];
  rows.forEach((row, i) => {
    const y = top + i * rowH;
    out.push(
      `<text x="${labelWidth - 8}" y="${y + 15}" text-anchor="end" font-size="12" fill="${TEXT}">${esc(clip(row.label, 22))}<title>${esc(row.label)}</title></text>`,
    );
    let x = labelWidth;
    row.values.forEach((v, j) => {
      if (v <= 0) {
        return;
      }
      const w = v * scale;
      const s = series[j];
      out.push(
        `<rect x="${num(x)}" y="${y + 3}" width="${num(Math.max(w, 1))}" height="${rowH - 6}" fill="${s?.color ?? MUTED}"><title>${esc(row.label)}${s === undefined || series.length < 2 ? '' : ` · ${esc(s.label)}`}: ${int(v)}</title></rect>`,
      );
      x += w;
    });
    const total = row.values.reduce((a, b) => a + b, 0);
    out.push(
      `<text x="${num(x + 6)}" y="${y + 15}" font-size="12" fill="${MUTED}">${int(total)}</text>`,
    );
  });
  out.push('</svg>');
  return out.join('');
}

/**
 * Class balance: per class a 100% bar split by the share of its objects in each split, with the
 * target ratios as dashed lines and the largest deviation at the end.
 */
export function balanceChart(
  rows: readonly BarRow[],
  series: readonly Series[],
  ratios: readonly number[] | null,
  title: string,
): string {
  const labelWidth = 150;
  const right = 80;
  const rowH = 24;
  const top = 4;
  const height = top + rows.length * rowH + 6;
  const span = W - labelWidth - right;
  const out: string[] = [svgOpen(W, height, title)];
  rows.forEach((row, i) => {
    const y = top + i * rowH;
    const total = row.values.reduce((a, b) => a + b, 0);
    out.push(
      `<text x="${labelWidth - 8}" y="${y + 16}" text-anchor="end" font-size="12" fill="${TEXT}">${esc(clip(row.label, 22))}<title>${esc(row.label)}</title></text>`,
    );
    out.push(
      `<rect x="${labelWidth}" y="${y + 3}" width="${span}" height="${rowH - 6}" fill="${GRID}"/>`,
    );
    let x = labelWidth;
    let deviation = 0;
    row.values.forEach((v, j) => {
      const share = total === 0 ? 0 : v / total;
      const target = ratios?.[j];
      if (target !== undefined) {
        deviation = Math.max(deviation, Math.abs(share - target));
      }
      if (v > 0) {
        const w = share * span;
        const s = series[j];
        out.push(
          `<rect x="${num(x)}" y="${y + 3}" width="${num(w)}" height="${rowH - 6}" fill="${s?.color ?? MUTED}"><title>${esc(row.label)} · ${esc(s?.label ?? '')}: ${int(v)} of ${int(total)} (${pct(share)}${target === undefined ? '' : `; target ${pct(target)}`})</title></rect>`,
        );
        x += w;
      }
    });
    if (ratios !== null) {
      let cum = 0;
      for (const r of ratios.slice(0, -1)) {
        cum += r;
        const lx = labelWidth + cum * span;
        out.push(
          `<line x1="${num(lx)}" x2="${num(lx)}" y1="${y}" y2="${y + rowH}" stroke="#111827" stroke-width="2" stroke-dasharray="3 2"/>`,
        );
      }
      out.push(
        `<text x="${labelWidth + span + 8}" y="${y + 16}" font-size="12" fill="${deviation > 0.1 ? '#b45309' : MUTED}">±${(Math.round(deviation * 1000) / 10).toFixed(1)} pt</text>`,
      );
    } else {
      out.push(
        `<text x="${labelWidth + span + 8}" y="${y + 16}" font-size="12" fill="${MUTED}">${int(total)}</text>`,
      );
    }
  });
  out.push('</svg>');
  return out.join('');
}

/** The used range of a histogram: first to last non-empty bin (at least `min` bins). */
function usedRange(counts: readonly number[], min: number): [number, number] {
  let a = counts.findIndex((c) => c > 0);
  let b = counts.length - 1 - [...counts].reverse().findIndex((c) => c > 0);
  if (a < 0) {
    return [0, Math.min(counts.length, min) - 1];
  }
  while (b - a + 1 < min && (a > 0 || b < counts.length - 1)) {
    if (a > 0) {
      a--;
    }
    if (b - a + 1 < min && b < counts.length - 1) {
      b++;
    }
  }
  return [a, b];
}

/** Vertical bars of a histogram over its used bins, with tick labels from `tick(lower)`. */
export function histogramChart(
  h: Histogram,
  title: string,
  options: {
    readonly tick: (lower: number, index: number) => string;
    /** The text of one bin for its tooltip. */
    readonly bin: (lower: number, upper: number | undefined) => string;
    readonly color?: string;
    readonly xLabel: string;
    readonly minBins?: number;
  },
): string {
  const width = 340;
  const height = 190;
  const left = 40;
  const bottom = 40;
  const top = 12;
  const right = 10;
  const [a, b] = usedRange(h.counts, options.minBins ?? 8);
  const counts = h.counts.slice(a, b + 1);
  const max = Math.max(1, ...counts);
  const plotW = width - left - right;
  const plotH = height - top - bottom;
  const bw = plotW / counts.length;
  const out: string[] = [svgOpen(width, height, title, 'chart hist')];
  for (const f of [0, 0.5, 1]) {
    const y = top + plotH - f * plotH;
    out.push(
      `<line x1="${left}" x2="${width - right}" y1="${num(y)}" y2="${num(y)}" stroke="${GRID}"/>`,
    );
    out.push(
      `<text x="${left - 6}" y="${num(y + 4)}" text-anchor="end" font-size="11" fill="${MUTED}">${int(f * max)}</text>`,
    );
  }
  const step = Math.max(1, Math.ceil(counts.length / 7));
  counts.forEach((c, i) => {
    const lower = h.lower[a + i] ?? 0;
    const upper = h.lower[a + i + 1];
    const x = left + i * bw;
    if (c > 0) {
      const bh = Math.max((c / max) * plotH, 1);
      out.push(
        `<rect x="${num(x + 1)}" y="${num(top + plotH - bh)}" width="${num(Math.max(bw - 2, 1))}" height="${num(bh)}" fill="${options.color ?? '#4e79a7'}"><title>${esc(options.bin(lower, upper))}: ${int(c)}</title></rect>`,
      );
    }
    if (i % step === 0) {
      out.push(
        `<text x="${num(x + bw / 2)}" y="${height - bottom + 15}" text-anchor="middle" font-size="11" fill="${MUTED}">${esc(options.tick(lower, a + i))}</text>`,
      );
    }
  });
  out.push(
    `<line x1="${left}" x2="${width - right}" y1="${top + plotH}" y2="${top + plotH}" stroke="${MUTED}"/>`,
  );
  out.push(
    `<text x="${left + plotW / 2}" y="${height - 6}" text-anchor="middle" font-size="11" fill="${TEXT}">${esc(options.xLabel)}</text>`,
  );
  out.push('</svg>');
  return out.join('');
}

/**
 * Image sizes as bubbles on a log grid (width bins across, height bins up); a bubble's area
 * grows with its image count.
 */
export function sizeGrid(
  cells: readonly (readonly [number, number, number])[],
  lower: readonly number[],
  title: string,
  tick: (v: number) => string,
): string {
  const width = 340;
  const height = 240;
  const left = 50;
  const bottom = 40;
  const top = 12;
  const right = 16;
  if (cells.length === 0) {
    return '';
  }
  const xs = cells.map((c) => c[0]);
  const ys = cells.map((c) => c[1]);
  const pad = (lo: number, hi: number): [number, number] => {
    const a = Math.max(0, Math.min(lo, hi - 3) - 1);
    const b = Math.min(lower.length - 1, Math.max(hi, lo + 3) + 1);
    return [a, b];
  };
  const [x0, x1] = pad(Math.min(...xs), Math.max(...xs));
  const [y0, y1] = pad(Math.min(...ys), Math.max(...ys));
  const plotW = width - left - right;
  const plotH = height - top - bottom;
  const cx = (i: number): number => left + ((i - x0 + 0.5) / (x1 - x0 + 1)) * plotW;
  const cy = (j: number): number => top + plotH - ((j - y0 + 0.5) / (y1 - y0 + 1)) * plotH;
  const max = Math.max(...cells.map((c) => c[2]));
  const rMax = Math.min(plotW / (x1 - x0 + 1), plotH / (y1 - y0 + 1)) / 2;
  const out: string[] = [svgOpen(width, height, title, 'chart grid')];
  for (let i = x0; i <= x1; i++) {
    out.push(
      `<line x1="${num(cx(i))}" x2="${num(cx(i))}" y1="${top}" y2="${top + plotH}" stroke="${GRID}"/>`,
    );
    if ((i - x0) % 2 === 0) {
      out.push(
        `<text x="${num(cx(i))}" y="${height - bottom + 15}" text-anchor="middle" font-size="11" fill="${MUTED}">${esc(tick(lower[i] ?? 0))}</text>`,
      );
    }
  }
  for (let j = y0; j <= y1; j++) {
    out.push(
      `<line x1="${left}" x2="${width - right}" y1="${num(cy(j))}" y2="${num(cy(j))}" stroke="${GRID}"/>`,
    );
    if ((j - y0) % 2 === 0) {
      out.push(
        `<text x="${left - 6}" y="${num(cy(j) + 4)}" text-anchor="end" font-size="11" fill="${MUTED}">${esc(tick(lower[j] ?? 0))}</text>`,
      );
    }
  }
  for (const [i, j, n] of cells) {
    const r = Math.max(3, rMax * Math.sqrt(n / max));
    const wl = lower[i] ?? 0;
    const hl = lower[j] ?? 0;
    out.push(
      `<circle cx="${num(cx(i))}" cy="${num(cy(j))}" r="${num(r)}" fill="#4e79a7" fill-opacity="0.6" stroke="#2c5282"><title>width ≥ ${esc(tick(wl))}, height ≥ ${esc(tick(hl))}: ${int(n)} image${n === 1 ? '' : 's'}</title></circle>`,
    );
  }
  out.push(
    `<text x="${left + plotW / 2}" y="${height - 6}" text-anchor="middle" font-size="11" fill="${TEXT}">width (px)</text>`,
  );
  out.push(
    `<text x="12" y="${top + plotH / 2}" text-anchor="middle" font-size="11" fill="${TEXT}" transform="rotate(-90 12 ${top + plotH / 2})">height (px)</text>`,
  );
  out.push('</svg>');
  return out.join('');
}

/** A legend of coloured swatches. */
export function legend(series: readonly Series[], extra = ''): string {
  return `<div class="legend">${series
    .map((s) => `<span><i style="background:${s.color}"></i>${esc(s.label)}</span>`)
    .join('')}${extra}</div>`;
}
