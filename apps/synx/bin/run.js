#!/usr/bin/env -S node --max-semi-space-size=4
// A 4 MB young generation (V8's default grows to 16 MB) keeps peak RSS of large exports low at
// no cost in speed: see docs/adr/0015-export-throughput-and-memory.md.
import { execute } from '@oclif/core';

await execute({ dir: import.meta.url });
