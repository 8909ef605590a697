#!/usr/bin/env -S node --max-semi-space-size=4
// A 4 MB young generation (V8's default grows to 16 MB) keeps peak RSS of large exports low at
// no cost in speed: see docs/adr/0015-export-throughput-and-memory.md.
import { execute } from '@oclif/core';

// An error nothing caught ends the run with synx's message and exit code, not a stack trace.
const fatal = (err) => {
  import('../dist/lib/fatal.js').then(
    (m) => m.reportFatal(err),
    () => {
      process.stderr.write(`synx: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exit(1);
    },
  );
};
process.on('uncaughtException', fatal);
process.on('unhandledRejection', fatal);

await execute({ dir: import.meta.url });
