import type { ClassMap, Issue, RetryPolicy } from '@synx/model';
import type { AnyFormat, Logger, OutputFile } from '@synx/plugin-api';
import type { ExportManifest } from './manifest.js';
import type { MediaRequest, MediaSummary } from './media.js';
import type { ExportSession } from './session.js';
import type { ApiSourceOptions } from './sources/api.js';
import type { SplitRequest, SplitSummary } from './splits.js';
import type { ExportCounts, OutcomeGroup } from './stats.js';

/** Where to read from. */
export type SourceRequest =
  | ({ readonly kind: 'api' } & Omit<ApiSourceOptions, 'signal' | 'logger' | 'retry'>)
  | { readonly kind: 'folder'; readonly dir: string };

/** Everything `runExport` and `planExport` need. */
export interface ExportRequest {
  readonly source: SourceRequest;
  /** The format, already resolved (e.g. from a `FormatRegistry`). */
  readonly format: AnyFormat;
  /** The package that provides the format, for the manifest. */
  readonly formatPackage?: { readonly name: string; readonly version: string } | undefined;
  /** Raw format options (validated with the format's schema). */
  readonly formatOptions?: Readonly<Record<string, unknown>> | undefined;
  /** Output folder; created if missing. Default `./synapse_export_<project or folder name>`. */
  readonly output?: string | undefined;
  /** A user class map: fixes class ids instead of the project configuration. */
  readonly classMap?: ClassMap | undefined;
  /** Train/val/test split (`--split`, `--seed`, `--stratify`, `--group-by`). */
  readonly split?: SplitRequest | undefined;
  /** Save the original media beside the labels (`--save-original-files`). */
  readonly media?: MediaRequest | undefined;
  /** Any error issue aborts the export (`SYNX_STRICT`). */
  readonly strict?: boolean | undefined;
  /** Write into a non-empty folder that is not a synx export. */
  readonly force?: boolean | undefined;
  readonly signal?: AbortSignal | undefined;
  readonly logger?: Logger | undefined;
  readonly onProgress?: ((progress: ExportProgress) => void) | undefined;
  /** Image headers read over HTTP at once (API sources). Default 64. */
  readonly concurrency?: number | undefined;
  /**
   * The retry policy of every request the export makes — list pages, single objects, image
   * headers and media downloads (defaults: `DEFAULT_RETRY_POLICY`).
   */
  readonly retry?: Partial<RetryPolicy> | undefined;
  /** synx's version, recorded in the manifest. */
  readonly synxVersion?: string | undefined;
  /**
   * The session opened for a plan of the same request ({@link openExportSession}): the run
   * reads from it instead of opening it again (no second project request, list page 1 or folder
   * listing). The run consumes and closes it.
   */
  readonly session?: ExportSession | undefined;
}

/** Progress events (the CLI renders them; libraries never print). */
export interface ExportProgress {
  readonly phase: 'open' | 'split' | 'read' | 'write' | 'finish';
  /** Items read so far (in the `split` phase: items looked at). */
  readonly items: number;
  /** Items the source holds, when it says (a folder, an API list's count). */
  readonly total: number | undefined;
  /** Source annotations handed to the format so far (0 before the `write` phase). */
  readonly annotations: number;
}

/** What `runExport` returns. */
export interface ExportSummary {
  readonly output: string;
  /** Path of `report.html`, when it was written. */
  readonly report?: string | undefined;
  readonly manifestPath: string;
  readonly format: string;
  /**
   * `complete` when every annotation was written, converted or dropped by a documented rule;
   * `incomplete` when an error issue says something did not reach the output (an item, an
   * annotation, an image size, a media file) — the CLI exits 10.
   */
  readonly status: 'complete' | 'incomplete';
  readonly source: ExportManifest['source'];
  readonly project: ExportManifest['project'];
  /** The class map, each class with the annotations of it that reached the output. */
  readonly classes: ExportManifest['classes'];
  readonly counts: ExportCounts;
  readonly converted: OutcomeGroup[];
  readonly dropped: OutcomeGroup[];
  readonly issues: ExportManifest['issues'];
  /** The first issues (up to 20), for display. */
  readonly firstIssues: Issue[];
  readonly files: number;
  /**
   * What the writer says it wrote, file by file (or folder by folder) with counts; empty when
   * the format does not say.
   */
  readonly outputs: readonly OutputFile[];
  /** How the format's usual consumer loads the result (the format's `loadHint`), if it says. */
  readonly loadHint: string | undefined;
  /** How the items were split; undefined when not split. */
  readonly split: SplitSummary | undefined;
  /** What `--save-original-files` did; undefined without it. */
  readonly media: MediaSummary | undefined;
  readonly durationMs: number;
}
