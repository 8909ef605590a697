// The thumbnail process: reads a JSON array of image paths on stdin, writes a JSON array of
// thumbnails (or null) on stdout. `writeReport` runs it as a child so that libvips (~15 MB
// resident) is never loaded into an export that ends with a large heap: the export's peak
// memory stays its own.
import { makeThumbnail } from './thumbnail.js';

const chunks: Buffer[] = [];
for await (const chunk of process.stdin) {
  chunks.push(chunk as Buffer);
}
const paths = JSON.parse(Buffer.concat(chunks).toString('utf8')) as string[];
const out = [];
for (const path of paths) {
  out.push((await makeThumbnail(path)) ?? null);
}
process.stdout.write(JSON.stringify(out));
