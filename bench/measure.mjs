#!/usr/bin/env node
// Runs a Node entry point in this process and reports its wall time and peak RSS on stderr as
// one JSON line: node measure.mjs <entry.js> [args...]
import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';

const [entry, ...args] = process.argv.slice(2);
const started = performance.now();
process.on('exit', (code) => {
  process.stderr.write(
    `${JSON.stringify({ wallMs: performance.now() - started, maxRssKb: process.resourceUsage().maxRSS, code })}\n`,
  );
});
process.argv = [process.argv[0], resolve(entry), ...args];
await import(pathToFileURL(resolve(entry)).href);
