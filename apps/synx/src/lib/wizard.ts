import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { ExportPlan } from '@synx/export';
import { isSynxError, SynxError, type MediaKind } from '@synx/model';
import type { AnnotationFeature, Format } from '@synx/plugin-api';
import {
  flagOptions,
  formatFlags,
  optionKeys,
  optionsJsonSchema,
  parseFormatOptions,
  parseOptionPairs,
  type FormatEntry,
  type FormatRegistry,
} from '@synx/plugin-host';
import { parseSplitRatios } from '@synx/split';
import { n } from './render.js';

/**
 * The export's inputs, as flags name them. The wizard fills in what is missing; the command
 * runs the same code whether an input came from a flag or an answer, and prints the flags that
 * reproduce a guided run.
 */
export interface ExportInputs {
  target?: 'assignment' | 'task' | 'ground_truth' | undefined;
  from?: string | undefined;
  project?: string | undefined;
  'gt-version'?: string | undefined;
  format?: string | undefined;
  output?: string | undefined;
  filter?: string | undefined;
  split?: string | undefined;
  seed?: number | undefined;
  stratify?: boolean | undefined;
  'group-by'?: string | undefined;
  'save-original-files'?: boolean | undefined;
  /** `--option key=value` pairs. */
  option?: string[] | undefined;
  host?: string | undefined;
  [flag: string]: unknown;
}

/** A project as the finder lists it. */
export interface FoundProject {
  readonly id: number | string;
  readonly title?: string | null | undefined;
  readonly category?: string | null | undefined;
  readonly items?: number | null | undefined;
}

/** A ground-truth dataset with its versions. */
export interface FoundDataset {
  readonly id: number | string;
  readonly name: string;
  readonly versions: readonly {
    readonly id: number | string;
    readonly version?: string | null | undefined;
    readonly items?: number | undefined;
    readonly created?: string | null | undefined;
    readonly archived?: boolean | undefined;
  }[];
}

/** What the wizard needs from the backend (an adapter over the Synapse client). */
export interface WizardBackend {
  readonly host: string;
  findProjects(term: string, want: number): Promise<{ projects: FoundProject[]; more: boolean }>;
  /** Resolves when the project exists; a SynxError (not found, auth…) otherwise. */
  checkProject(id: string): Promise<FoundProject>;
  groundTruth(): Promise<FoundDataset[]>;
  checkGroundTruthVersion(id: string): Promise<unknown>;
}

interface Choice<V> {
  readonly value: V;
  readonly name: string;
  readonly description?: string;
}

/** The prompts the wizard uses (`@inquirer/prompts` in the CLI; a script in unit tests). */
export interface Prompts {
  select<V>(config: { message: string; choices: readonly Choice<V>[]; default?: V }): Promise<V>;
  input(config: {
    message: string;
    default?: string;
    validate?: (value: string) => boolean | string | Promise<boolean | string>;
  }): Promise<string>;
  confirm(config: { message: string; default?: boolean }): Promise<boolean>;
  search<V>(config: {
    message: string;
    source: (term: string | undefined) => Promise<readonly Choice<V>[]>;
  }): Promise<V>;
}

/** Everything the wizard talks to. */
export interface WizardDeps {
  readonly prompts: Prompts;
  readonly registry: FormatRegistry;
  /** The backend, created on first use (credentials are checked then). */
  backend(): Promise<WizardBackend>;
  /** Sampled analysis of the source for these inputs (nothing written). */
  analyse(inputs: ExportInputs): Promise<ExportPlan>;
  /** Default output folder for a plan. */
  defaultOutput(plan: ExportPlan): string;
  renderPlan(plan: ExportPlan): string;
  readonly print: (text: string) => void;
}

const TARGETS = [
  {
    value: 'assignment',
    name: 'Annotations from a project (assignments)',
    description: "Labelers' work on a project's tasks",
  },
  {
    value: 'ground_truth',
    name: 'A ground-truth dataset version (for ML training)',
    description: 'A curated, versioned dataset with train/validation/test categories',
  },
  {
    value: 'task',
    name: 'Tasks from a project',
    description: 'One item per task with its current annotation',
  },
  {
    value: 'folder',
    name: 'A Synapse export folder on disk',
    description: 'A raw export (json/, origin_files/, project.json); no server needed',
  },
] as const;

const SPLITS = [
  { value: '', name: 'No split' },
  { value: '80/10/10', name: '80/10/10  train / val / test' },
  { value: '80/20', name: '80/20     train / val' },
  { value: '70/15/15', name: '70/15/15  train / val / test' },
  { value: 'custom', name: 'Custom…' },
] as const;

/** Features that count as "kept" for a format (kept as is or converted). */
function fit(
  format: Format<unknown>,
  options: unknown,
  annotations: ExportPlan['annotations'],
  byMedia: ExportPlan['annotationsByMedia'] | undefined,
): { keep: number; convert: number; drop: number; note: string } {
  const description = format.describe(options);
  const kinds = description.kinds;
  const held = description.mediaKinds ?? ['image'];
  let keep = 0;
  let convert = 0;
  let drop = 0;
  const converted: string[] = [];
  const dropped: string[] = [];
  // Annotations on media the format does not hold are dropped whatever their feature.
  let given: Partial<Record<AnnotationFeature, number>> = annotations;
  if (byMedia !== undefined && !held.includes('*')) {
    given = {};
    for (const [kind, features] of Object.entries(byMedia) as [
      MediaKind,
      Partial<Record<AnnotationFeature, number>>,
    ][]) {
      const entries = Object.entries(features) as [AnnotationFeature, number][];
      if (held.includes(kind)) {
        for (const [feature, count] of entries) {
          given[feature] = (given[feature] ?? 0) + count;
        }
      } else {
        const count = entries.reduce((a, [, c]) => a + c, 0);
        if (count > 0) {
          drop += count;
          dropped.push(`${n(count)} on ${kind} media`);
        }
      }
    }
  }
  for (const [feature, count] of Object.entries(given) as [AnnotationFeature, number][]) {
    const t = kinds[feature];
    if (t?.action === 'keep') {
      keep += count;
    } else if (t?.action === 'convert') {
      convert += count;
      converted.push(`${n(count)} ${feature} → ${t.to}`);
    } else {
      drop += count;
      dropped.push(`${n(count)} ${feature}`);
    }
  }
  const parts = [
    ...(keep > 0 ? [`keeps ${n(keep)}`] : []),
    ...(converted.length > 0 ? [`converts ${converted.join(', ')}`] : []),
    ...(dropped.length > 0 ? [`drops ${dropped.join(', ')}`] : []),
  ];
  return { keep, convert, drop, note: parts.length === 0 ? 'no annotations' : parts.join(' · ') };
}

/** One format as the wizard offers it, with what it does with this source's annotations. */
export interface FormatFit {
  readonly id: string;
  readonly title: string;
  readonly verbatim: boolean;
  readonly keep: number;
  readonly convert: number;
  readonly drop: number;
  readonly note: string;
}

/**
 * The installed formats ranked for a plan's annotations: most annotations kept (converted
 * ones count half), raw formats (which keep everything as received) last.
 */
export async function rankFormats(
  registry: FormatRegistry,
  annotations: ExportPlan['annotations'],
  byMedia?: ExportPlan['annotationsByMedia'],
): Promise<FormatFit[]> {
  const fits: FormatFit[] = [];
  for (const entry of registry.list()) {
    if (!(entry.capabilities ?? ['write']).includes('write')) {
      continue;
    }
    const format = await registry.get(entry.id);
    const options = await parseFormatOptions(format, {});
    const f = fit(format, options, annotations, byMedia);
    fits.push({
      id: entry.id,
      title: format.title,
      verbatim: format.describe(options).verbatim === true,
      ...f,
    });
  }
  const score = (f: FormatFit): number => (f.verbatim ? -1 : f.keep + f.convert / 2);
  return fits.sort((a, b) => score(b) - score(a));
}

/** A short reading of a sampled plan: "30 items", or the total and what was sampled. */
function itemsLine(plan: ExportPlan): string {
  const { sampled } = plan;
  if (sampled.exact) {
    return `${n(plan.items)} items`;
  }
  return `${n(sampled.of ?? plan.items)} items (kinds and classes estimated from ${n(sampled.items)} sampled)`;
}

function total(annotations: ExportPlan['annotations']): number {
  return Object.values(annotations).reduce((a, b) => a + b, 0);
}

/** Values seen in a plan's items (statuses, tags), most frequent first. */
function seen(
  plan: ExportPlan,
  key: 'statuses' | 'tags',
): readonly { value: string; count: number }[] {
  return plan[key];
}

/** Wraps prompt cancellation (Ctrl-C) as an interrupt that wrote nothing. */
export function promptAborted(err: unknown): SynxError | undefined {
  if (err instanceof Error && (err.name === 'ExitPromptError' || err.name === 'AbortPromptError')) {
    return new SynxError('SYNX_ABORTED', 'interrupted; nothing was written');
  }
  return undefined;
}

/**
 * Asks, step by step, for what `given` lacks — what to export, the source, the format, the
 * options — then shows the plan and asks to proceed. Returns the completed inputs, or throws
 * `SYNX_ABORTED` when the user cancels (nothing is written). Answers given as flags are never
 * asked again.
 */
export async function runWizard(
  given: ExportInputs,
  deps: WizardDeps,
  options: { confirm: boolean } = { confirm: true },
): Promise<ExportInputs> {
  const { prompts: p, print } = deps;
  const inputs: ExportInputs = { ...given };

  // 1. What to export.
  let kind: 'assignment' | 'task' | 'ground_truth' | 'folder';
  if (inputs.from !== undefined) {
    kind = 'folder';
  } else if (inputs['gt-version'] !== undefined) {
    kind = 'ground_truth';
  } else if (inputs.target !== undefined) {
    kind = inputs.target;
  } else if (inputs.project !== undefined) {
    kind = 'assignment';
  } else {
    kind = await p.select({ message: 'What do you want to export?', choices: TARGETS });
  }
  if (kind !== 'folder') {
    inputs.target = kind;
  }

  // 2. The source.
  if (kind === 'folder' && inputs.from === undefined) {
    inputs.from = await p.input({
      message: 'Synapse export folder:',
      validate: (v) => {
        const dir = resolve(v.trim());
        if (v.trim() === '' || !existsSync(dir) || !statSync(dir).isDirectory()) {
          return `not a folder: ${v}`;
        }
        return existsSync(join(dir, 'json'))
          ? true
          : `${v} has no json/ folder: a Synapse raw export holds json/, origin_files/ and project.json`;
      },
    });
    inputs.from = inputs.from.trim();
  } else if ((kind === 'assignment' || kind === 'task') && inputs.project === undefined) {
    inputs.project = await askProject(deps);
  } else if (kind === 'ground_truth' && inputs['gt-version'] === undefined) {
    inputs['gt-version'] = await askGroundTruth(deps);
  }

  // 3. The format (needs the analysis: what this source holds).
  let plan: ExportPlan;
  for (;;) {
    print('Analysing the source…');
    plan = await deps.analyse({
      ...inputs,
      format: inputs.format ?? analysisFormat(deps.registry),
    });
    print(
      `  ${itemsLine(plan)} · ${n(total(plan.annotations))} annotations · ${n(plan.classes.filter((c) => c.count > 0).length)} classes used`,
    );
    if (plan.items > 0) {
      break;
    }
    await nothingMatches(p, print, inputs);
  }
  const formatGiven = inputs.format !== undefined;
  if (!formatGiven) {
    inputs.format = await askFormat(deps, plan);
  }

  // 4. Options, 5. plan, 6. proceed — "Adjust" comes back here with every answer kept.
  const asked = {
    split: given.split === undefined,
    media: given['save-original-files'] !== true,
    filter: inputs.filter === undefined && kind !== 'folder' && kind !== 'ground_truth',
    output: given.output === undefined,
    /** The options the chosen format's manifest asks about (unless given). */
    formatFlags: false,
  };
  let askOptionsNow = true;
  for (;;) {
    if (askOptionsNow) {
      await askOptions(deps, inputs, plan, asked);
    }
    askOptionsNow = true;
    print('');
    plan = await deps.analyse(inputs);
    print(deps.renderPlan(plan));
    if (plan.items === 0) {
      await nothingMatches(p, print, inputs);
      asked.filter = true;
      continue;
    }
    const ranked = await rankFormats(deps.registry, plan.annotations, plan.annotationsByMedia);
    const chosen = ranked.find((f) => f.id === inputs.format);
    const has = total(plan.annotations);
    if (chosen !== undefined && has > 0 && chosen.keep + chosen.convert === 0) {
      const better = ranked.find((f) => f.keep + f.convert > 0);
      print(
        `\nWarning: ${chosen.title} cannot hold any of this source's annotations (${chosen.note}).`,
      );
      if (better !== undefined) {
        const switchTo = await p.confirm({
          message: `Use ${better.title} (${better.id}) instead? It ${better.note}.`,
          default: true,
        });
        if (switchTo) {
          // The plan again with the other format; the options stand.
          // The other format's own flags no longer apply.
          const previous = deps.registry.entry(inputs.format ?? '');
          for (const f of previous === undefined ? [] : formatFlags(previous)) {
            inputs[f.flag] = undefined;
          }
          inputs.format = better.id;
          // Options the other format does not take are dropped (options are strict).
          const takes = await optionKeys(await deps.registry.get(better.id));
          const kept = (inputs.option ?? []).filter((pair) =>
            takes.includes(pair.slice(0, pair.indexOf('=')).trim()),
          );
          inputs.option = kept.length === 0 ? undefined : kept;
          askOptionsNow = false;
          continue;
        }
      }
    }
    if (!options.confirm) {
      return inputs;
    }
    const answer = await p.select({
      message: 'Proceed?',
      choices: [
        { value: 'yes', name: 'Yes, export' },
        { value: 'adjust', name: 'Adjust options' },
        { value: 'cancel', name: 'Cancel (nothing is written)' },
      ],
    });
    if (answer === 'yes') {
      return inputs;
    }
    if (answer === 'cancel') {
      throw new SynxError('SYNX_ABORTED', 'cancelled; nothing was written');
    }
    // Adjust: every option again, each with the answer (or flag) so far as its default.
    asked.split = true;
    asked.media = true;
    asked.output = true;
    asked.formatFlags = true;
    asked.filter = kind === 'assignment' || kind === 'task';
  }
}

/**
 * Nothing matches: offer to drop the filter (the options then ask for it again), or cancel.
 * Without a filter there is nothing to change: the source is empty.
 */
async function nothingMatches(
  p: Prompts,
  print: (text: string) => void,
  inputs: ExportInputs,
): Promise<void> {
  const filter = inputs.filter;
  print(
    filter === undefined
      ? '\nNothing to export: the source holds no items.'
      : `\nNothing matches the filter ${filter}.`,
  );
  if (filter === undefined) {
    throw new SynxError('SYNX_NOTHING_TO_EXPORT', 'nothing to export: the source holds no items', {
      hint: 'choose another project or version (`synx projects list`, `synx gt list`); nothing was written',
    });
  }
  const next = await p.select({
    message: 'What now?',
    choices: [
      { value: 'filter', name: 'Change the filter' },
      { value: 'cancel', name: 'Cancel (nothing is written)' },
    ],
  });
  if (next === 'cancel') {
    throw new SynxError('SYNX_ABORTED', 'cancelled; nothing was written');
  }
  inputs.filter = undefined;
}

async function askProject(deps: WizardDeps): Promise<string> {
  const p = deps.prompts;
  const how = await p.select({
    message: 'Which project?',
    choices: [
      { value: 'find', name: 'Help me find it', description: 'a list of the projects you can see' },
      { value: 'id', name: 'I know the id' },
    ],
  });
  const backend = await deps.backend();
  if (how === 'id') {
    return askId(p, 'Project id:', (id) => backend.checkProject(id));
  }
  let want = 50;
  for (;;) {
    const picked = await p.search<string>({
      message: 'Type to filter projects (title or id):',
      source: async (term) => {
        const { projects, more } = await backend.findProjects(term ?? '', want);
        const choices: Choice<string>[] = projects.map((pr) => ({
          value: String(pr.id),
          name: `${String(pr.id).padStart(6)}  ${pr.title ?? '(untitled)'}`,
          description: [
            pr.category ?? undefined,
            pr.items === undefined || pr.items === null ? undefined : `${n(pr.items)} items`,
          ]
            .filter((x) => x !== undefined)
            .join(' · '),
        }));
        if (more) {
          choices.push({ value: '__more__', name: `… load ${n(want)} more` });
        }
        return choices;
      },
    });
    if (picked !== '__more__') {
      return picked;
    }
    want += 50;
  }
}

async function askGroundTruth(deps: WizardDeps): Promise<string> {
  const p = deps.prompts;
  const how = await p.select({
    message: 'Which ground-truth dataset version?',
    choices: [
      {
        value: 'find',
        name: 'Help me find it',
        description: 'your datasets, then their versions',
      },
      { value: 'id', name: 'I know the version id' },
    ],
  });
  const backend = await deps.backend();
  if (how === 'id') {
    return askId(p, 'Ground-truth version id:', (id) => backend.checkGroundTruthVersion(id));
  }
  const datasets = await backend.groundTruth();
  if (datasets.length === 0) {
    throw new SynxError(
      'SYNX_NOT_FOUND',
      `no ground-truth datasets are visible on ${backend.host}`,
      {
        hint: 'check the workspace (--tenant) or the token; `synx gt list` lists them',
      },
    );
  }
  for (;;) {
    const ds = await p.select({
      message: 'Dataset:',
      choices: datasets.map((d) => ({
        value: d,
        name: `${String(d.id).padStart(6)}  ${d.name}`,
        description: `${n(d.versions.length)} version(s)`,
      })),
    });
    const versions = ds.versions.filter((v) => v.archived !== true);
    const back = { value: '__back__', name: '← another dataset' } as const;
    const picked = await p.select<string>({
      message: 'Version:',
      choices: [
        ...versions.map((v) => ({
          value: String(v.id),
          name: `${String(v.id).padStart(6)}  ${v.version ?? ''}  ${v.items === undefined ? '' : `${n(v.items)} items`}  ${v.created?.slice(0, 10) ?? ''}`.trimEnd(),
        })),
        back,
      ],
    });
    if (picked !== '__back__') {
      return picked;
    }
  }
}

/** Asks for an id until the backend knows it; a not-found re-asks with the message. */
async function askId(
  p: Prompts,
  message: string,
  check: (id: string) => Promise<unknown>,
): Promise<string> {
  const id = await p.input({
    message,
    validate: async (v) => {
      const text = v.trim();
      if (!/^\d+$/.test(text)) {
        return 'an id is a number';
      }
      try {
        await check(text);
        return true;
      } catch (err) {
        if (isSynxError(err) && (err.code === 'SYNX_NOT_FOUND' || err.code === 'SYNX_VALIDATION')) {
          return `${err.message}${err.hint === undefined ? '' : ` — ${err.hint}`}`;
        }
        throw err;
      }
    },
  });
  return id.trim();
}

async function askFormat(deps: WizardDeps, plan: ExportPlan): Promise<string> {
  const ranked = await rankFormats(deps.registry, plan.annotations, plan.annotationsByMedia);
  for (;;) {
    const picked = await deps.prompts.select<string>({
      message: 'Format:',
      choices: [
        ...ranked.map((f, i) => ({
          value: f.id,
          name: `${f.title} (${f.id})${i === 0 && !f.verbatim ? '  — best fit' : ''}`,
          description: f.verbatim ? 'raw DM v1 as received: keeps everything' : f.note,
        })),
        { value: '__other__', name: 'Another format…' },
      ],
      ...(ranked[0] === undefined ? {} : { default: ranked[0].id }),
    });
    if (picked !== '__other__') {
      return picked;
    }
    deps.print(
      [
        'Formats come from plugins: npm packages whose package.json has a "synx" manifest',
        '(named synx-format-<id> or @scope/synx-format-<id> by convention). Install one with',
        '  synx plugins install <package>',
        'then run synx export again; `synx formats list` shows what is installed:',
        ...deps.registry
          .list()
          .map((e) => `  ${e.id.padEnd(10)} from ${e.plugin.name}@${e.plugin.version}`),
      ].join('\n'),
    );
  }
}

/**
 * The format to analyse a source with before one is chosen (only the counts are shown): the
 * installed writer whose manifest keeps the most annotation kinds.
 */
function analysisFormat(registry: FormatRegistry): string {
  const writers = registry
    .list()
    .filter((e) => (e.capabilities ?? ['write']).includes('write'))
    .sort((a, b) => (b.annotationKinds?.length ?? 0) - (a.annotationKinds?.length ?? 0));
  return writers[0]?.qualified ?? '';
}

/** The allowed values of one option, from the format's JSON Schema (`enum`), if it lists them. */
function optionValues(format: Format<unknown>, option: string): string[] {
  const props = optionsJsonSchema(format)?.['properties'] as
    Record<string, { enum?: unknown[] }> | undefined;
  const values = props?.[option]?.enum;
  return Array.isArray(values) ? values.filter((v): v is string => typeof v === 'string') : [];
}

/**
 * The options the chosen format's manifest asks about (`"ask"` on a flag): each allowed value
 * offered with what it keeps of this source, the best fit first. An option already given (as
 * a flag or `--option`) is asked again only when adjusting.
 */
async function askFormatFlags(
  deps: WizardDeps,
  entry: FormatEntry,
  inputs: ExportInputs,
  plan: ExportPlan,
  adjusting: boolean,
): Promise<void> {
  for (const flag of formatFlags(entry)) {
    if (flag.ask === undefined) {
      continue;
    }
    const pairs = parseOptionPairs(inputs.option ?? []);
    const given = inputs[flag.flag] ?? pairs[flag.option];
    if (given !== undefined && !adjusting) {
      continue;
    }
    const format = await deps.registry.get(entry.qualified);
    const values = optionValues(format, flag.option);
    if (values.length === 0) {
      continue;
    }
    const rest = Object.fromEntries(
      Object.entries({ ...pairs, ...flagOptions(entry, inputs) }).filter(
        ([k]) => k !== flag.option,
      ),
    );
    const choices = [];
    for (const value of values) {
      const options = await parseFormatOptions(format, { ...rest, [flag.option]: value });
      const f = fit(format, options, plan.annotations, plan.annotationsByMedia);
      choices.push({ value, name: value, description: f.note, score: f.keep + f.convert / 2 });
    }
    const best = [...choices].sort((a, b) => b.score - a.score)[0]?.value;
    const answer = await deps.prompts.select({
      message: flag.ask,
      choices: choices.map(({ value, name, description }) => ({ value, name, description })),
      ...(typeof given === 'string' || best !== undefined
        ? { default: typeof given === 'string' ? given : (best ?? '') }
        : {}),
    });
    inputs[flag.flag] = answer;
    // The answer replaces any --option pair for the same option.
    inputs.option = (inputs.option ?? []).filter((pair) => !pair.startsWith(`${flag.option}=`));
    if (inputs.option.length === 0) {
      inputs.option = undefined;
    }
  }
}

/** True when the chosen format (with the options so far) has a folder for original files. */
async function savesMedia(
  deps: WizardDeps,
  entry: NonNullable<ReturnType<WizardDeps['registry']['entry']>>,
  inputs: ExportInputs,
): Promise<boolean> {
  try {
    const format = await deps.registry.get(entry.qualified);
    const options = await parseFormatOptions(format, {
      ...parseOptionPairs(inputs.option ?? []),
      ...flagOptions(entry, inputs),
    });
    return format.describe(options).mediaDir !== undefined;
  } catch {
    return true; // options the plan will refuse anyway: ask as before
  }
}

/** Step 4: the options not given as flags. */
async function askOptions(
  deps: WizardDeps,
  inputs: ExportInputs,
  plan: ExportPlan,
  asked: {
    split: boolean;
    media: boolean;
    filter: boolean;
    output: boolean;
    formatFlags: boolean;
  },
): Promise<void> {
  const p = deps.prompts;
  const entry = deps.registry.entry(inputs.format ?? '');
  if (entry !== undefined) {
    await askFormatFlags(deps, entry, inputs, plan, asked.formatFlags);
  }
  if (asked.media && entry !== undefined && !(await savesMedia(deps, entry, inputs))) {
    // The format has no media folder (the NER formats): nothing to ask.
    inputs['save-original-files'] = undefined;
  } else if (asked.media) {
    inputs['save-original-files'] = await p.confirm({
      message: 'Save the original files (images) too?',
      default: inputs['save-original-files'] ?? false,
    });
  }
  if (asked.split) {
    const preset = await p.select<string>({
      message: 'Split into train / val / test?',
      choices: SPLITS,
      default:
        inputs.split === undefined
          ? ''
          : SPLITS.some((s) => s.value === inputs.split)
            ? inputs.split
            : 'custom',
    });
    if (preset === 'custom') {
      inputs.split = (
        await p.input({
          message: 'Shares (train/val[/test]), e.g. 0.75/0.25 or 60/20/20:',
          ...(inputs.split === undefined ? {} : { default: inputs.split }),
          validate: (v) => {
            try {
              parseSplitRatios(v.trim());
              return true;
            } catch (err) {
              return (err as Error).message;
            }
          },
        })
      ).trim();
    } else {
      inputs.split = preset === '' ? undefined : preset;
    }
    if (inputs.split !== undefined) {
      const seed = await p.input({
        message: 'Seed (same seed and data, same split):',
        default: String(inputs.seed ?? 0),
        validate: (v) => (/^\d+$/.test(v.trim()) ? true : 'a whole number ≥ 0'),
      });
      inputs.seed = Number(seed.trim());
      const used = plan.classes.filter((c) => c.count > 0).map((c) => c.count);
      const imbalanced = used.length > 1 && Math.max(...used) >= 3 * Math.min(...used);
      if (imbalanced) {
        inputs.stratify = await p.confirm({
          message: `Classes are imbalanced (${n(Math.max(...used))} vs ${n(Math.min(...used))} objects). Balance them across splits (stratify; reads the source once more)?`,
          default: inputs.stratify ?? true,
        });
      } else {
        inputs.stratify = undefined;
      }
    } else {
      inputs.seed = undefined;
      inputs.stratify = undefined;
    }
  }
  if (asked.filter) {
    const filter: Record<string, string> = {};
    const statuses = seen(plan, 'statuses');
    if (statuses.length > 0) {
      const status = await p.select<string>({
        message: 'Only items with status:',
        choices: [
          { value: '', name: 'All statuses' },
          ...statuses.map((s) => ({ value: s.value, name: `${s.value}  (${n(s.count)} seen)` })),
        ],
      });
      if (status !== '') {
        filter['status'] = status;
      }
    }
    const tags = seen(plan, 'tags');
    if (tags.length > 0) {
      const tag = await p.select<string>({
        message: 'Only items with tag:',
        choices: [
          { value: '', name: 'Any tags' },
          ...tags.map((t) => ({ value: t.value, name: `${t.value}  (${n(t.count)} seen)` })),
        ],
      });
      if (tag !== '') {
        filter['tags'] = tag;
      }
    }
    inputs.filter = Object.keys(filter).length === 0 ? undefined : JSON.stringify(filter);
  }
  if (asked.output) {
    const fallback = `./${deps.defaultOutput(plan)}`;
    inputs.output = (
      await p.input({
        message: 'Output folder:',
        default: inputs.output ?? fallback,
        validate: (v) => (v.trim() === '' ? 'give a folder' : true),
      })
    ).trim();
  }
}

/** A shell word, quoted only when it needs to be. */
export function shellWord(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** Flags the command line of a guided run leaves out: secrets, and what only steers the terminal. */
const NOT_REPEATED = new Set(['token', 'yes', 'json', 'quiet']);

/**
 * The command line that repeats a run without questions: every input as a flag, in a fixed
 * order, the token left out (it comes from the environment or ~/.synapse/config.json).
 */
export function commandLine(bin: string, inputs: ExportInputs, defaults: ExportInputs): string {
  const order = [
    'from',
    'target',
    'project',
    'gt-version',
    'format',
    'filter',
    'split',
    'seed',
    'stratify',
    'group-by',
    'save-original-files',
    'output',
  ];
  const keys = [
    ...order.filter((k) => k in inputs),
    ...Object.keys(inputs)
      .filter((k) => !order.includes(k))
      .sort(),
  ];
  const words = [bin, 'export'];
  for (const key of keys) {
    const value = inputs[key];
    if (value === undefined || value === false || NOT_REPEATED.has(key)) {
      continue;
    }
    if (key === 'target' && (value === 'assignment' || value === 'ground_truth')) {
      continue; // the default for --project / --gt-version
    }
    if (defaults[key] !== undefined && defaults[key] === value) {
      continue;
    }
    if (value === true) {
      words.push(`--${key}`);
    } else if (Array.isArray(value)) {
      for (const v of value) {
        words.push(`--${key}`, shellWord(String(v)));
      }
    } else {
      words.push(`--${key}`, shellWord(typeof value === 'string' ? value : JSON.stringify(value)));
    }
  }
  return words.join(' ');
}
