import { setMaxListeners } from 'node:events';
import { mkdir, readdir } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve } from 'node:path';
import {
  fileSystemError,
  isFileSystemError,
  retryPolicy,
  SynxError,
  type Issue,
} from '@synx/model';
import type { FormatDescription, Logger } from '@synx/plugin-api';
import { REPORT_FILE, ReportCollector, writeReport } from '@synx/report';
import { HandOver, type Written } from './hand-over.js';
import { ISSUES_FILE, MANIFEST_FILE, writeManifest, type ExportManifest } from './manifest.js';
import { MediaSaver } from './media-saver.js';
import type { MediaSummary } from './media.js';
import { exportItems, observeAll } from './pipeline.js';
import { ExportRecorder } from './recorder.js';
import { removeTree } from './remove-tree.js';
import type { ExportRequest, ExportSummary } from './request.js';
import { openExportSession } from './session.js';
import { SizeCache } from './size-cache.js';
import { TextReader } from './texts.js';

const noopLogger: Logger = { debug: () => undefined };

/**
 * Runs an export: reads the source item by item, converts, names and hands items to the format's
 * writer, and writes `synx-export.json` (and `synx-issues.jsonl` when there are issues). Memory
 * stays flat: no stage holds the dataset. On failure the manifest records `status: "failed"`
 * and the error; what was written stays, and a rerun into the same folder replaces it.
 *
 * The stages are small objects built here: the session (source, options, classes, output), the
 * split strategy, the {@link ExportRecorder} (counts, issues, manifest), the {@link MediaSaver},
 * the item stages ({@link exportItems}) and the {@link HandOver} to the writer.
 *
 * @throws SynxError — `SYNX_STRICT` when `strict` and an error issue is met, source errors
 * (`SYNX_NOT_FOUND`, `SYNX_AUTH`, …), `SYNX_INVALID_INPUT` for options or a non-empty folder.
 */
export async function runExport(request: ExportRequest): Promise<ExportSummary> {
  const started = Date.now();
  const timings: Record<string, number> = {};
  const signal = request.signal ?? new AbortController().signal;
  // Every request in flight (items, header reads, downloads) listens to this one signal.
  setMaxListeners(1000, signal);
  const progress = request.onProgress;
  progress?.({ phase: 'open', items: 0, total: undefined, annotations: 0 });
  let t = Date.now();
  const session = request.session ?? (await openExportSession(request));
  timings['open'] = Date.now() - t;
  const { source, output, format, description } = session;
  const splits = session.splits();
  try {
    if (splits?.needsPass() === true) {
      t = Date.now();
      await observeAll(session, splits, signal, progress);
      timings['split'] = Date.now() - t;
    }
    await prepareOutput(output, description, request.force === true).catch((err: unknown) => {
      throw isFileSystemError(err) ? fileSystemError(err, 'prepare', output) : err;
    });
  } catch (err) {
    session.close();
    throw err;
  }
  const policy = retryPolicy(request.retry);
  const saver = await MediaSaver.open(request.media, { ...session, retry: policy, signal });
  const recorder = new ExportRecorder(output, { strict: request.strict });
  const report = (issue: Issue): void => {
    recorder.report(issue);
  };
  const remote = source.info.kind === 'synapse-api';
  // Sizes read over HTTP by an earlier run into this folder: a rerun asks for none of them again.
  const sizeCache = remote ? await SizeCache.load(output) : undefined;
  const texts =
    description.texts === true
      ? new TextReader({ source, output, signal, retry: policy })
      : undefined;
  const handOver = new HandOver(format, request.formatPackage, output);
  let written: Written = { files: 0, outputs: [] };
  let media: MediaSummary | undefined;
  const manifestOf = (status: ExportManifest['status'], failure: unknown): ExportManifest =>
    recorder.manifest(session, status, failure, {
      synxVersion: request.synxVersion,
      formatPackage: request.formatPackage,
      split: splits?.summary(),
      media,
      ...written,
      startedAt: started,
      finishedAt: Date.now(),
      timingsMs: timings,
    });

  let failure: unknown;
  try {
    for (const note of source.notes) {
      report(note);
    }
    // Marks the folder as a synx export from the start: a run that is killed can be rerun into
    // it (finished files are skipped, partial downloads resumed).
    await writeManifest(output, manifestOf('running', undefined)).catch((err: unknown) => {
      throw fileSystemError(err, 'write', join(output, MANIFEST_FILE));
    });
  } catch (err) {
    session.close();
    throw err;
  }
  t = Date.now();
  const splitRequest = request.split;
  const reportCollector = new ReportCollector({
    classes: session.classes.entries.map((e) => ({ index: e.index, code: e.code, name: e.name })),
    keypointNames: source.keypointNames,
    splits: splits?.names(),
    ...(splitRequest === undefined ? {} : { ratios: splitRequest.ratios.ratios }),
    seed: splitRequest?.seed ?? 0,
  });
  const mediaDir = session.description.mediaDir?.(splits?.names()?.[0]);
  if (mediaDir !== undefined && saver === undefined) {
    report({
      code: 'SYNX_MEDIA_NOT_SAVED',
      severity: 'warning',
      message: `labels only: no image was saved, so ${mediaDir}/ ${splits === undefined ? 'is' : '(and the other splits’ image folders) are'} empty; put the images there, or export again with --save-original-files`,
      field: mediaDir,
    });
  }
  try {
    const items = exportItems({
      session,
      splits,
      recorder,
      saver,
      sizeCache,
      signal,
      retry: policy,
      concurrency: Math.max(1, request.concurrency ?? 64),
      progress,
      report: reportCollector,
      texts,
    });
    written = await handOver.write(
      items,
      {
        ...(source.project?.title === undefined ? {} : { title: source.project.title }),
        classes: session.classes,
        keypointNames: source.keypointNames,
        splits: splits?.names(),
        ...(session.description.mediaDir === undefined ? {} : { mediaSaved: saver !== undefined }),
      },
      session.options,
      recorder.context(format, signal, request.logger ?? noopLogger, () => handOver.current),
      recorder.stats,
      report,
    );
  } catch (err) {
    failure = err;
  } finally {
    session.close();
  }
  try {
    await texts?.close();
  } catch (err) {
    failure ??= err;
  }
  if (saver !== undefined) {
    const tm = Date.now();
    try {
      media = await saver.finish(request.source.kind === 'folder', report);
    } catch (err) {
      failure ??= isFileSystemError(err) ? fileSystemError(err) : err;
    }
    timings['media'] = Date.now() - tm;
  }
  timings['readAndWrite'] = Date.now() - t;
  return finish();

  async function finish(): Promise<ExportSummary> {
    const splitSummary = splits?.summary();
    if (failure === undefined && splitSummary !== undefined && splitSummary.empty.length > 0) {
      report({
        code: 'SYNX_SPLIT_EMPTY',
        severity: 'warning',
        message: `split ${splitSummary.empty.join(', ')} received no item: a trainer fails on an empty split`,
      });
    }
    try {
      await sizeCache?.close();
    } catch {
      // the cache only saves requests next time; a run does not fail for it
    }
    const issuesFailure = await recorder.close();
    if (issuesFailure !== undefined) {
      failure ??= fileSystemError(issuesFailure, 'write', join(output, ISSUES_FILE));
    }
    const stats = recorder.stats;
    progress?.({
      phase: 'finish',
      items: stats.counts.items,
      total: source.itemCount,
      annotations: recorder.annotationsIn,
    });
    const statusOf = (): ExportManifest['status'] =>
      failure !== undefined ? 'failed' : recorder.issues.errors > 0 ? 'incomplete' : 'complete';
    let manifest = manifestOf(statusOf(), failure);
    if (failure === undefined) {
      const tr = Date.now();
      try {
        await writeReport(output, reportCollector.data(), manifest);
        manifest = { ...manifestOf(statusOf(), failure), report: REPORT_FILE };
      } catch (err) {
        failure = err;
        manifest = manifestOf(statusOf(), failure);
      }
      timings['report'] = Date.now() - tr;
    }
    const status = manifest.status;
    let manifestPath: string;
    try {
      manifestPath = await writeManifest(output, manifest);
    } catch (err) {
      throw failure instanceof Error
        ? failure
        : fileSystemError(err, 'write', join(output, MANIFEST_FILE));
    }
    if (failure !== undefined) {
      throw failure instanceof Error
        ? failure
        : new SynxError('SYNX_INTERNAL', 'the export failed', { cause: failure });
    }
    request.logger?.debug('export finished', {
      output,
      items: stats.counts.items,
      ms: manifest.run.durationMs,
    });
    return {
      output,
      manifestPath,
      format: format.id,
      status: status === 'incomplete' ? 'incomplete' : 'complete',
      source: manifest.source,
      project: manifest.project,
      classes: manifest.classes,
      counts: manifest.counts,
      converted: manifest.converted,
      dropped: manifest.dropped,
      issues: manifest.issues,
      firstIssues: recorder.issues.kept.slice(0, 20),
      files: written.files,
      outputs: written.outputs,
      loadHint: description.loadHint?.(output, splits?.names()),
      split: splitSummary,
      media,
      ...(manifest.report === undefined ? {} : { report: join(output, manifest.report) }),
      durationMs: manifest.run.durationMs,
    };
  }
}

/**
 * Makes the output folder ready: refuses a non-empty folder that is no synx export (unless
 * `force`), then removes what the format owns there (and the issues file) from an earlier run.
 */
async function prepareOutput(
  dir: string,
  description: FormatDescription,
  force: boolean,
): Promise<void> {
  let entries: string[] = [];
  try {
    entries = await readdir(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw new SynxError('SYNX_IO', `cannot read ${dir}: ${(err as Error).message}`, {
        cause: err,
      });
    }
  }
  if (entries.length > 0 && !entries.includes(MANIFEST_FILE) && !force) {
    throw new SynxError('SYNX_INVALID_INPUT', `${dir} is not empty and holds no synx export`, {
      hint: 'choose another --output, or pass --force to write into it anyway',
    });
  }
  await mkdir(dir, { recursive: true });
  for (const owned of [...description.owns, ISSUES_FILE, REPORT_FILE]) {
    const target = resolve(dir, owned);
    const rel = relative(dir, target);
    if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) {
      throw new SynxError(
        'SYNX_PLUGIN_INVALID',
        `the format claims "${owned}", which is outside the output folder`,
      );
    }
    await removeTree(target);
  }
}
