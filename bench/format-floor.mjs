#!/usr/bin/env node
// The per-format floor of bench/export-formats.mjs: the same I/O as an export, no conversion.
// Reads and parses every json/*.json of a Synapse folder and the header prefix of every image in
// origin_files/ (the bytes synx reads for a size), then writes the files of a reference output
// tree again: the same paths, each with the same number of bytes.
// Usage: node format-floor.mjs <folder> <reference-output> <out>
import {
  closeSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  statSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { dirname, join, relative } from 'node:path';

const [dir, reference, out] = process.argv.slice(2);
const names = readdirSync(join(dir, 'json'))
  .filter((n) => n.endsWith('.json'))
  .sort();
let objects = 0;
const header = Buffer.allocUnsafe(16 * 1024);
const media = new Map(
  readdirSync(join(dir, 'origin_files')).map((n) => [n.replace(/\.[^.]+$/, ''), n]),
);
for (const n of names) {
  const data = JSON.parse(readFileSync(join(dir, 'json', n), 'utf8'));
  objects += (data.annotations?.image_1 ?? []).length;
  const image = media.get(n.slice(0, -'.json'.length));
  if (image !== undefined) {
    const fd = openSync(join(dir, 'origin_files', image), 'r');
    readSync(fd, header, 0, header.length, 0);
    closeSync(fd);
  }
}
// The reference tree's files, rewritten with the same sizes.
const files = [];
const walk = (d) => {
  for (const e of readdirSync(d, { withFileTypes: true })) {
    const p = join(d, e.name);
    if (e.isDirectory()) walk(p);
    else files.push([relative(reference, p), statSync(p).size]);
  }
};
walk(reference);
const chunk = Buffer.alloc(1 << 20, 0x20);
const made = new Set();
let bytes = 0;
for (const [rel, size] of files) {
  const target = join(out, rel);
  const parent = dirname(target);
  if (!made.has(parent)) {
    mkdirSync(parent, { recursive: true });
    made.add(parent);
  }
  if (size <= chunk.length) {
    writeFileSync(target, chunk.subarray(0, size));
  } else {
    const fd = openSync(target, 'w');
    for (let left = size; left > 0; left -= Math.min(left, chunk.length)) {
      writeSync(fd, chunk.subarray(0, Math.min(left, chunk.length)));
    }
    closeSync(fd);
  }
  bytes += size;
}
process.stdout.write(
  `${names.length} items, ${objects} objects, ${files.length} files, ${bytes} bytes\n`,
);
