import { rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  errnoCode,
  type ClassEntry,
  type DatasetHeader,
  type IssueSummary,
  type JsonValue,
  type SourceInfo,
} from '@synx/model';
import type { OutputFile } from '@synx/plugin-api';
import type { MediaSummary } from './media.js';
import type { SplitSummary } from './splits.js';
import type { ExportCounts, OutcomeGroup } from './stats.js';

/** The file every export writes last; its `status` says whether the export finished. */
export const MANIFEST_FILE = 'synx-export.json';
/** Every issue of the export, one JSON object per line, in item order. */
export const ISSUES_FILE = 'synx-issues.jsonl';

/**
 * `synx-export.json`: what was exported, how, and what happened to every annotation.
 *
 * Schema rules: `manifestVersion` stays 1 while fields are only added (readers ignore fields
 * they do not know); renaming, removing or changing the meaning of a field bumps it.
 */
export interface ExportManifest {
  synx: { version: string; manifestVersion: 1 };
  /**
   * `running` from the start of writing until the end (a killed export leaves `running`);
   * `complete`; `incomplete` when error issues say something did not reach the output (listed
   * in `synx-issues.jsonl`); `failed` when the export stopped (`error` says why).
   */
  status: 'running' | 'complete' | 'incomplete' | 'failed';
  error?: { code: string; message: string };
  /** Where the data came from. Never holds a token. Differs between API and folder runs. */
  source: SourceInfo;
  project: DatasetHeader['project'];
  format: {
    id: string;
    title: string;
    package?: string;
    version?: string;
    options: Record<string, JsonValue>;
    /**
     * What the format did with each annotation feature for these options (keep / convert / drop,
     * with its note or reason): states conventions such as VOC's coordinate origin.
     */
    treatments: Record<string, JsonValue>;
  };
  /**
   * The class map; each class with `annotations`: the source annotations of that class that
   * reached the output (written or converted; groups not counted); `objects`: its objects as
   * handed to the format (a group of box, polygon and keypoints is one object; an image-level
   * label is one); `images`: the images with at least one of them. With or without a split
   * (per split: `split.classes`).
   */
  classes: {
    origin: string;
    entries: (Pick<ClassEntry, 'index' | 'id' | 'code' | 'name'> & {
      annotations: number;
      images: number;
      objects: number;
    })[];
  };
  keypointNames: string[];
  /** How items were split (mode, seed, ratios, items and classes per split); null when not split. */
  split: SplitSummary | null;
  /** What `--save-original-files` did (counts, files still missing); null without it. */
  media: MediaSummary | null;
  counts: ExportCounts;
  converted: OutcomeGroup[];
  dropped: OutcomeGroup[];
  issues: IssueSummary & { file?: string };
  files: number;
  /**
   * What the writer says it wrote, file (or folder) by folder, with its counts (paths relative
   * to the output folder); empty when the format does not say.
   */
  outputs: OutputFile[];
  /**
   * The visual report of the export (`report.html`, relative to the output folder): counts per
   * split and class, box statistics, drops with reasons, a gallery; absent when not written
   * (a failed run). `synx report <folder>` regenerates it.
   */
  report?: string;
  /** Timings and dates. Differs between runs. */
  run: {
    startedAt: string;
    finishedAt: string;
    durationMs: number;
    timingsMs: Record<string, number>;
  };
}

/**
 * Writes the manifest atomically (temp file + rename). On a full disk, where the temp file
 * finds no room, it is rewritten in place instead: truncating the old manifest frees the room
 * the new one needs, so a failed run can still say `failed`.
 */
export async function writeManifest(dir: string, manifest: ExportManifest): Promise<string> {
  const path = join(dir, MANIFEST_FILE);
  const tmp = `${path}.partial`;
  const text = `${JSON.stringify(manifest, null, 2)}\n`;
  try {
    await writeFile(tmp, text);
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true }).catch(() => undefined);
    if (errnoCode(err) !== 'ENOSPC' && errnoCode(err) !== 'EDQUOT') {
      throw err;
    }
    await writeFile(path, text);
  }
  return path;
}
