import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runWriter, tempDir } from '@synx/format-testkit';
import { describe, expect, it } from 'vitest';
import { imageFolderFormat } from '../src/index.js';
import { classificationFixture, placeMedia } from './helpers.js';

// Debian's python has torchvision; the pyenv python3 first on PATH does not.
const PYTHON = '/usr/bin/python3';
const probe = spawnSync(PYTHON, ['-c', 'import torchvision'], { encoding: 'utf8' });
const why =
  probe.error !== undefined
    ? `${PYTHON} cannot run (${probe.error.message})`
    : probe.status !== 0
      ? `${PYTHON} cannot import torchvision (${(probe.stderr || '').trim().split('\n').pop() ?? ''})`
      : undefined;

const LOAD = `
import json, os, sys
from torchvision.datasets import ImageFolder
root = sys.argv[1]
out = {}
for split in sys.argv[2:]:
    ds = ImageFolder(os.path.join(root, split) if split != '.' else root)
    out[split] = {
        "classes": ds.classes,
        "samples": [[os.path.relpath(p, root).replace(os.sep, '/'), t] for p, t in ds.samples],
    }
print(json.dumps(out))
`;

interface Loaded {
  readonly classes: string[];
  readonly samples: [string, number][];
}

describe.skipIf(why !== undefined)(
  `torchvision's ImageFolder loads the tree${why === undefined ? '' : ` (skipped: ${why})`}`,
  () => {
    const root = tempDir('imagefolder-torchvision');

    for (const splits of [undefined, ['train', 'val']] as const) {
      it(`with every image in the class exported (${splits === undefined ? 'not split' : 'train and val'})`, async () => {
        const data = await classificationFixture(join(root, `src-${String(splits?.length ?? 0)}`));
        const run = await runWriter(
          imageFolderFormat,
          {},
          data,
          join(root, `out-${String(splits?.length ?? 0)}`),
          splits === undefined ? {} : { splits },
        );
        await placeMedia(imageFolderFormat, { classFrom: 'classification' }, run);
        const text = execFileSync(PYTHON, ['-c', LOAD, run.dir, ...(splits ?? ['.'])], {
          encoding: 'utf8',
          env: { ...process.env, PYTHONIOENCODING: 'utf-8' },
        });
        const loaded = JSON.parse(text) as Record<string, Loaded>;
        const classesTxt = readFileSync(join(run.dir, 'classes.txt'), 'utf8')
          .split('\n')
          .slice(0, -1);
        const rows = readFileSync(join(run.dir, 'labels.csv'), 'utf8')
          .split('\n')
          .slice(1, -1)
          .map((l) => l.split(','));
        const exported = new Map(rows.map(([path, , cls]) => [path ?? '', cls ?? '']));
        // counts.csv: split,index,folder,class,images — the class code of each folder.
        const codeOf = new Map(
          readFileSync(join(run.dir, 'counts.csv'), 'utf8')
            .split('\n')
            .slice(1, -1)
            .map((l) => l.split(','))
            .map(([, , folder, code]) => [folder ?? '', code ?? '']),
        );
        const fromFolders = new Map<string, string>();
        for (const split of splits ?? ['.']) {
          const ds = loaded[split];
          expect(ds, split).toBeDefined();
          for (const [path, target] of ds?.samples ?? []) {
            const folder = ds?.classes[target] ?? '';
            // torchvision's per-split index, mapped through classes.txt as the README says.
            expect(classesTxt.indexOf(folder), `${folder} in classes.txt`).toBeGreaterThanOrEqual(
              0,
            );
            fromFolders.set(path, codeOf.get(folder) ?? `(no class for ${folder})`);
          }
        }
        // Every exported image was loaded, with the class it was exported under, and nothing else.
        expect(new Map([...fromFolders].sort())).toEqual(new Map([...exported].sort()));
        expect(exported.size).toBe(7);
      });
    }
  },
);
