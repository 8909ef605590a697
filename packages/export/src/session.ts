import { resolve } from 'node:path';
import { INSTANCE_TOOLS, retryPolicy, SynxError, type ClassMap, type Item } from '@synx/model';
import type { AnyFormat, FormatDescription, SplitName } from '@synx/plugin-api';
import { ExportItemNamer, parseFormatOptions } from '@synx/plugin-host';
import type { ExportRequest } from './request.js';
import { openFolderSource } from './sources/folder.js';
import type { Source } from './sources/source.js';
import { splitStrategy, type SplitStrategy } from './splits.js';

/**
 * What a plan and the run that follows it share, built once from a request: the opened source,
 * the format's parsed options and description, the class map, the output folder and the kind of
 * split. The plan leaves it open; the run closes it; `close()` it when no run follows.
 */
export interface ExportSession {
  readonly source: Source;
  readonly format: AnyFormat;
  /** The format options, parsed with the format's schema. */
  readonly options: unknown;
  readonly description: FormatDescription;
  /** The object classes the format numbers. */
  readonly classes: ClassMap;
  /** The check applied to the class codes found in the data (undefined: every code is known). */
  readonly isKnownClass: ((code: string, tool: string) => boolean) | undefined;
  /** The output folder, absolute. */
  readonly output: string;
  /** A new split strategy of the request's kind, for one pass (undefined: not split). */
  splits(): SplitStrategy | undefined;
  /** A new namer for one pass over the items ({@link ExportItemNamer}). */
  namer(splitOf?: (item: Item) => SplitName | undefined): ExportItemNamer;
  close(): void;
}

/**
 * Opens the request's session: parses the format options (an invalid option fails before any
 * request), checks that the format can write what is asked, then opens the source.
 *
 * @throws SynxError — `SYNX_INVALID_INPUT` for options, `SYNX_NOT_SUPPORTED` for a format that
 * cannot write or has no media folder with `media`, the source's errors.
 */
export async function openExportSession(request: ExportRequest): Promise<ExportSession> {
  const format = request.format;
  const options: unknown = await parseFormatOptions(format, request.formatOptions ?? {});
  const description = format.describe(options);
  if (typeof format.write !== 'function') {
    throw new SynxError('SYNX_NOT_SUPPORTED', `format ${format.id} cannot write`);
  }
  if (request.media !== undefined && description.mediaDir === undefined) {
    throw new SynxError(
      'SYNX_NOT_SUPPORTED',
      `format ${format.id} has no folder for media: --save-original-files cannot be used with it`,
    );
  }
  // Only a format that writes the source data as received needs each item's raw text; the API
  // source keeps it only then (a kept text keeps its whole page of text alive).
  const source = await openSource(request, { raw: description.verbatim === true });
  let resolved: ReturnType<typeof resolveClasses>;
  try {
    resolved = resolveClasses(source, request.classMap, description.classTools);
  } catch (err) {
    source.close();
    throw err;
  }
  const { classes, isKnownClass } = resolved;
  const classOrder = classes.entries.map((e) => e.code);
  return {
    source,
    format,
    options,
    description,
    classes,
    isKnownClass,
    output: resolve(request.output ?? defaultOutput(source.name)),
    splits: () => splitStrategy(request.split, source, classOrder),
    namer: (splitOf) => new ExportItemNamer({ description, formatTitle: format.title, splitOf }),
    close: () => {
      source.close();
    },
  };
}

/** `synapse_export_<name>` with the name made safe for a folder (non-ASCII letters kept). */
export function defaultOutput(name: string): string {
  const safe =
    name
      .normalize('NFC')
      .replace(/[^\p{L}\p{N}._-]+/gu, '_')
      .replace(/^[._]+|_+$/g, '') || 'synapse';
  return `synapse_export_${safe}`;
}

/** Opens the requested source. */
export async function openSource(
  request: Pick<ExportRequest, 'source' | 'signal' | 'logger' | 'classMap' | 'retry'>,
  options: { readonly raw?: boolean | undefined } = {},
): Promise<Source> {
  const { source } = request;
  if (source.kind === 'folder') {
    return openFolderSource({
      dir: source.dir,
      signal: request.signal,
      classMapGiven: request.classMap !== undefined,
    });
  }
  const { kind: _kind, ...api } = source;
  // The API source (and the HTTP client with it) is loaded only when it is used.
  const { openApiSource } = await import('./sources/api.js');
  return openApiSource({
    ...api,
    ...(options.raw === undefined ? {} : { raw: options.raw }),
    signal: request.signal,
    logger: request.logger,
    retry: retryPolicy(request.retry),
  });
}

/** The object classes a format numbers, and the check applied to classes found in the data. */
export function resolveClasses(
  source: Source,
  classMap: ClassMap | undefined,
  classTools?: readonly string[],
): {
  classes: ClassMap;
  isKnownClass: ((code: string, tool: string) => boolean) | undefined;
} {
  if (classMap !== undefined) {
    const project = source.classes.origin === 'project' ? source.classes : undefined;
    return {
      classes: classMap,
      isKnownClass: (code, tool) =>
        (classTools ?? INSTANCE_TOOLS).includes(tool)
          ? classMap.has(code)
          : project === undefined || project.has(code),
    };
  }
  return {
    classes: source.classes.forTools(classTools),
    isKnownClass:
      source.classes.origin === 'project' ? (code) => source.classes.has(code) : undefined,
  };
}
