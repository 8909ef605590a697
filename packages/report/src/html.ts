/** Escapes text for HTML and SVG content and attribute values. */
export function esc(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

/** An integer with `,` thousands separators (locale-independent). */
export function int(n: number): string {
  const s = String(Math.round(n));
  return s.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** A share as a percentage with one decimal. */
export function pct(share: number): string {
  return `${(Math.round(share * 1000) / 10).toFixed(1)}%`;
}

/** A coordinate for SVG: at most two decimals, no `-0`. */
export function num(v: number): string {
  const r = Math.round(v * 100) / 100;
  return String(r === 0 ? 0 : r);
}

/** A length in pixels for axis labels: `12`, `1.4k`, `16k`. */
export function px(v: number): string {
  if (v >= 10000) {
    return `${Math.round(v / 1000)}k`;
  }
  if (v >= 1000) {
    return `${(Math.round(v / 100) / 10).toFixed(1)}k`;
  }
  return v >= 10 ? String(Math.round(v)) : String(Math.round(v * 10) / 10);
}

/** An area for axis labels: `256`, `16k`, `4M`. */
export function area(v: number): string {
  if (v >= 1_000_000) {
    return `${Math.round(v / 100_000) / 10}M`;
  }
  if (v >= 1000) {
    return `${Math.round(v / 100) / 10}k`;
  }
  return String(Math.round(v));
}

/** Categorical colours for classes (Tableau 10, then a second set), cycled. */
const CLASS_COLORS = [
  '#4e79a7',
  '#f28e2b',
  '#e15759',
  '#76b7b2',
  '#59a14f',
  '#edc948',
  '#b07aa1',
  '#ff9da7',
  '#9c755f',
  '#17becf',
  '#bcbd22',
  '#8c564b',
  '#1f77b4',
  '#d62728',
  '#9467bd',
  '#2ca02c',
];

/** The colour of a class slot; grey for no class. */
export function classColor(slot: number): string {
  return slot < 0 ? '#9ca3af' : (CLASS_COLORS[slot % CLASS_COLORS.length] ?? '#9ca3af');
}

const SPLIT_COLORS: Readonly<Record<string, string>> = {
  train: '#4e79a7',
  val: '#f28e2b',
  validation: '#f28e2b',
  test: '#59a14f',
};
const OTHER_SPLIT_COLORS = ['#b07aa1', '#76b7b2', '#edc948', '#9c755f'];

/** The colour of a split column (`''`, the whole export or unknown split: slate). */
export function splitColor(name: string, position: number): string {
  if (name === '') {
    return '#64748b';
  }
  return (
    SPLIT_COLORS[name] ?? OTHER_SPLIT_COLORS[position % OTHER_SPLIT_COLORS.length] ?? '#64748b'
  );
}
