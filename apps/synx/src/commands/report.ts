import { relative, resolve } from 'node:path';
import { Args, Flags } from '@oclif/core';
import { isSynxError, SynxError } from '@synx/model';
import { PLUGIN_API_VERSION, type AnyFormat, type FormatContext } from '@synx/plugin-api';
import { parseFormatOptions, type FormatRegistry } from '@synx/plugin-host';
import { readExportManifest, regenerateReport, type ReportManifest } from '@synx/report';
import { debugLogger, SynxCommand } from '../lib/base.js';
import { EXIT_INCOMPLETE } from '../lib/exit-codes.js';
import { loadFormatRegistry } from '../lib/registry.js';

/** The export's format: its plugin's own (`<package>:<id>`) when the manifest names it. */
async function formatOf(registry: FormatRegistry, f: ReportManifest['format']): Promise<AnyFormat> {
  if (f.package !== undefined) {
    try {
      return await registry.get(`${f.package}:${f.id}`);
    } catch (err) {
      if (!isSynxError(err) || err.code !== 'SYNX_UNKNOWN_FORMAT') {
        throw err;
      }
    }
  }
  return registry.get(f.id);
}

/**
 * The export's format options: the manifest holds them as the format's schema returned them,
 * which most schemas accept again; one that does not (a value parsed from `a:b` pairs) gets them
 * as they are.
 */
async function optionsOf(
  format: AnyFormat,
  saved: Readonly<Record<string, unknown>>,
): Promise<unknown> {
  try {
    return await parseFormatOptions(format, saved);
  } catch (err) {
    if (isSynxError(err) && err.code === 'SYNX_INVALID_INPUT') {
      return saved;
    }
    throw err;
  }
}

export default class Report extends SynxCommand {
  static override summary = 'Write report.html of an export folder again, from its files.';
  static override description =
    'Reads synx-export.json of the folder, reads the dataset back with its format’s reader (the format’s plugin code runs), finds each item’s split and saved original from the files, and writes a self-contained report.html: counts per split and class, class balance, object and image sizes, what was converted and dropped, and a gallery of sample images with their annotations drawn. The report needs no network.';
  static override examples = [
    '<%= config.bin %> report ./dataset',
    '<%= config.bin %> report ./dataset --samples 24 --json',
  ];
  static override enableJsonFlag = true;
  static override args = {
    folder: Args.string({
      description: 'The export folder (holds synx-export.json).',
      required: true,
    }),
  };
  static override flags = {
    samples: Flags.integer({
      description: 'Sample items per split in the gallery.',
      default: 12,
      min: 0,
      max: 500,
    }),
  };

  async run(): Promise<{ report: string }> {
    const { args, flags } = await this.parse(Report);
    const dir = resolve(args.folder);
    const manifest = await readExportManifest(dir);
    const format = await formatOf(
      loadFormatRegistry(this.config, (d) => {
        this.warn(d.message);
      }),
      manifest.format,
    );
    if (typeof format.read !== 'function') {
      throw new SynxError('SYNX_NOT_SUPPORTED', `format ${format.id} cannot read its files back`, {
        hint: 'synx report reads the exported files with the format’s reader; this format has none',
      });
    }
    const options = await optionsOf(format, manifest.format.options ?? {});
    const log = debugLogger('report');
    const ctx: FormatContext = {
      apiVersion: PLUGIN_API_VERSION,
      signal: new AbortController().signal,
      log,
      report: (issue) => {
        log.debug('reader issue', { code: issue.code, message: issue.message });
      },
      account: () => undefined,
    };
    const result = await regenerateReport({
      dir,
      manifest,
      read: (at) =>
        format.read?.({ dir: at }, options, ctx) ??
        Promise.reject(new SynxError('SYNX_NOT_SUPPORTED', `format ${format.id} cannot read`)),
      layout: format.describe(options),
      samplesPerSplit: flags.samples,
    });
    const written = manifest.counts?.items;
    if (written !== undefined && written !== result.items) {
      // the report holds less than the export: not a success
      process.exitCode = EXIT_INCOMPLETE;
      this.warn(
        `read ${result.items} of the ${written} items the export wrote back from the files${manifest.media === null ? ' (the format’s reader may need the originals: export with --save-original-files)' : ''}`,
      );
    }
    if (!this.jsonEnabled()) {
      const splits = manifest.split?.names ?? [];
      const note =
        splits.length > 0 && !result.splitKnown
          ? ' (the split of some items is not known from the files)'
          : '';
      const rel = relative(process.cwd(), result.path);
      const shown = rel.startsWith('..') ? result.path : `./${rel}`;
      this.log(`report  ${shown} — ${result.items} items${note}`);
    }
    return { report: result.path };
  }
}
