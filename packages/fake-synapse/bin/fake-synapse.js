#!/usr/bin/env node
import { main } from '../dist/cli.js';

process.exitCode = await main(
  process.argv.slice(2),
  (l) => process.stdout.write(`${l}\n`),
  (l) => process.stderr.write(`${l}\n`),
);
