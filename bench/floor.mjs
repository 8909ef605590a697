#!/usr/bin/env node
// The floor: a plain Node script that only reads and parses every json/*.json of a Synapse
// folder and writes the given number of bytes. node floor.mjs <folder> <outFile> <bytes>
import { createWriteStream, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const [dir, outFile, bytesArg] = process.argv.slice(2);
const names = readdirSync(join(dir, 'json'))
  .filter((n) => n.endsWith('.json'))
  .sort();
let objects = 0;
for (const n of names) {
  const data = JSON.parse(readFileSync(join(dir, 'json', n), 'utf8'));
  objects += (data.annotations?.image_1 ?? []).length;
}
const total = Number(bytesArg);
const chunk = Buffer.alloc(1 << 20, 0x20);
const out = createWriteStream(outFile);
let left = total;
while (left > 0) {
  const n = Math.min(left, chunk.length);
  if (!out.write(n === chunk.length ? chunk : chunk.subarray(0, n))) {
    await new Promise((r) => out.once('drain', r));
  }
  left -= n;
}
await new Promise((r) => out.end(r));
process.stdout.write(`${names.length} files, ${objects} annotations, ${total} bytes\n`);
