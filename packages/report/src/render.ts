import { COUNT_BINS } from './bins.js';
import { balanceChart, barChart, histogramChart, legend, sizeGrid, type Series } from './charts.js';
import { sampleSvg } from './draw.js';
import { area, classColor, esc, int, pct, px, splitColor } from './html.js';
import type {
  ReportData,
  ReportOutcomeGroup,
  ReportSummary,
  SampleEntry,
  Thumbnail,
} from './types.js';

const CSS = `
:root{color-scheme:light;--fg:#111827;--muted:#6b7280;--line:#e5e7eb;--bg:#f8fafc;--card:#fff;--accent:#4e79a7}
*{box-sizing:border-box}
body{margin:0;font:14px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans","Liberation Sans",Arial,sans-serif;color:var(--fg);background:var(--bg)}
header{background:#1f2937;color:#f9fafb;padding:24px 32px 16px}
header h1{margin:0;font-size:24px;font-weight:650}
header .sub{color:#d1d5db;margin-top:4px}
header code{background:#374151;color:#e5e7eb}
header nav{margin-top:14px;display:flex;flex-wrap:wrap;gap:4px 16px}
header nav a{color:#93c5fd;text-decoration:none;font-size:13px}
header nav a:hover{text-decoration:underline}
main{max-width:1240px;margin:0 auto;padding:8px 32px 48px}
section{margin-top:28px}
h2{font-size:19px;margin:0 0 4px;padding-bottom:6px;border-bottom:2px solid var(--line)}
h3{font-size:15px;margin:18px 0 6px}
p.note{color:var(--muted);margin:6px 0 10px}
.badge{display:inline-block;padding:1px 8px;border-radius:999px;font-size:12px;font-weight:600;vertical-align:middle}
.complete{background:#dcfce7;color:#166534}.incomplete{background:#fef3c7;color:#92400e}.failed{background:#fee2e2;color:#991b1b}.running,.unknown{background:#e5e7eb;color:#374151}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(150px,1fr));gap:12px;margin-top:14px}
.card{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:10px 14px}
.card b{display:block;font-size:22px;font-weight:650}
.card span{color:var(--muted);font-size:12px}
.panel{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:12px 16px;margin-top:12px}
.row{display:grid;grid-template-columns:repeat(auto-fit,minmax(340px,1fr));gap:12px}
.row .panel h3{margin-top:0}
svg.chart{max-width:100%;height:auto;display:block}
table{border-collapse:collapse;width:100%;font-size:13px;background:var(--card)}
th,td{text-align:left;padding:5px 10px;border-bottom:1px solid var(--line);vertical-align:top}
th{font-weight:600;color:#374151;background:#f3f4f6}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
td.reason{max-width:520px}
.tablewrap{overflow-x:auto;border:1px solid var(--line);border-radius:8px;margin-top:10px}
.tablewrap table{border:0}
.legend{display:flex;flex-wrap:wrap;gap:4px 14px;font-size:12px;color:#374151;margin:6px 0}
.legend i{display:inline-block;width:11px;height:11px;border-radius:2px;margin-right:5px;vertical-align:-1px}
.legend i.dash{background:none;border-left:2px dashed #111827;width:2px;border-radius:0}
dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:2px 16px;margin:10px 0 0;font-size:13px}
dl.facts dt{color:var(--muted)}dl.facts dd{margin:0;word-break:break-word}
.gallery{display:grid;grid-template-columns:repeat(auto-fill,minmax(300px,1fr));gap:14px;margin-top:10px}
figure{margin:0;background:var(--card);border:1px solid var(--line);border-radius:8px;overflow:hidden}
svg.sample{width:100%;height:auto;aspect-ratio:4/3;display:block;background:#1f2937}
svg.sample text.tag{font-family:inherit;font-weight:600;paint-order:stroke;stroke:#fff;stroke-width:3px;stroke-linejoin:round}
figcaption{padding:8px 10px;font-size:12px;color:var(--muted)}
figcaption .id{color:var(--fg);font-weight:600;font-size:13px;display:block;overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
.tags span{display:inline-block;background:#eef2ff;color:#3730a3;border-radius:4px;padding:0 6px;margin:2px 4px 0 0}
.tags span.warn{background:#fef3c7;color:#92400e}
code{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:12px;background:#f3f4f6;padding:1px 4px;border-radius:4px}
footer{color:var(--muted);font-size:12px;text-align:center;padding:24px}
`;

/** Styles of the text parts (only in the page of an export with texts). */
const TEXT_CSS = `figure.text .ents{padding:10px 12px;line-height:2;min-height:64px;background:#f9fafb;border-bottom:1px solid var(--line)}
.ent{display:inline-block;margin:0 6px 2px 0;white-space:nowrap;max-width:100%;overflow:hidden;text-overflow:ellipsis}
.ent mark{color:var(--fg);border-bottom:2px solid;border-radius:3px;padding:1px 4px}
.ent b{font-size:10px;font-weight:700;margin-left:3px;letter-spacing:.02em}
.ents .more{color:var(--muted);font-size:12px}
`;

function sum(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0);
}

function card(value: string, label: string): string {
  return `<div class="card"><b>${value}</b><span>${esc(label)}</span></div>`;
}

function table(
  head: readonly string[],
  rows: readonly (readonly string[])[],
  numeric: readonly boolean[],
): string {
  const th = head
    .map((h, i) => `<th${numeric[i] === true ? ' class="n"' : ''}>${esc(h)}</th>`)
    .join('');
  const body = rows
    .map(
      (r) =>
        `<tr>${r.map((c, i) => `<td${numeric[i] === true ? ' class="n"' : ''}>${c}</td>`).join('')}</tr>`,
    )
    .join('');
  return `<div class="tablewrap"><table><thead><tr>${th}</tr></thead><tbody>${body}</tbody></table></div>`;
}

/**
 * What the export holds: texts (text media) and images. An export without texts renders the
 * image sections whatever its counts (as before texts were counted); a text export without
 * images leaves them out.
 */
function holds(data: ReportData): { readonly texts: boolean; readonly images: boolean } {
  const texts = sum(data.text.texts) > 0;
  return { texts, images: !texts || sum(data.counts.images) > 0 };
}

function splitSeries(data: ReportData): Series[] {
  return data.splits.map((s, i) => ({ label: s.label, color: splitColor(s.name, i) }));
}

function header(data: ReportData, summary: ReportSummary): string {
  const project = summary.project?.title;
  const format = summary.format;
  const status = summary.status ?? 'unknown';
  const known = ['complete', 'incomplete', 'failed', 'running'].includes(status)
    ? status
    : 'unknown';
  const sub = [
    project === undefined ? undefined : esc(project),
    format === undefined
      ? undefined
      : `${esc(format.title ?? format.id)} <code>${esc(format.id)}</code>`,
    `<span class="badge ${known}">${esc(status)}</span>`,
  ].filter((s) => s !== undefined);
  const has = holds(data);
  const nav = [
    ['overview', 'Overview'],
    ['splits', 'Splits'],
    ['classes', 'Classes'],
    ...(data.splits.length > 1 ? [['balance', 'Class balance']] : []),
    ...(has.texts ? [['texts', 'Texts']] : []),
    ...(has.images
      ? [
          ['boxes', 'Object sizes'],
          ['images', 'Images'],
        ]
      : []),
    ['outcomes', 'Converted and dropped'],
    ['issues', 'Issues'],
    ['gallery', 'Gallery'],
  ];
  return `<header><h1>Dataset report${project === undefined ? '' : ` — ${esc(project)}`}</h1><div class="sub">${sub.join(' · ')}</div><nav>${nav.map(([id = '', t = '']) => `<a href="#${id}">${esc(t)}</a>`).join('')}</nav></header>`;
}

function overview(data: ReportData, summary: ReportSummary): string {
  const c = data.counts;
  const ann = summary.counts?.annotations;
  const total = (k: Readonly<Partial<Record<string, number>>> | undefined): number | undefined =>
    k === undefined ? undefined : Object.values(k).reduce<number>((a, b) => a + (b ?? 0), 0);
  const inCount = total(ann?.in);
  const written = total(ann?.written);
  const converted = total(ann?.converted);
  const dropped = total(ann?.dropped);
  const has = holds(data);
  const classesUsed = data.classes.filter(
    (_, i) =>
      (has.images && sum(data.classObjects[i] ?? []) > 0) ||
      (has.texts && sum(data.text.classEntities[i] ?? []) > 0),
  ).length;
  const used = has.texts
    ? has.images
      ? 'classes with objects or entities / in class map'
      : 'classes with entities / in class map'
    : 'classes with objects / in class map';
  const cards = [
    card(int(sum(c.items)), 'items'),
    ...(has.images
      ? [card(int(sum(c.images)), 'images'), card(int(sum(c.objects)), 'objects (instances)')]
      : []),
    ...(has.texts
      ? [
          card(int(sum(data.text.texts)), 'texts'),
          card(int(sum(data.text.entities)), 'named entities'),
        ]
      : []),
    card(
      `${int(classesUsed)}<small style="font-size:13px;color:var(--muted)"> / ${int(data.classes.filter((k) => k.index !== null).length)}</small>`,
      used,
    ),
    ...(inCount === undefined ? [] : [card(int(inCount), 'annotations in')]),
    ...(written === undefined ? [] : [card(int(written), 'written as they are')]),
    ...(converted === undefined ? [] : [card(int(converted), 'converted')]),
    ...(dropped === undefined ? [] : [card(int(dropped), 'dropped')]),
    ...(summary.issues === undefined
      ? []
      : [
          card(
            `${int(summary.issues.errors ?? 0)}<small style="font-size:13px;color:var(--muted)"> / ${int(summary.issues.warnings ?? 0)}</small>`,
            'issues: errors / warnings',
          ),
        ]),
  ];
  const facts: [string, string][] = [];
  const exported = summary.counts?.items;
  if (exported !== undefined && exported !== sum(c.items)) {
    // `synx report` rebuilt the data from the files and found fewer (or more) items
    facts.push([
      'Warning',
      `the charts and the gallery hold ${int(sum(c.items))} of the ${int(exported)} items the export wrote: its format’s reader could not read the rest back from the files${summary.media === null ? ' (a reader may need the original images: export with <code>--save-original-files</code>)' : ''}`,
    ]);
  }
  const src = summary.source;
  if (src !== undefined) {
    const where = src.path ?? src.host;
    facts.push([
      'Source',
      `${esc(src.kind ?? 'unknown')}${where === undefined ? '' : ` <code>${esc(where)}</code>`}${src.target === undefined ? '' : ` · ${esc(src.target)}`}${src.projectId === undefined ? '' : ` · project ${esc(String(src.projectId))}`}${src.gtVersionId === undefined ? '' : ` · GT version ${esc(String(src.gtVersionId))}`}`,
    ]);
  }
  if (summary.format !== undefined) {
    const f = summary.format;
    facts.push([
      'Format',
      `${esc(f.title ?? f.id)} <code>${esc(f.id)}</code>${f.package === undefined ? '' : ` from ${esc(f.package)}${f.version === undefined ? '' : `@${esc(f.version)}`}`}`,
    ]);
  }
  if (summary.media !== undefined && summary.media !== null) {
    const m = summary.media;
    facts.push([
      'Media',
      `${int(m.files ?? 0)} original file(s) saved${m.mode === undefined ? '' : ` (${esc(m.mode)})`}${(m.failedCount ?? 0) > 0 ? ` · <b>${int(m.failedCount ?? 0)} missing</b>` : ''}`,
    ]);
  } else if (!has.images) {
    facts.push(['Media', 'originals not saved (the gallery lists the entities of sample texts)']);
  } else {
    facts.push([
      'Media',
      'originals not saved (<code>--save-original-files</code> draws them in the gallery)',
    ]);
  }
  if (summary.error !== undefined) {
    facts.push(['Error', `<code>${esc(summary.error.code)}</code> ${esc(summary.error.message)}`]);
  }
  const transformed = summary.media?.transformed;
  if ((summary.counts?.orientedImages ?? 0) > 0) {
    facts.push([
      'Note',
      transformed?.orientation === 'apply'
        ? `${int(summary.counts?.orientedImages ?? 0)} EXIF-rotated image(s): saved turned upright (tag removed), so every loader sees what was annotated`
        : `${int(summary.counts?.orientedImages ?? 0)} EXIF-rotated image(s): sizes and coordinates are as displayed; loaders that ignore EXIF (PIL, torchvision) see them rotated`,
    ]);
  }
  const transcoded = Object.entries(transformed?.transcoded ?? {});
  if (transcoded.length > 0) {
    facts.push([
      'Note',
      `${transcoded.map(([from, n]) => `${int(n)} ${esc(from.toUpperCase())}`).join(', ')} image(s) transcoded to JPEG, as the format requires`,
    ]);
  }
  return `<section id="overview"><h2>Overview</h2><div class="cards">${cards.join('')}</div><dl class="facts">${facts.map(([k, v]) => `<dt>${esc(k)}</dt><dd>${v}</dd>`).join('')}</dl></section>`;
}

function splits(data: ReportData, summary: ReportSummary): string {
  const c = data.counts;
  const t = data.text;
  const has = holds(data);
  const series = splitSeries(data);
  const totalItems = sum(c.items);
  const ratios = data.ratios;
  const split = summary.split;
  const rows = data.splits.map((s, i) => [
    `<span class="legend" style="margin:0;display:inline"><i style="background:${series[i]?.color ?? ''}"></i></span>${esc(s.label)}`,
    int(c.items[i] ?? 0),
    totalItems === 0 ? '' : pct((c.items[i] ?? 0) / totalItems),
    ratios?.[i] === undefined || s.name === '' ? '' : pct(ratios[i]),
    ...(has.images
      ? [int(c.images[i] ?? 0), int(c.emptyImages[i] ?? 0), int(c.objects[i] ?? 0)]
      : []),
    ...(has.texts ? [int(t.texts[i] ?? 0), int(t.entities[i] ?? 0), int(t.relations[i] ?? 0)] : []),
    int(Object.values(c.annotations).reduce((a, row) => a + (row[i] ?? 0), 0)),
  ]);
  const notes: string[] = [];
  if (data.splitUnknown) {
    notes.push(
      'The split of some items is not known from the files: they are counted under “split not known”.',
    );
  }
  if (data.splits.length === 1 && data.splits[0]?.name === '') {
    notes.push('The export is not split: every count is for the whole export.');
  }
  if (split !== undefined && split !== null) {
    const how = [
      split.mode === undefined ? undefined : `mode ${esc(split.mode)}`,
      split.seed === undefined ? undefined : `seed ${int(split.seed)}`,
      split.groupBy === undefined ? undefined : `grouped by <code>${esc(split.groupBy)}</code>`,
    ].filter((s) => s !== undefined);
    if (how.length > 0) {
      notes.push(`Split: ${how.join(' · ')}.`);
    }
    for (const n of split.notes ?? []) {
      notes.push(esc(n));
    }
  }
  const chart = (values: readonly number[], title: string): string =>
    `<div class="panel"><h3>${esc(title)}</h3>${barChart(
      data.splits.map((s, i) => ({
        label: s.label,
        values: data.splits.map((_, j) => (j === i ? (values[i] ?? 0) : 0)),
      })),
      series,
      title,
      { labelWidth: 80, width: 330 },
    )}</div>`;
  const head = [
    'split',
    'items',
    'share',
    'target',
    ...(has.images ? ['images', 'empty images', 'objects'] : []),
    ...(has.texts ? ['texts', 'entities', 'relations'] : []),
    'annotations',
  ];
  const charts = [
    chart(c.items, 'Items per split'),
    ...(has.images
      ? [chart(c.images, 'Images per split'), chart(c.objects, 'Objects per split')]
      : []),
    ...(has.texts
      ? [chart(t.texts, 'Texts per split'), chart(t.entities, 'Entities per split')]
      : []),
  ];
  return `<section id="splits"><h2>Splits</h2>${notes.map((n) => `<p class="note">${n}</p>`).join('')}${table(
    head,
    rows,
    head.map((_, i) => i > 0),
  )}<div class="row">${charts.join('')}</div></section>`;
}

function classes(data: ReportData): string {
  const series = splitSeries(data);
  const has = holds(data);
  const entities = data.text.classEntities;
  const texts = data.text.classTexts;
  const order = data.classes
    .map((k, i) => ({ k, i }))
    .filter(
      ({ i }) =>
        sum(data.classObjects[i] ?? []) + sum(data.classLabels[i] ?? []) + sum(entities[i] ?? []) >
          0 || data.classes[i]?.index !== null,
    );
  const withObjects = order.filter(
    ({ i }) => data.classes[i]?.index !== null || sum(data.classObjects[i] ?? []) > 0,
  );
  const labelRows = order.filter(({ i }) => sum(data.classLabels[i] ?? []) > 0);
  const label = (i: number): string => data.classes[i]?.name ?? '';
  const objectsChart = barChart(
    withObjects.map(({ i }) => ({ label: label(i), values: data.classObjects[i] ?? [] })),
    series,
    'Objects per class',
    { labelWidth: 150, width: 520 },
  );
  const imagesChart = barChart(
    withObjects.map(({ i }) => ({ label: label(i), values: data.classImages[i] ?? [] })),
    series,
    'Images per class',
    { labelWidth: 150, width: 520 },
  );
  const many = data.splits.length > 1;
  const perSplit = (name: string): string[] => [
    name,
    ...(many ? data.splits.map((s) => `${name} · ${s.label}`) : []),
  ];
  const head = [
    'class',
    'code',
    ...(has.images ? [...perSplit('objects'), ...perSplit('images')] : []),
    ...(has.texts ? [...perSplit('entities'), ...perSplit('texts')] : []),
    ...(has.images ? ['image labels'] : []),
  ];
  const cells = (row: readonly number[]): string[] => [
    int(sum(row)),
    ...(many ? row.map((n) => int(n)) : []),
  ];
  const rows = order.map(({ k, i }) => {
    const objects = data.classObjects[i] ?? [];
    const images = data.classImages[i] ?? [];
    const labels = data.classLabels[i] ?? [];
    return [
      `<span class="legend" style="margin:0;display:inline"><i style="background:${classColor(i)}"></i></span>${esc(k.name)}${k.index === null ? ' <span class="badge unknown">not in class map</span>' : ''}`,
      `<code>${esc(k.code)}</code>`,
      ...(has.images ? [...cells(objects), ...cells(images)] : []),
      ...(has.texts
        ? [
            ...cells(entities[i] ?? data.splits.map(() => 0)),
            ...cells(texts[i] ?? data.splits.map(() => 0)),
          ]
        : []),
      ...(has.images ? [int(sum(labels))] : []),
    ];
  });
  const numeric = head.map((_, i) => i >= 2);
  const other =
    (data.otherClassObjects > 0
      ? `<p class="note">${int(data.otherClassObjects)} object(s) of further classes not in the class map are not listed.</p>`
      : '') +
    (data.text.otherClassEntities > 0
      ? `<p class="note">${int(data.text.otherClassEntities)} entit${data.text.otherClassEntities === 1 ? 'y' : 'ies'} of further classes not in the class map are not listed.</p>`
      : '');
  const labelsChart =
    labelRows.length === 0
      ? ''
      : `<div class="panel"><h3>Image labels (classifications) per class</h3>${barChart(
          labelRows.map(({ i }) => ({ label: label(i), values: data.classLabels[i] ?? [] })),
          series,
          'Image labels per class',
          { labelWidth: 170 },
        )}</div>`;
  if (!has.images) {
    return `<section id="classes"><h2>Classes</h2><p class="note">Named entities and the texts with at least one entity of each class; the charts are under <a href="#texts">Texts</a>.</p>${other}${table(head, rows, numeric)}</section>`;
  }
  return `<section id="classes"><h2>Classes</h2>${many ? legend(series) : ''}<div class="row"><div class="panel"><h3>Objects per class</h3>${objectsChart}</div><div class="panel"><h3>Images with the class</h3>${imagesChart}</div></div>${labelsChart}${other}${table(head, rows, numeric)}</section>`;
}

function balance(data: ReportData, summary: ReportSummary): string {
  const columns = data.splits.map((s, i) => ({ s, i })).filter(({ s }) => s.name !== '');
  if (columns.length < 2) {
    return '';
  }
  const series = columns.map(({ s, i }) => ({ label: s.label, color: splitColor(s.name, i) }));
  const ratios = data.ratios !== null && data.ratios.length === columns.length ? data.ratios : null;
  const rows = data.classes
    .map((k, slot) => ({
      label: k.name,
      values: columns.map(
        ({ i }) =>
          (data.classObjects[slot]?.[i] ?? 0) +
          (data.classLabels[slot]?.[i] ?? 0) +
          (data.text.classEntities[slot]?.[i] ?? 0),
      ),
    }))
    .filter((r) => sum(r.values) > 0);
  const worst = summary.split?.maxDeviation;
  const has = holds(data);
  const what = has.texts
    ? has.images
      ? 'objects, image labels and entities'
      : 'named entities'
    : 'objects (and image labels)';
  const note =
    ratios === null
      ? `Each class’s share of its ${what} per split. The split has no target ratios.`
      : `Each class’s share of its ${what} per split; dashed lines mark the target ratios ${ratios.map((r) => pct(r)).join(' / ')}. The number is the class’s largest deviation from its target, in percentage points.`;
  const worstNote =
    worst === undefined
      ? ''
      : ` Largest deviation: ${(Math.round(worst.value * 1000) / 10).toFixed(1)} pt (${esc(worst.label)} in ${esc(worst.split)}).`;
  return `<section id="balance"><h2>Class balance</h2><p class="note">${note}${worstNote}</p>${legend(series, ratios === null ? '' : '<span><i class="dash"></i>target</span>')}<div class="panel">${balanceChart(rows, series, ratios, 'Class balance against the target ratio')}</div></section>`;
}

function boxes(data: ReportData): string {
  const total = data.boxSizes.small + data.boxSizes.medium + data.boxSizes.large;
  if (total === 0) {
    return `<section id="boxes"><h2>Object sizes</h2><p class="note">No object with a box, polygon, mask or keypoints.</p></section>`;
  }
  const range =
    (f: (v: number) => string) =>
    (lo: number, hi: number | undefined): string =>
      hi === undefined ? `≥ ${f(lo)}` : `${f(lo)} – ${f(hi)}`;
  const aspectTick = (v: number): string => {
    const r = 2 ** v;
    return r >= 1 ? `${Math.round(r * 10) / 10}:1` : `1:${Math.round((1 / r) * 10) / 10}`;
  };
  const panels = [
    [
      'Width',
      histogramChart(data.boxWidth, 'Object width', {
        tick: px,
        bin: range(px),
        xLabel: 'width (px, log scale)',
      }),
    ],
    [
      'Height',
      histogramChart(data.boxHeight, 'Object height', {
        tick: px,
        bin: range(px),
        xLabel: 'height (px, log scale)',
        color: '#59a14f',
      }),
    ],
    [
      'Area',
      histogramChart(data.boxArea, 'Object area', {
        tick: area,
        bin: range(area),
        xLabel: 'area (px², log scale)',
        color: '#f28e2b',
      }),
    ],
    [
      'Aspect ratio',
      histogramChart(data.boxAspect, 'Aspect ratio', {
        tick: aspectTick,
        bin: range(aspectTick),
        xLabel: 'width : height (log scale)',
        color: '#b07aa1',
        minBins: 12,
      }),
    ],
  ];
  const sizes = `COCO size classes: small (area &lt; 32²) ${int(data.boxSizes.small)} (${pct(data.boxSizes.small / total)}) · medium (&lt; 96²) ${int(data.boxSizes.medium)} (${pct(data.boxSizes.medium / total)}) · large ${int(data.boxSizes.large)} (${pct(data.boxSizes.large / total)}).`;
  const unknown =
    data.boxUnknown > 0
      ? ` ${int(data.boxUnknown)} object(s) without a measurable extent are not counted.`
      : '';
  return `<section id="boxes"><h2>Object sizes</h2><p class="note">The extent of each object: its box (a rotated box’s own sides), else the extent of its polygons, mask or keypoints. ${sizes}${unknown}</p><div class="row">${panels.map(([t = '', svg = '']) => `<div class="panel"><h3>${esc(t)}</h3>${svg}</div>`).join('')}</div></section>`;
}

function images(data: ReportData): string {
  const count = (lo: number, hi: number | undefined): string =>
    hi === undefined ? `≥ ${lo}` : hi - lo === 1 ? String(lo) : `${lo}–${hi - 1}`;
  const perImage = histogramChart(data.annotationsPerImage, 'Annotations per image', {
    tick: (lo) => String(lo),
    bin: count,
    xLabel: 'annotations on the image (groups not counted)',
    color: '#76b7b2',
    minBins: Math.min(COUNT_BINS.length, 8),
  });
  const grid = sizeGrid(data.imageGrid, data.imageWidth.lower, 'Image sizes', px);
  const sized = sum(data.imageSizes.map((s) => s[2])) + data.imageSizesOther;
  const top = data.imageSizes.slice(0, 8);
  const sizeRows = top.map(([w, h, n]) => [
    `${int(w)} × ${int(h)}`,
    int(n),
    sized === 0 ? '' : pct(n / sized),
  ]);
  if (data.imageSizesOther > 0 || data.imageSizes.length > top.length) {
    const rest = data.imageSizesOther + sum(data.imageSizes.slice(top.length).map((s) => s[2]));
    sizeRows.push(['other sizes', int(rest), sized === 0 ? '' : pct(rest / sized)]);
  }
  const unsized = sum(data.counts.unsizedImages);
  const note =
    unsized > 0
      ? `<p class="note">${int(unsized)} image(s) of unknown size are not in the size chart.</p>`
      : '';
  return `<section id="images"><h2>Images</h2>${note}<div class="row"><div class="panel"><h3>Image sizes</h3>${grid === '' ? '<p class="note">No image with a known size.</p>' : grid}</div><div class="panel"><h3>Most common sizes</h3>${table(['width × height', 'images', 'share'], sizeRows, [false, true, true])}</div><div class="panel"><h3>Annotations per image</h3>${perImage}</div></div></section>`;
}

/** The Texts section: texts, entities and relations per split and class, entity lengths. */
function texts(data: ReportData): string {
  const t = data.text;
  const series = splitSeries(data);
  const rows = data.splits.map((s, i) => {
    const n = t.texts[i] ?? 0;
    const e = t.entities[i] ?? 0;
    return [
      `<span class="legend" style="margin:0;display:inline"><i style="background:${series[i]?.color ?? ''}"></i></span>${esc(s.label)}`,
      int(n),
      int(t.emptyTexts[i] ?? 0),
      int(e),
      n === 0 ? '' : (Math.round((e / n) * 10) / 10).toFixed(1),
      int(t.relations[i] ?? 0),
    ];
  });
  const classRows = data.classes
    .map((k, i) => ({ k, i }))
    .filter(({ k, i }) => k.index !== null || sum(t.classEntities[i] ?? []) > 0)
    .map(({ k, i }) => ({ label: k.name, values: t.classEntities[i] ?? [] }));
  const count = (lo: number, hi: number | undefined): string =>
    hi === undefined ? `≥ ${lo}` : hi - lo === 1 ? String(lo) : `${lo}–${hi - 1}`;
  const length = histogramChart(t.entityLength, 'Entity length', {
    tick: (lo) => String(lo),
    bin: (lo, hi) => `${count(lo, hi)} characters`,
    xLabel: 'characters of the entity',
    color: '#f28e2b',
  });
  const perText = histogramChart(t.entitiesPerText, 'Entities per text', {
    tick: (lo) => String(lo),
    bin: count,
    xLabel: 'named entities in the text',
    color: '#76b7b2',
    minBins: Math.min(COUNT_BINS.length, 8),
  });
  const many = data.splits.length > 1;
  return `<section id="texts"><h2>Texts</h2><p class="note">Text media with their named entities (<code>named-entity</code> annotations) and relations. An entity’s length is the number of characters (Unicode code points) of its annotated content.</p>${table(
    ['split', 'texts', 'texts without entities', 'entities', 'entities per text', 'relations'],
    rows,
    [false, true, true, true, true, true],
  )}${many ? legend(series) : ''}<div class="row"><div class="panel"><h3>Entities per class</h3>${barChart(
    classRows,
    series,
    'Entities per class',
    { labelWidth: 110, width: 340 },
  )}</div><div class="panel"><h3>Entity length</h3>${length}</div><div class="panel"><h3>Entities per text</h3>${perText}</div></div></section>`;
}

/** In place of the image sections when the export has no images. */
function noImages(): string {
  return `<section id="images"><h2>Images</h2><p class="note">The export has no images: no image sizes, object sizes or annotations per image to show.</p></section>`;
}

function outcomes(summary: ReportSummary): string {
  const ann = summary.counts?.annotations;
  const kinds = new Set<string>();
  for (const k of [ann?.in, ann?.written, ann?.converted, ann?.dropped]) {
    for (const key of Object.keys(k ?? {})) {
      kinds.add(key);
    }
  }
  const kindRows = [...kinds]
    .sort()
    .map((k) => [
      `<code>${esc(k)}</code>`,
      int(ann?.in?.[k] ?? 0),
      int(ann?.written?.[k] ?? 0),
      int(ann?.converted?.[k] ?? 0),
      int(ann?.dropped?.[k] ?? 0),
    ]);
  const groups = (list: readonly ReportOutcomeGroup[] | undefined, what: string): string => {
    if (list === undefined) {
      return `<p class="note">The manifest does not list ${what} annotations.</p>`;
    }
    if (list.length === 0) {
      return `<p class="note">No annotation was ${what}.</p>`;
    }
    const sorted = [...list].sort(
      (a, b) => b.count - a.count || (a.kind < b.kind ? -1 : a.kind > b.kind ? 1 : 0),
    );
    return table(
      ['kind', 'reason', 'annotations', 'example items'],
      sorted.map((g) => [
        `<code>${esc(g.kind)}</code>`,
        esc(g.reason),
        int(g.count),
        esc((g.items ?? []).join(', ')),
      ]),
      [false, false, true, false],
    );
  };
  return `<section id="outcomes"><h2>Converted and dropped</h2><p class="note">Every annotation that reached the writer was written as it is, converted (how) or dropped (why).</p>${
    kindRows.length === 0
      ? ''
      : table(['kind', 'in', 'written', 'converted', 'dropped'], kindRows, [
          false,
          true,
          true,
          true,
          true,
        ])
  }<h3>Converted</h3>${groups(summary.converted, 'converted')}<h3>Dropped</h3>${groups(summary.dropped, 'dropped')}</section>`;
}

function issues(summary: ReportSummary): string {
  const i = summary.issues;
  if (i === undefined) {
    return `<section id="issues"><h2>Issues</h2><p class="note">The manifest lists no issues.</p></section>`;
  }
  const list = i.byCode ?? [];
  const file = i.file === undefined ? '' : ` Every issue is in <code>${esc(i.file)}</code>.`;
  const head = `<p class="note">${int(i.errors ?? 0)} error(s), ${int(i.warnings ?? 0)} warning(s), ${int(i.infos ?? 0)} info(s).${file}</p>`;
  if (list.length === 0) {
    return `<section id="issues"><h2>Issues</h2>${head}</section>`;
  }
  return `<section id="issues"><h2>Issues</h2>${head}${table(
    ['code', 'severity', 'count', 'example', 'items'],
    list.map((e) => [
      `<code>${esc(e.code)}</code>`,
      esc(e.severity ?? ''),
      int(e.count),
      esc(e.example ?? ''),
      esc((e.items ?? []).join(', ')),
    ]),
    [false, false, true, false, false],
  )}</section>`;
}

function figure(
  data: ReportData,
  split: string,
  entry: SampleEntry,
  thumbnails: ReadonlyMap<string, Thumbnail>,
): string {
  return entry.media
    .map((m) => {
      const thumb = m.file === null ? undefined : thumbnails.get(m.file);
      const svg = sampleSvg(
        entry.itemId,
        split,
        m,
        thumb,
        data.classes,
        data.skeleton,
        data.keypointNames,
      );
      const tags: string[] = [];
      for (const slot of entry.labels) {
        tags.push(`<span>${esc(data.classes[slot]?.name ?? '')}</span>`);
      }
      if (thumb === undefined) {
        tags.push('<span class="warn">media not saved</span>');
      }
      const size =
        m.width === null || m.height === null
          ? 'size unknown'
          : `${int(m.width)} × ${int(m.height)}`;
      const name = m.name ?? m.file ?? m.mediaId;
      const media = entry.media.length > 1 ? ` · ${esc(m.mediaId)}` : '';
      return `<figure>${svg}<figcaption><span class="id" title="${esc(name)}">${esc(name)}</span>item ${esc(entry.itemId)}${media} · ${size} · ${int(m.objects)} object${m.objects === 1 ? '' : 's'}${tags.length === 0 ? '' : `<div class="tags">${tags.join('')}</div>`}</figcaption></figure>`;
    })
    .join('');
}

/** A sample text: its entities as annotated, each marked in its class colour with its label. */
function textFigure(data: ReportData, entry: SampleEntry): string {
  return entry.texts
    .map((t) => {
      const marks = t.entities.map((e) => {
        const color = classColor(e.c);
        const label = e.c < 0 ? 'no class' : (data.classes[e.c]?.name ?? '');
        return `<span class="ent" data-kind="named-entity" data-item="${esc(entry.itemId)}" data-class="${esc(label)}"><mark style="background:${color}26;border-color:${color}">${esc(e.text)}${e.cut ? '…' : ''}</mark><b style="color:${color}">${esc(label)}</b></span>`;
      });
      const more = t.entityCount - t.entities.length;
      const body =
        t.entities.length === 0
          ? '<p class="note">No named entity.</p>'
          : `${marks.join('')}${more > 0 ? `<span class="more">+${int(more)} more</span>` : ''}`;
      const name = t.name ?? t.mediaId;
      const media = entry.texts.length > 1 ? ` · ${esc(t.mediaId)}` : '';
      return `<figure class="text"><div class="ents">${body}</div><figcaption><span class="id" title="${esc(name)}">${esc(name)}</span>item ${esc(entry.itemId)}${media} · ${int(t.entityCount)} entit${t.entityCount === 1 ? 'y' : 'ies'} · ${int(t.relations)} relation${t.relations === 1 ? '' : 's'}</figcaption></figure>`;
    })
    .join('');
}

function gallery(data: ReportData, thumbnails: ReadonlyMap<string, Thumbnail>): string {
  const has = holds(data);
  const used = new Set<number>();
  for (const entries of data.samples) {
    for (const e of entries) {
      for (const m of e.media) {
        for (const s of m.shapes) {
          used.add(s.c);
        }
      }
      for (const t of e.texts) {
        for (const n of t.entities) {
          used.add(n.c);
        }
      }
    }
  }
  const classLegend = legend(
    [...used]
      .sort((a, b) => a - b)
      .map((slot) => ({
        label: slot < 0 ? 'no class' : (data.classes[slot]?.name ?? ''),
        color: classColor(slot),
      })),
  );
  const parts = data.splits.map((s, i) => {
    const entries = data.samples[i] ?? [];
    const title =
      s.name === '' && data.splits.length === 1
        ? ''
        : `<h3>${esc(s.label)} <span class="note" style="font-weight:400;color:var(--muted)">(${int(entries.length)} of ${int(data.counts.items[i] ?? 0)} items)</span></h3>`;
    return `${title}${entries.length === 0 ? '<p class="note">No items.</p>' : `<div class="gallery">${entries.map((e) => figure(data, s.name, e, thumbnails) + textFigure(data, e)).join('')}</div>`}`;
  });
  const how = [
    ...(has.images
      ? ['Annotations are drawn over the original image at their own pixel coordinates.']
      : []),
    ...(has.texts
      ? [
          'Each sample text lists its named entities in reading order, as annotated, with their class (the text itself is in the exported files).',
        ]
      : []),
  ];
  return `<section id="gallery"><h2>Gallery</h2><p class="note">Up to ${int(data.samplesPerSplit)} items per split, chosen by a seeded hash of each item’s key (seed ${int(data.seed)}): the same export shows the same samples. ${how.join(' ')}</p>${classLegend}${parts.join('')}</section>`;
}

/**
 * The report as one self-contained HTML page: inline CSS and SVG, images as `data:` URIs, no
 * script and no network (a Content-Security-Policy forbids any request). Pure: the same input
 * gives the same bytes.
 *
 * @param thumbnails Thumbnails of saved originals by their path relative to the export folder
 * (`SampleMedia.file`); a sample without one is drawn on a neutral canvas.
 * @example
 * const html = renderReport(collector.data(), manifest, new Map());
 */
export function renderReport(
  data: ReportData,
  summary: ReportSummary,
  thumbnails: ReadonlyMap<string, Thumbnail>,
): string {
  const project = summary.project?.title;
  const body = [
    header(data, summary),
    '<main>',
    overview(data, summary),
    splits(data, summary),
    classes(data),
    balance(data, summary),
    ...(holds(data).texts ? [texts(data)] : []),
    ...(holds(data).images ? [boxes(data), images(data)] : [noImages()]),
    outcomes(summary),
    issues(summary),
    gallery(data, thumbnails),
    '</main>',
    '<footer>Written by synx from the exported files and <code>synx-export.json</code>. Regenerate with <code>synx report &lt;export-folder&gt;</code>.</footer>',
  ];
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src data:; style-src 'unsafe-inline'">
<title>${esc(`synx report${project === undefined ? '' : ` — ${project}`}`)}</title>
<style>${CSS}${holds(data).texts ? TEXT_CSS : ''}</style>
</head>
<body>
${body.join('\n')}
</body>
</html>
`;
}
