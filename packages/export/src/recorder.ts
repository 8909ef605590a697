import { join } from 'node:path';
import {
  dmFieldOf,
  IssueCollector,
  isSynxError,
  redactText,
  SynxError,
  type Annotation,
  type Issue,
  type Item,
  type JsonValue,
  type Media,
} from '@synx/model';
import {
  GEOMETRY_INVALID,
  messageText,
  PLUGIN_API_VERSION,
  REPORTED_AT_SOURCE,
  TextFileWriter,
  type ExportItem,
  type FormatContext,
  type Logger,
  type OutputFile,
} from '@synx/plugin-api';
import { ISSUES_FILE, type ExportManifest } from './manifest.js';
import type { MediaSummary } from './media.js';
import type { ExportSession } from './session.js';
import { mediaLabels, type SplitSummary } from './splits.js';
import { ExportStats } from './stats.js';
import { resolveTreatments } from './treatments.js';

/** One annotation's fate, as the export records it (the format's, or the pipeline's own). */
export interface Outcome {
  readonly item: Item;
  readonly media?: Media | undefined;
  readonly annotation: Annotation;
  readonly outcome: 'written' | 'converted' | 'dropped';
  readonly reason?: string | undefined;
  readonly code?: string | undefined;
  /** Counted, not warned about again (the source reported it already). */
  readonly quiet?: boolean | undefined;
  readonly field?: string | undefined;
}

/** What the manifest says beyond what the recorder counted. */
export interface ManifestParts {
  readonly synxVersion: string | undefined;
  readonly formatPackage: { readonly name: string; readonly version: string } | undefined;
  readonly split: SplitSummary | undefined;
  readonly media: MediaSummary | undefined;
  readonly files: number;
  readonly outputs: OutputFile[];
  readonly startedAt: number;
  readonly finishedAt: number;
  readonly timingsMs: Record<string, number>;
}

/**
 * What an export counts and reports: the statistics (annotations in, their outcomes), the
 * annotations of each class that reached the output, and the issues — streamed to
 * `synx-issues.jsonl` as they come, the first 1,000 kept — and the manifest built from them.
 * With `strict`, an error issue throws `SYNX_STRICT`.
 */
export class ExportRecorder {
  readonly stats = new ExportStats();
  readonly issues: IssueCollector;
  /** Source annotations handed to the writer so far, for progress. */
  annotationsIn = 0;
  readonly #perClass = new Map<string, number>();
  /** Per class: images with an object (or image label) of it, and its objects. */
  readonly #classImages = new Map<string, { images: number; objects: number }>();
  readonly #strict: boolean;
  #file: TextFileWriter | undefined;
  #fileFailure: unknown;

  constructor(output: string, options: { readonly strict?: boolean | undefined } = {}) {
    this.#strict = options.strict === true;
    this.issues = new IssueCollector({
      keep: 1000,
      sink: (issue) => {
        if (this.#fileFailure !== undefined) {
          return;
        }
        try {
          this.#file ??= TextFileWriter.openSync(join(output, ISSUES_FILE));
          this.#file.append(`${JSON.stringify(issue)}\n`);
        } catch (err) {
          this.#fileFailure = err;
        }
      },
    });
  }

  /** Records an issue; with `strict`, an error issue throws. */
  report(issue: Issue): void {
    this.issues.report(issue);
    if (this.#strict && issue.severity === 'error') {
      throw new SynxError(
        'SYNX_STRICT',
        `--strict: ${issue.message}${issue.itemId === undefined ? '' : ` (item ${issue.itemId})`}`,
        { details: { issue } },
      );
    }
  }

  /**
   * Counts an item's objects per class (a group is one object; image-level labels count) and
   * the images they are on, as handed to the writer: `images` and `objects` of the manifest's
   * class entries, with or without a split.
   */
  countClasses(item: Item, withheld: readonly { readonly media: Media }[]): void {
    for (const media of item.media) {
      if (media.annotations.length === 0 || withheld.some((w) => w.media === media)) {
        continue;
      }
      for (const [code, n] of mediaLabels(media)) {
        let c = this.#classImages.get(code);
        if (c === undefined) {
          c = { images: 0, objects: 0 };
          this.#classImages.set(code, c);
        }
        c.images++;
        c.objects += n;
      }
    }
  }

  /** Counts an annotation's outcome; a drop is reported unless the source reported it. */
  record(o: Outcome): void {
    this.stats.outcome(o.annotation.kind, o.outcome, o.reason, o.item.id);
    const code = o.annotation.classCode;
    if (o.outcome !== 'dropped' && code !== null && o.annotation.kind !== 'group') {
      this.#perClass.set(code, (this.#perClass.get(code) ?? 0) + 1);
    }
    if (o.outcome === 'dropped' && o.quiet !== true) {
      this.report({
        code: o.code ?? 'SYNX_FORMAT_DROPPED',
        severity: 'warning',
        message: `${o.annotation.kind} ${o.annotation.id} dropped: ${o.reason ?? 'not supported'}`,
        itemId: o.item.id,
        ...(o.media === undefined ? {} : { mediaId: o.media.id }),
        annotationId: o.annotation.id,
        ...(o.field !== undefined
          ? { field: o.field }
          : o.media === undefined
            ? {}
            : { field: dmFieldOf(o.media.id, o.annotation) }),
        action: 'dropped',
      });
    }
  }

  /**
   * The context a writer reports and accounts through. A writer's issue about the item being
   * written (`current()`) gets the field it did not name: the DM field of the annotation, else
   * the media's file — every issue names item and field.
   */
  context(
    format: Pick<ExportSession['format'], 'messages'>,
    signal: AbortSignal,
    log: Logger,
    current: () => ExportItem | undefined,
  ): FormatContext {
    const messages = format.messages;
    return {
      apiVersion: PLUGIN_API_VERSION,
      signal,
      log,
      report: (issue) => {
        this.report(withField(issue, current()));
      },
      account: (o) => {
        if (o.outcome === 'written') {
          this.record(o);
          return;
        }
        this.record({
          item: o.item,
          media: o.media,
          annotation: o.annotation,
          outcome: o.outcome,
          reason: messageText(messages, o.messageId, o.data),
          code: o.messageId === 'invalidGeometry' ? GEOMETRY_INVALID : undefined,
          quiet: REPORTED_AT_SOURCE.has(o.messageId),
          field: o.field,
        });
      },
    };
  }

  /** Closes `synx-issues.jsonl`; returns the failure to write it, if any. */
  async close(): Promise<unknown> {
    if (this.#file !== undefined) {
      try {
        await this.#file.close();
      } catch (err) {
        this.#fileFailure ??= err;
      }
    }
    return this.#fileFailure;
  }

  /** The manifest of the export as recorded so far. */
  manifest(
    session: ExportSession,
    status: ExportManifest['status'],
    failure: unknown,
    parts: ManifestParts,
  ): ExportManifest {
    const { source, format, classes } = session;
    const groups = this.stats.groups();
    return {
      synx: { version: parts.synxVersion ?? '0.0.0', manifestVersion: 1 },
      status,
      ...(failure === undefined
        ? {}
        : {
            error: {
              code: isSynxError(failure) ? failure.code : 'SYNX_INTERNAL',
              message: redactText((failure as Error).message),
            },
          }),
      source: source.info,
      project: source.project,
      format: {
        id: format.id,
        title: format.title,
        ...(parts.formatPackage === undefined
          ? {}
          : { package: parts.formatPackage.name, version: parts.formatPackage.version }),
        options: JSON.parse(JSON.stringify(session.options ?? {})) as Record<string, JsonValue>,
        treatments: JSON.parse(
          JSON.stringify(resolveTreatments(format, session.description)),
        ) as Record<string, JsonValue>,
      },
      classes: {
        origin: classes.origin,
        entries: classes.entries.map((e) => ({
          index: e.index,
          ...(e.id === undefined ? {} : { id: e.id }),
          code: e.code,
          name: e.name,
          annotations: this.#perClass.get(e.code) ?? 0,
          images: this.#classImages.get(e.code)?.images ?? 0,
          objects: this.#classImages.get(e.code)?.objects ?? 0,
        })),
      },
      keypointNames: [...source.keypointNames],
      split: parts.split ?? null,
      media: parts.media ?? null,
      counts: this.stats.snapshot(),
      converted: groups.filter((g) => g.outcome === 'converted'),
      dropped: groups.filter((g) => g.outcome === 'dropped'),
      issues: {
        ...this.issues.summary(),
        ...(this.issues.total > 0 ? { file: ISSUES_FILE } : {}),
      },
      files: parts.files,
      outputs: parts.outputs,
      run: {
        startedAt: new Date(parts.startedAt).toISOString(),
        finishedAt: new Date(parts.finishedAt).toISOString(),
        durationMs: parts.finishedAt - parts.startedAt,
        timingsMs: parts.timingsMs,
      },
    };
  }
}

/** A writer's issue with the field it did not name, from the item being written. */
function withField(issue: Issue, e: ExportItem | undefined): Issue {
  if (
    issue.field !== undefined ||
    issue.mediaId === undefined ||
    e === undefined ||
    e.item.id !== issue.itemId
  ) {
    return issue;
  }
  const m = e.item.media.find((x) => x.id === issue.mediaId);
  if (m === undefined) {
    return issue;
  }
  const a =
    issue.annotationId === undefined
      ? undefined
      : m.annotations.find((x) => x.id === issue.annotationId);
  return { ...issue, field: a === undefined ? (m.file?.name ?? m.id) : dmFieldOf(m.id, a) };
}
