import {
  classMapFromDiscovered,
  classMapFromProjectConfiguration,
  convertDmV1,
  parseDmJson,
  throwIfAborted,
  type ClassMap,
  type FileRef,
  type Issue,
  type IssueReporter,
  type Item,
} from '@synx/model';
import { mediaSpecForFile } from './names.js';
import type { FolderEntry, SynapseFolder } from './read.js';

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Adds the class codes of DM v1 data (with the tools that use them) to `found`, without converting it. */
export function collectClassCodes(data: unknown, found: Map<string, Set<string>>): void {
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

/** A folder's classes and where they came from. */
export interface FolderClasses {
  readonly classes: ClassMap;
  /**
   * `project`: from `project.json`'s configuration, in configured order. `discovered`: no
   * configuration, so the class codes found in the data, sorted — their ids may change between
   * exports when classes are added or removed.
   */
  readonly origin: 'project' | 'discovered';
}

/**
 * The classes of a raw export folder: `project.json`'s configuration when it has one, else the
 * class codes found in the JSON files (one pass over them, nothing converted). Unreadable files
 * are skipped here; reading the item reports them.
 */
export function folderClasses(
  folder: SynapseFolder,
  signal?: AbortSignal,
  /** Told of each part of project.json's configuration that names no class. */
  onProblem?: (field: string, message: string) => void,
): FolderClasses {
  const configuration = folder.project?.['configuration'];
  if (isRecord(configuration) && isRecord(configuration['classification'])) {
    return {
      classes: classMapFromProjectConfiguration(configuration, onProblem),
      origin: 'project',
    };
  }
  const found = new Map<string, Set<string>>();
  for (const entry of folder.entries) {
    throwIfAborted(signal);
    let data: unknown;
    try {
      data = parseDmJson(folder.readJsonSync(entry), entry.jsonPath);
    } catch {
      continue;
    }
    collectClassCodes(data, found);
  }
  return { classes: classMapFromDiscovered(found), origin: 'discovered' };
}

/** Options of {@link folderItem}. */
export interface FolderItemOptions {
  /** Receives conversion issues (bad geometry, unknown classes, …). */
  readonly reporter: IssueReporter;
  /** Decides whether a class is known; unknown ones are reported. */
  readonly isKnownClass?: ((classCode: string, tool: string) => boolean) | undefined;
}

/**
 * One folder entry as a canonical item: its DM v1 text parsed and converted, its media file
 * attached by path. Image sizes are not read here.
 *
 * @throws SynxError `SYNX_INVALID_INPUT` when the text is not JSON.
 */
export function folderItem(entry: FolderEntry, text: string, options: FolderItemOptions): Item {
  const data = parseDmJson(text, `json/${entry.stem}.json`);
  const files: Record<string, FileRef> = {};
  const mediaPath = entry.mediaPath;
  if (mediaPath !== undefined && entry.mediaName !== undefined) {
    files[mediaSpecForFile(entry.mediaName)] = {
      name: entry.mediaName,
      path: mediaPath,
      isPrimary: true,
    };
  }
  const converted = convertDmV1(data, {
    itemId: entry.stem,
    reporter: options.reporter,
    files,
    ...(options.isKnownClass === undefined ? {} : { isKnownClass: options.isKnownClass }),
  });
  return {
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
}

/** The issue for an entry that cannot be read or parsed: the item is skipped. */
export function unreadableEntryIssue(entry: FolderEntry, err: unknown): Issue {
  return {
    code: 'SYNX_ITEM_UNREADABLE',
    severity: 'error',
    message: `${(err as Error).message}; the item is skipped (its image is not exported as an image without objects)`,
    itemId: entry.stem,
    field: `json/${entry.stem}.json`,
    action: 'dropped',
  };
}
