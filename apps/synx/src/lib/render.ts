import type { ExportPlan, ExportSummary, KindCounts, SplitSummary } from '@synx/export';
import type { DownloadProgress } from '@synx/media-downloader';
import type { SourceInfo } from '@synx/model';
import type { OutputFile } from '@synx/plugin-api';

// Created on first use: building a number format loads ICU data (~15 ms of every start).
let nf: Intl.NumberFormat | undefined;
export const n = (v: number): string => (nf ??= new Intl.NumberFormat('en-US')).format(v);

export function duration(ms: number): string {
  return ms < 1000
    ? `${Math.round(ms)} ms`
    : ms < 60_000
      ? `${(ms / 1000).toFixed(1)} s`
      : `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}

function plural(count: number, one: string, many = `${one}s`): string {
  return `${n(count)} ${count === 1 ? one : many}`;
}

export function describeSource(source: SourceInfo, project: ExportPlan['project']): string {
  if (source.kind === 'synapse-folder') {
    return `Synapse export folder ${source.path ?? ''}${project?.title === undefined ? '' : ` ("${project.title}")`}`;
  }
  const what =
    source.target === 'ground_truth'
      ? `ground-truth version ${String(source.gtVersionId ?? '?')}`
      : `${source.target === 'task' ? 'tasks' : 'assignments'} of project ${String(source.projectId ?? '?')}`;
  return `Synapse ${source.host ?? ''}, ${what}${project?.title === undefined ? '' : ` ("${project.title}")`}`;
}

function kindList(counts: Readonly<Record<string, number | undefined>>): string {
  const parts = Object.entries(counts)
    .filter(([, v]) => (v ?? 0) > 0)
    .map(([k, v]) => `${k} ${n(v ?? 0)}`);
  return parts.length === 0 ? 'none' : parts.join(' · ');
}

function classOrigin(origin: string): string {
  return origin === 'project'
    ? 'from the project configuration, in configured order'
    : origin === 'class-map'
      ? 'from your class map'
      : 'found in the data, sorted (no project configuration: ids may change between exports)';
}

/** Bytes as B, kB, MB, GB (decimal). */
export function bytes(v: number): string {
  return v < 1000
    ? `${Math.round(v)} B`
    : v < 1e6
      ? `${(v / 1e3).toFixed(1)} kB`
      : v < 1e9
        ? `${(v / 1e6).toFixed(1)} MB`
        : `${(v / 1e9).toFixed(2)} GB`;
}

/** The media part of the status line: files, bytes, rate, ETA. */
export function renderMediaProgress(p: DownloadProgress): string {
  return `media ${n(p.filesDone)}/${n(p.filesTotal)} files · ${bytes(p.bytesDone)}${p.bytesTotal > 0 ? ` of ${bytes(p.bytesTotal)}` : ''} · ${bytes(p.rate)}/s${p.etaS === undefined ? '' : ` · ETA ${duration(p.etaS * 1000)}`}`;
}

const pct = (v: number): string => `${(v * 100).toFixed(1)}%`;

/**
 * The split lines of a plan or report: items per split against the target, then per class the
 * count in each split and the largest deviation from the target share.
 */
export function renderSplit(split: SplitSummary, indent = '  '): string[] {
  const lines: string[] = [];
  const how =
    split.mode === 'ground-truth'
      ? "the ground-truth version's categories"
      : `${split.mode === 'stratified' ? 'stratified' : 'seeded hash'}, seed ${String(split.seed ?? 0)}${split.groupBy === undefined ? '' : `, grouped by ${split.groupBy}${split.groups === undefined ? '' : ` (${n(split.groups)} groups)`}`}`;
  lines.push(`${indent}split        ${how}`);
  split.names.forEach((name, j) => {
    const items = split.items[j] ?? 0;
    const total = split.items.reduce((a, b) => a + b, 0);
    const target = split.ratios?.[j];
    lines.push(
      `${indent}  ${name.padEnd(6)} ${n(items).padStart(9)} items${total > 0 ? ` (${pct(items / total)}${target === undefined ? '' : ` of ${pct(target)}`})` : ''}${items === 0 ? '  ← EMPTY: a trainer fails on an empty split' : ''}`,
    );
  });
  if (split.classes.length > 0) {
    lines.push(`${indent}  per class (${split.names.join(' / ')}; largest deviation from target):`);
    for (const c of split.classes.slice(0, 30)) {
      lines.push(
        `${indent}    ${c.label.padEnd(16)} ${c.counts.map((v) => n(v)).join(' / ')}${split.mode === 'ground-truth' ? '' : `  ±${(c.maxDeviation * 100).toFixed(1)} pt${c.floor >= 0.0005 ? ` (best possible ±${(c.floor * 100).toFixed(1)})` : ''}`}`,
      );
    }
    if (split.classes.length > 30) {
      lines.push(`${indent}    … ${n(split.classes.length - 30)} more`);
    }
  }
  if (split.maxDeviation !== undefined) {
    lines.push(
      `${indent}  largest deviation ${(split.maxDeviation.value * 100).toFixed(1)} pt (${split.maxDeviation.label} in ${split.maxDeviation.split})`,
    );
  }
  for (const note of split.notes) {
    lines.push(`${indent}  note: ${note}`);
  }
  return lines;
}

/** "N of M items" of a sampled plan, for the line that says the counts are estimates. */
function sampledOf(plan: ExportPlan): string {
  const s = plan.sampled;
  return s.of === undefined
    ? `${n(s.items)} items (total unknown)`
    : `${n(s.items)} of ${n(s.of)} items`;
}

/**
 * Items behind one line of a plan's output tree: a split's folder or file holds that split's
 * items, a per-item path (`<image stem>`) all of them; other lines (a label map) none.
 */
function layoutItems(plan: ExportPlan, line: string): string | undefined {
  const est = plan.sampled.exact ? '' : '≈';
  const split = plan.split;
  if (split !== undefined) {
    for (const [i, name] of split.names.entries()) {
      if (new RegExp(`(^|[/_ ])${name}([/._ ]|$)`).test(line.split(' (')[0] ?? line)) {
        return `${est}${n(split.items[i] ?? 0)} items`;
      }
    }
  }
  return line.includes('<') || /\/\s*$/.test(line.split(' (')[0] ?? line)
    ? `${est}${n(plan.items)} items`
    : undefined;
}

/** The `--dry-run` plan as text. */
export function renderPlan(plan: ExportPlan, options: { heading?: string } = {}): string {
  const lines: string[] = [];
  const exact = plan.sampled.exact;
  // Counts of a sample are those of the sampled items, never scaled: say so where they show.
  const inSample = exact ? '' : ` (in ${n(plan.sampled.items)} sampled items)`;
  lines.push(options.heading ?? 'Plan (dry run — nothing is written)');
  lines.push(`  source       ${describeSource(plan.source, plan.project)}`);
  lines.push(`  format       ${plan.format.title} (${plan.format.id}) → ${plan.output}`);
  if (!exact) {
    lines.push(
      `  counts       estimated from ${sampledOf(plan)} (sampled; --dry-run --full for exact counts)`,
    );
  }
  lines.push(
    exact
      ? `  items        ${n(plan.items)}${plan.images === 0 && Object.keys(plan.mediaKinds).some((k) => k !== 'image') ? '' : ` (${plural(plan.images, 'image')}, ${n(plan.emptyImages)} without objects${plan.orientedImages > 0 ? `, ${n(plan.orientedImages)} EXIF-rotated` : ''})`}`
      : `  items        ${n(plan.items)}; in ${n(plan.sampled.items)} sampled items: ${plural(plan.images, 'image')}, ${n(plan.emptyImages)} without objects${plan.orientedImages > 0 ? `, ${n(plan.orientedImages)} EXIF-rotated` : ''}`,
  );
  const media = Object.entries(plan.mediaKinds).filter(([k]) => k !== 'image');
  if (media.length > 0) {
    lines.push(`  other media  ${media.map(([k, v]) => `${k} ${n(v)}`).join(' · ')}${inSample}`);
  }
  lines.push(
    `  annotations  ${kindList(Object.fromEntries(Object.entries(plan.annotations).sort(([a], [b]) => (a < b ? -1 : 1))))}${inSample}`,
  );
  if (plan.statuses.length > 0) {
    lines.push(`  statuses     ${valueList(plan.statuses)}${inSample}`);
  }
  if (plan.tags.length > 0) {
    lines.push(`  tags         ${valueList(plan.tags)}${inSample}`);
  }
  const used = plan.classes.filter((c) => c.count > 0);
  lines.push(
    `  classes      ${n(plan.classes.length)} ${classOrigin(plan.classOrigin)}; ${n(used.length)} used${inSample}`,
  );
  for (const c of plan.classes.slice(0, 30)) {
    lines.push(
      `    ${String(c.id ?? c.index).padStart(4)}  ${c.code}${c.name !== c.code ? ` (${c.name})` : ''}  ${n(c.count)}`,
    );
  }
  if (plan.classes.length > 30) {
    lines.push(`    … ${n(plan.classes.length - 30)} more`);
  }
  if (plan.unknownClasses.length > 0) {
    lines.push(
      `  not in the class map (no id; dropped from formats that need one): ${plan.unknownClasses.map((u) => `${u.code} ${n(u.count)}`).join(' · ')}${inSample}`,
    );
  }
  if (plan.losses.length === 0 && plan.withheld.length === 0) {
    lines.push(
      `  ${plan.format.title} holds everything the source has${exact ? '' : ' (as far as the sample shows)'}.`,
    );
  } else {
    lines.push(`  what ${plan.format.title} cannot hold as is${inSample}:`);
    for (const w of plan.withheld) {
      lines.push(
        `    - ${plural(w.count, 'annotation')} on ${w.kind} media: dropped — ${w.reason}`,
      );
    }
    for (const l of plan.losses) {
      const t = l.treatment;
      lines.push(
        `    - ${n(l.count)} ${l.feature}: ${t.action === 'convert' ? `converted to ${t.to} — ${t.note}` : t.action === 'drop' ? `dropped — ${t.reason}` : 'kept'}`,
      );
    }
  }
  if (plan.split !== undefined) {
    lines.push(...renderSplit(plan.split));
  }
  lines.push('  output');
  const width = Math.max(
    0,
    ...plan.layout.filter((l) => layoutItems(plan, l) !== undefined).map((l) => l.length),
  );
  for (const l of plan.layout) {
    const items = layoutItems(plan, l);
    lines.push(items === undefined ? `    ${l}` : `    ${l.padEnd(width)}  ${items}`);
  }
  lines.push(
    '    synx-export.json (manifest), synx-issues.jsonl (when there are issues), report.html (the visual report)',
  );
  for (const note of plan.notes) {
    lines.push(`  note: ${note}`);
  }
  if (plan.issues.errors + plan.issues.warnings > 0) {
    lines.push(
      `  issues       ${plural(plan.issues.errors, 'error')}, ${plural(plan.issues.warnings, 'warning')}${inSample}`,
    );
    for (const c of plan.issues.byCode.slice(0, 10)) {
      lines.push(`    ${c.severity} ${c.code} ×${n(c.count)}: ${c.example}`);
    }
  }
  return lines.join('\n');
}

/** `value count · value count`, the ten most frequent, then how many more. */
function valueList(values: readonly { value: string; count: number }[]): string {
  const shown = values.slice(0, 10).map((v) => `${v.value} ${n(v.count)}`);
  if (values.length > 10) {
    shown.push(`… ${n(values.length - 10)} more`);
  }
  return shown.join(' · ');
}

function sum(counts: KindCounts): number {
  return Object.values(counts).reduce((a, b) => a + b, 0);
}

/** The counts of one output: `997 images, 4,231 annotations` (files first for a folder). */
function outputCounts(o: OutputFile): string {
  const parts: string[] = [];
  if (o.files !== undefined) {
    parts.push(plural(o.files, 'file'));
  }
  if (o.images !== undefined) {
    parts.push(plural(o.images, 'image'));
  }
  if (o.annotations !== undefined) {
    parts.push(plural(o.annotations, 'annotation'));
  }
  return parts.join(', ');
}

/** One line per output, paths aligned: `annotations/instances_train.json — 997 images, …`. */
export function renderOutputs(outputs: readonly OutputFile[], indent = '    '): string[] {
  const width = Math.max(0, ...outputs.map((o) => o.path.length));
  return outputs.map((o) => {
    const counts = outputCounts(o);
    return counts === '' ? `${indent}${o.path}` : `${indent}${o.path.padEnd(width)} — ${counts}`;
  });
}

/** Classes shown in the report; the rest are summed up in one line. */
const REPORT_CLASSES = 20;

/** The final report of an export as text. */
export function renderSummary(s: ExportSummary, relOutput: string): string {
  const a = s.counts.annotations;
  const lines: string[] = [];
  lines.push(
    `Exported ${plural(s.counts.items, 'item')}${s.counts.images === 0 && s.counts.items > 0 ? '' : ` (${plural(s.counts.images, 'image')}, ${n(s.counts.emptyImages)} without objects)`} as ${s.format} to ${relOutput} in ${duration(s.durationMs)}`,
  );
  lines.push(`  source       ${describeSource(s.source, s.project)}`);
  lines.push(`  annotations  ${n(sum(a.in))} in: ${kindList(a.in)}`);
  lines.push(
    `               ${n(sum(a.written))} written, ${n(sum(a.converted))} converted, ${n(sum(a.dropped))} dropped`,
  );
  for (const g of s.converted) {
    lines.push(`    converted ${n(g.count)} ${g.kind}: ${g.reason}`);
  }
  for (const g of s.dropped) {
    lines.push(
      `    dropped   ${n(g.count)} ${g.kind}: ${g.reason} (e.g. item ${g.items.join(', ')})`,
    );
  }
  lines.push(`  classes      ${n(s.classes.entries.length)} ${classOrigin(s.classes.origin)}`);
  // Most annotations first; ties in class-map order.
  const classes = [...s.classes.entries].sort((x, y) => y.annotations - x.annotations);
  const codeWidth = Math.max(0, ...classes.slice(0, REPORT_CLASSES).map((c) => c.code.length));
  for (const c of classes.slice(0, REPORT_CLASSES)) {
    lines.push(
      `    ${String(c.id ?? c.index).padStart(4)}  ${c.code.padEnd(codeWidth)}  ${n(c.annotations).padStart(9)} annotations${s.counts.images === 0 && s.counts.items > 0 ? '' : ` · ${plural(c.objects, 'object')} on ${plural(c.images, 'image')}`}${c.name !== c.code ? `  (${c.name})` : ''}`,
    );
  }
  if (classes.length > REPORT_CLASSES) {
    const rest = classes.slice(REPORT_CLASSES);
    lines.push(
      `    … ${n(rest.length)} more (${plural(
        rest.reduce((a, c) => a + c.annotations, 0),
        'annotation',
      )})`,
    );
  }
  if (s.split !== undefined) {
    lines.push(...renderSplit(s.split));
  }
  if (s.counts.orientedImages > 0) {
    const upright = s.media?.transformed.orientation === 'apply';
    lines.push(
      upright
        ? `  note         ${n(s.counts.orientedImages)} EXIF-rotated image(s): saved turned upright (tag removed), so every loader sees what was annotated`
        : `  note         ${n(s.counts.orientedImages)} EXIF-rotated image(s): sizes and coordinates are as displayed; loaders that ignore EXIF (PIL, torchvision) see ${s.media === undefined ? 'the originals' : 'the saved files'} rotated${s.media === undefined ? '' : ' (--media-orientation apply turns them upright)'}`,
    );
  }
  if (s.counts.unsizedImages > 0) {
    lines.push(`  warning      ${n(s.counts.unsizedImages)} image(s) of unknown size`);
  }
  lines.push(
    `  issues       ${plural(s.issues.errors, 'error')}, ${plural(s.issues.warnings, 'warning')}${s.issues.file === undefined ? '' : ` (all in ${relOutput}/${s.issues.file})`}`,
  );
  for (const c of s.issues.byCode.slice(0, 10)) {
    lines.push(
      `    ${c.severity} ${c.code} ×${n(c.count)}: ${c.example}${c.items.length > 0 ? ` (items ${c.items.join(', ')})` : ''}`,
    );
  }
  if (s.media !== undefined) {
    const m = s.media;
    const how = m.mode === 'download' ? 'downloaded' : m.mode === 'copy' ? 'copied' : 'linked';
    lines.push(
      `  media        ${n(m.files)} files: ${n(m.mode === 'download' ? m.downloaded : m.mode === 'copy' ? m.copied : m.linked + m.copied)} ${how}${m.resumed > 0 ? ` (${n(m.resumed)} resumed)` : ''}, ${n(m.skipped)} already there, ${n(m.failedCount)} missing · ${bytes(m.bytes)} in ${duration(m.durationMs)}${m.retries + m.refreshes > 0 ? ` · ${n(m.retries)} retries, ${n(m.refreshes)} expired URLs refreshed` : ''}`,
    );
    const t = m.transformed;
    const transcoded = Object.entries(t.transcoded);
    if (t.oriented + transcoded.length + t.earlier > 0) {
      lines.push(
        `    rewritten  ${[
          t.oriented > 0 ? `${n(t.oriented)} turned upright (EXIF orientation applied)` : '',
          ...transcoded.map(([from, c]) => `${n(c)} ${from.toUpperCase()} transcoded to JPEG`),
          t.earlier > 0 ? `${n(t.earlier)} rewritten by an earlier run` : '',
        ]
          .filter((x) => x !== '')
          .join(', ')}`,
      );
    }
    for (const f of m.failed.slice(0, 10)) {
      lines.push(`    missing ${f.file} (item ${f.itemId}): ${f.reason}`);
    }
    // Files whose source gives nothing to fetch stay missing; the others a rerun fetches.
    const retryable = m.failedCount - m.failed.filter((f) => f.code === 'no-source').length;
    if (retryable > 0) {
      lines.push(
        `    run the same command again to fetch only the ${n(retryable)} missing file(s)`,
      );
    }
  }
  if (s.outputs.length > 0) {
    lines.push(`  files        ${relOutput}/`);
    lines.push(...renderOutputs(s.outputs));
  }
  lines.push(
    `  time         ${duration(s.durationMs)}${s.durationMs > 0 && s.counts.items > 0 ? ` (${n(Math.round((s.counts.items * 1000) / s.durationMs))} items/s)` : ''}`,
  );
  lines.push(`  manifest     ${relOutput}/synx-export.json`);
  if (s.report !== undefined) {
    lines.push(`  report       ${s.report.split(s.output).join(relOutput)} (open in a browser)`);
  }
  if (s.loadHint !== undefined) {
    // The hint names the absolute folder; shown as the rest of the report names it.
    lines.push(`  load with    ${s.loadHint.split(s.output).join(relOutput)}`);
  }
  if (s.status === 'incomplete') {
    lines.push(
      `INCOMPLETE (exit code 10): ${plural(s.issues.errors, 'error')} — what did not reach the output is listed in ${relOutput}/${s.issues.file ?? 'synx-issues.jsonl'}.`,
      '  Run the same command again to retry what failed for a passing reason (network, media); it skips what is done. Problems in the data stay until the data is fixed.',
    );
  }
  return lines.join('\n');
}
