import { basename, relative, resolve } from 'node:path';
import { throwIfAborted, type Issue } from '@synx/model';
import {
  folderClasses,
  folderItem,
  openSynapseFolder,
  spreadEntries,
  unreadableEntryIssue,
  type FolderEntry,
  type SynapseFolder,
} from '@synx/synapse-folder';
import { sizeImages } from './media.js';
import {
  FOLDER_SAMPLE_ITEMS,
  type ItemReadOptions,
  type SampleSpec,
  type Source,
  type SourcedItem,
  type SourceSample,
} from './source.js';

/** Options of {@link openFolderSource}. */
export interface FolderSourceOptions {
  readonly dir: string;
  readonly signal?: AbortSignal | undefined;
  /**
   * The export numbers classes from a user class map: discovered classes then give no ids, so
   * there is no warning that their ids may change.
   */
  readonly classMapGiven?: boolean | undefined;
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
    severity: p.severity,
    message: p.message,
    ...(p.stem === '' ? {} : { itemId: p.stem }),
    ...(p.field === undefined ? {} : { field: p.field }),
    ...(p.severity === 'error' ? { action: 'dropped' as const } : {}),
  }));
  const { classes, origin } = folderClasses(folder, options.signal, (field, message) => {
    notes.push({
      code: 'SYNX_CLASSES_INVALID',
      severity: 'warning',
      message: `project.json: ${field} ${message}`,
      field: `project.json:${field}`,
    });
  });
  const keypointNames = classes.keypointNames();
  if (origin === 'discovered' && options.classMapGiven !== true) {
    notes.push({
      code: 'SYNX_CLASSES_DISCOVERED',
      severity: 'warning',
      ...(folder.project === undefined ? {} : { field: 'project.json' }),
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
    sample: (spec: SampleSpec, read: ItemReadOptions) => folderSample(folder, spec, read),
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

/** Every k-th JSON file of the sorted list (all of them up to the sample size). */
async function folderSample(
  folder: SynapseFolder,
  spec: SampleSpec,
  read: ItemReadOptions,
): Promise<SourceSample> {
  const chosen = spreadEntries(folder.entries, spec.items ?? FOLDER_SAMPLE_ITEMS);
  const items: SourcedItem[] = [];
  for (const entry of chosen) {
    throwIfAborted(read.signal);
    items.push(await readEntry(folder, entry, read));
  }
  return {
    items,
    of: folder.entries.length,
    complete: chosen.length === folder.entries.length,
  };
}

async function readEntry(
  folder: SynapseFolder,
  entry: FolderEntry,
  read: ItemReadOptions,
): Promise<SourcedItem> {
  const issues: Issue[] = [];
  let item;
  try {
    item = folderItem(
      entry,
      folder.readJsonSync(entry, (note) => issues.push(note)),
      {
        reporter: { report: (i) => issues.push(i) },
        isKnownClass: read.isKnownClass,
      },
    );
  } catch (err) {
    return { item: undefined, issues: [unreadableEntryIssue(entry, err)] };
  }
  if (read.sizes !== false) {
    await sizeImages(item.media, entry.stem, issues, {
      signal: read.signal,
      // The file at fault: the media file, or the item's JSON when it pairs with none.
      fileField: (m) =>
        m.file?.path === undefined ? `json/${entry.stem}.json` : relative(folder.root, m.file.path),
    });
  }
  return { item, issues };
}
