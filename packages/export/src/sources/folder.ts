import { basename, resolve } from 'node:path';
import {
  classMapFromDiscovered,
  classMapFromProjectConfiguration,
  convertDmV1,
  isSynxError,
  parseDmJson,
  throwIfAborted,
  type ClassMap,
  type FileRef,
  type Issue,
  type Item,
} from '@synx/model';
import {
  mediaSpecForFile,
  openSynapseFolder,
  type FolderEntry,
  type SynapseFolder,
} from '@synx/synapse-folder';
import { mapOrdered } from '../concurrency.js';
import { sizeImages } from './media.js';
import type { ItemReadOptions, Source, SourcedItem } from './source.js';

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Collects class code → tools from DM v1 data without converting it. */
function collectClasses(data: unknown, found: Map<string, Set<string>>): void {
  if (!isRecord(data)) {
    return;
  }
  const visit = (section: unknown, defaultTool: string | undefined): void => {
    if (!isRecord(section)) {
      return;
    }
    for (const list of Object.values(section)) {
      if (!Array.isArray(list)) {
        continue;
      }
      for (const a of list) {
        if (!isRecord(a) || !isRecord(a['classification'])) {
          continue;
        }
        const code = a['classification']['class'];
        const tool = typeof a['tool'] === 'string' ? a['tool'] : defaultTool;
        if (typeof code === 'string' && tool !== undefined) {
          let tools = found.get(code);
          if (tools === undefined) {
            tools = new Set();
            found.set(code, tools);
          }
          tools.add(tool);
        }
      }
    }
  };
  visit(data['annotations'], undefined);
  visit(data['relations'], 'relation');
  visit(data['annotationGroups'], 'annotationGroup');
}

/** Options of {@link openFolderSource}. */
export interface FolderSourceOptions {
  readonly dir: string;
  readonly signal?: AbortSignal | undefined;
  /** Parallel file reads when discovering classes. Default 16. */
  readonly concurrency?: number;
}

/**
 * Opens a Synapse raw export folder as a source. Classes come from `project.json`'s
 * configuration; without it they are the class codes found in the data, sorted (a warning says
 * their ids may change between exports).
 */
export async function openFolderSource(options: FolderSourceOptions): Promise<Source> {
  const dir = resolve(options.dir);
  const folder: SynapseFolder = await openSynapseFolder(dir);
  const notes: Issue[] = folder.problems.map((p) => ({
    code: p.code,
    severity: 'warning',
    message: p.message,
    itemId: p.stem,
  }));
  let classes: ClassMap;
  let keypointNames: string[];
  const configuration = folder.project?.['configuration'];
  const configured = isRecord(configuration) && isRecord(configuration['classification']);
  if (configured) {
    classes = classMapFromProjectConfiguration(configuration);
    keypointNames = classes.keypointNames();
  } else {
    const found = new Map<string, Set<string>>();
    const discover = mapOrdered(
      folder.entries,
      options.concurrency ?? 16,
      async (entry) => {
        try {
          return parseDmJson(await folder.readJson(entry), entry.jsonPath);
        } catch {
          return undefined; // reported when the item is read
        }
      },
      options.signal,
    );
    for await (const data of discover) {
      collectClasses(data, found);
    }
    classes = classMapFromDiscovered(found);
    keypointNames = classes.keypointNames();
    notes.push({
      code: 'SYNX_CLASSES_DISCOVERED',
      severity: 'warning',
      message:
        folder.project === undefined
          ? `no project.json: the ${classes.size} classes are the names found in the data, sorted; their ids may change between exports when classes are added or removed (give --class-map to fix them)`
          : `project.json has no class configuration: the ${classes.size} classes are the names found in the data, sorted; their ids may change between exports (give --class-map to fix them)`,
    });
  }
  const title = typeof folder.project?.['title'] === 'string' ? folder.project['title'] : undefined;
  const projectId = folder.project?.['id'];
  const category = folder.project?.['category'];
  return {
    info: { kind: 'synapse-folder', path: dir },
    project: {
      ...(typeof projectId === 'number' || typeof projectId === 'string' ? { id: projectId } : {}),
      ...(title === undefined ? {} : { title }),
      ...(typeof category === 'string' ? { category } : {}),
    },
    classes,
    keypointNames,
    itemCount: folder.entries.length,
    notes,
    name: basename(dir),
    items: (read: ItemReadOptions) => folderItems(folder, read),
    close: () => undefined,
  };
}

/** Items in stem order. Local files are read synchronously: faster than a thread-pool round trip per small file. */
async function* folderItems(
  folder: SynapseFolder,
  read: ItemReadOptions,
): AsyncGenerator<SourcedItem> {
  for (const entry of folder.entries) {
    throwIfAborted(read.signal);
    yield await readEntry(folder, entry, read);
  }
}

async function readEntry(
  folder: SynapseFolder,
  entry: FolderEntry,
  read: ItemReadOptions,
): Promise<SourcedItem> {
  const issues: Issue[] = [];
  let text: string;
  let data: unknown;
  try {
    text = folder.readJsonSync(entry);
    data = parseDmJson(text, `json/${entry.stem}.json`);
  } catch (err) {
    if (isSynxError(err) && err.code === 'SYNX_ABORTED') {
      throw err;
    }
    return {
      item: undefined,
      issues: [
        {
          code: 'SYNX_ITEM_UNREADABLE',
          severity: 'error',
          message: `${(err as Error).message}; the item is skipped (its image is not exported as an image without objects)`,
          itemId: entry.stem,
          field: `json/${entry.stem}.json`,
          action: 'dropped',
        },
      ],
    };
  }
  const files: Record<string, FileRef> = {};
  if (entry.mediaPath !== undefined && entry.mediaName !== undefined) {
    files[mediaSpecForFile(entry.mediaName)] = {
      name: entry.mediaName,
      path: entry.mediaPath,
      isPrimary: true,
    };
  }
  const converted = convertDmV1(data, {
    itemId: entry.stem,
    reporter: { report: (i) => issues.push(i) },
    files,
    ...(read.isKnownClass === undefined ? {} : { isKnownClass: read.isKnownClass }),
  });
  if (read.sizes !== false) {
    await sizeImages(converted.media, undefined, entry.stem, issues, read.signal);
  }
  const item: Item = {
    id: entry.stem,
    sourceKind: 'folder',
    key: entry.stem,
    stem: entry.stem,
    media: converted.media,
    dmKeys: converted.dmKeys,
    raw: text,
    ...(converted.assignmentId === undefined ? {} : { assignmentId: converted.assignmentId }),
    ...(converted.extra === undefined ? {} : { extra: converted.extra }),
  };
  return { item, issues };
}
