#!/usr/bin/env node
// The floor of an API export (bench/api-export.mjs): only the requests such an export needs, as
// fast as plain undici makes them. Page 1 gives the count; every other page is fetched with 8 in
// flight; each item's image gets one ranged read of its first 16 KiB, 64 in flight, started as
// soon as its page has arrived. Nothing is converted or written.
// Usage: node bench/api-floor.mjs <host> <token>
import { Agent, request } from 'undici';

const [host, token] = process.argv.slice(2);
const dispatcher = new Agent({ connections: 64, keepAliveTimeout: 10_000 });
const headers = { 'synapse-access-token': `Token ${token}`, accept: 'application/json' };
const base = `${host}/sdk/assignments/?expand=data&project=1&page_size=100`;

async function page(n) {
  const res = await request(n === 1 ? base : `${base}&page=${n}`, { headers, dispatcher });
  if (res.statusCode !== 200) throw new Error(`page ${n}: ${res.statusCode}`);
  return res.body.json();
}

const urls = [];
const sleepers = [];
let listed = false;
let reads = 0;
const wakeAll = () => {
  for (const w of sleepers.splice(0)) w();
};
async function reader() {
  for (;;) {
    const url = urls.pop();
    if (url === undefined) {
      if (listed) return;
      await new Promise((r) => sleepers.push(r));
      continue;
    }
    const res = await request(url, { headers: { range: 'bytes=0-16383' }, dispatcher });
    await res.body.arrayBuffer();
    if (res.statusCode !== 206 && res.statusCode !== 200)
      throw new Error(`media ${res.statusCode}`);
    reads++;
  }
}
const add = (results) => {
  for (const a of results) urls.push(a.files.image_1.url);
  wakeAll();
};
const readers = Array.from({ length: 64 }, reader);

const first = await page(1);
add(first.results);
const pages = Math.ceil(first.count / 100);
let p = 2;
await Promise.all(
  Array.from({ length: 8 }, async () => {
    while (p <= pages) {
      const n = p++;
      add((await page(n)).results);
    }
  }),
);
listed = true;
wakeAll();
await Promise.all(readers);
await dispatcher.close();
if (reads !== first.count) throw new Error(`read ${reads} of ${first.count}`);
