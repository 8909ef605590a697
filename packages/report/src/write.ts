import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fileSystemError, isFileSystemError } from '@synx/model';
import { renderReport } from './render.js';
import { makeThumbnail } from './thumbnail.js';
import { REPORT_FILE, type ReportData, type ReportSummary, type Thumbnail } from './types.js';

/** Thumbnails of `paths`, in order, made by a child process (see thumbnail-process.ts). */
async function thumbnailsApart(paths: readonly string[]): Promise<(Thumbnail | null)[]> {
  const script = fileURLToPath(new URL('./thumbnail-process.js', import.meta.url));
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script], { stdio: ['pipe', 'pipe', 'ignore'] });
    const out: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.on('error', reject);
    child.on('close', (code) => {
      try {
        if (code !== 0) {
          throw new Error(`the thumbnail process exited with ${String(code)}`);
        }
        const parsed = JSON.parse(Buffer.concat(out).toString('utf8')) as (Thumbnail | null)[];
        if (!Array.isArray(parsed) || parsed.length !== paths.length) {
          throw new Error('the thumbnail process gave no answer for every image');
        }
        resolve(parsed);
      } catch (err) {
        reject(err instanceof Error ? err : new Error(String(err)));
      }
    });
    child.stdin.end(JSON.stringify(paths));
  });
}

/**
 * Thumbnails of the sample images: in a child process (libvips stays out of the caller's
 * memory), else — when no child can be started, or from TypeScript sources in tests — here.
 */
async function thumbnailsOf(paths: readonly string[]): Promise<(Thumbnail | undefined)[]> {
  if (paths.length === 0) {
    return [];
  }
  if (existsSync(fileURLToPath(new URL('./thumbnail-process.js', import.meta.url)))) {
    try {
      return (await thumbnailsApart(paths)).map((t) => t ?? undefined);
    } catch {
      // made here instead
    }
  }
  const out: (Thumbnail | undefined)[] = [];
  for (const path of paths) {
    out.push(await makeThumbnail(path));
  }
  return out;
}

/**
 * Writes `report.html` into an export folder: makes thumbnails of the sample images' saved
 * originals (a missing or unreadable file leaves its sample on a neutral canvas marked "media
 * not saved"), renders the report and writes it atomically (a `.partial` file renamed into
 * place). Never prints.
 *
 * @returns The report's path.
 * @throws SynxError `SYNX_IO` when the file cannot be written.
 * @example
 * const path = await writeReport('./dataset', collector.data(), manifest);
 */
export async function writeReport(
  outputDir: string,
  data: ReportData,
  summary: ReportSummary,
): Promise<string> {
  const thumbnails = new Map<string, Thumbnail>();
  const files = new Set<string>();
  for (const entries of data.samples) {
    for (const e of entries) {
      for (const m of e.media) {
        if (m.file !== null) {
          files.add(m.file);
        }
      }
    }
  }
  const sorted = [...files].sort();
  const made = await thumbnailsOf(sorted.map((file) => join(outputDir, ...file.split('/'))));
  sorted.forEach((file, i) => {
    const thumb = made[i];
    if (thumb !== undefined) {
      thumbnails.set(file, thumb);
    }
  });
  const html = renderReport(data, summary, thumbnails);
  const path = join(outputDir, REPORT_FILE);
  const tmp = `${path}.partial`;
  try {
    await writeFile(tmp, html);
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true }).catch(() => undefined);
    throw isFileSystemError(err) ? fileSystemError(err, 'write', path) : err;
  }
  return path;
}
