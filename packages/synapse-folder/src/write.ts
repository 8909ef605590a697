import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SynxError } from '@synx/model';

/** One item to write into a raw export folder. */
export interface FolderWriteItem {
  /** Stem of `json/<stem>.json`. */
  readonly stem: string;
  /** DM v1 data: an object (written with 4-space indent, like Synapse's exporter) or exact text. */
  readonly data: unknown;
  /** The media file: its name in `origin_files/` and either bytes or a file to copy. */
  readonly media?: {
    readonly name: string;
    readonly bytes?: Uint8Array;
    readonly copyFrom?: string;
  };
}

function assertSafeName(name: string): void {
  if (
    name === '' ||
    name.includes('/') ||
    name.includes('\\') ||
    name === '.' ||
    name === '..' ||
    name.includes('\0')
  ) {
    throw new SynxError('SYNX_INVALID_INPUT', `"${name}" is not a safe file name`);
  }
}

/**
 * Writes a Synapse raw export folder item by item (`json/`, `origin_files/`, `project.json`),
 * as Synapse's export plugin lays it out. Used by test-fixture builders, the demo and the
 * benchmark generator.
 */
export class SynapseFolderWriter {
  readonly root: string;
  #ready: Promise<void> | undefined;

  constructor(root: string) {
    this.root = root;
  }

  #prepare(): Promise<void> {
    this.#ready ??= (async () => {
      await mkdir(join(this.root, 'json'), { recursive: true });
      await mkdir(join(this.root, 'origin_files'), { recursive: true });
    })();
    return this.#ready;
  }

  /** Writes `project.json` (the `GET projects/{id}/` body). */
  async writeProject(project: unknown): Promise<void> {
    await this.#prepare();
    await writeFile(join(this.root, 'project.json'), `${JSON.stringify(project, null, 2)}\n`);
  }

  /** Writes one item's JSON and media. */
  async write(item: FolderWriteItem): Promise<void> {
    await this.#prepare();
    assertSafeName(`${item.stem}.json`);
    const text = typeof item.data === 'string' ? item.data : JSON.stringify(item.data, null, 4);
    await writeFile(join(this.root, 'json', `${item.stem}.json`), text);
    if (item.media !== undefined) {
      assertSafeName(item.media.name);
      const target = join(this.root, 'origin_files', item.media.name);
      if (item.media.bytes !== undefined) {
        await writeFile(target, item.media.bytes);
      } else if (item.media.copyFrom !== undefined) {
        await copyFile(item.media.copyFrom, target);
      }
    }
  }
}
