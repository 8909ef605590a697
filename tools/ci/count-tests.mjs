#!/usr/bin/env node
// Sums vitest JSON reports (one per project) and prints "N passed, N failed" as the last line.
// Exits 1 when a test failed, when a suite failed to load, or when no test ran at all.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = process.argv[2] ?? 'reports/vitest';
let passed = 0;
let failed = 0;
let skipped = 0;
let suitesFailed = 0;
let reports = 0;
for (const name of readdirSync(dir)
  .filter((n) => n.endsWith('.json'))
  .sort()) {
  const r = JSON.parse(readFileSync(join(dir, name), 'utf8'));
  reports++;
  passed += r.numPassedTests ?? 0;
  failed += r.numFailedTests ?? 0;
  skipped += (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
  // A file that fails to load has no test results but is a failure.
  suitesFailed += (r.testResults ?? []).filter(
    (f) => f.status === 'failed' && (f.assertionResults ?? []).length === 0,
  ).length;
}
failed += suitesFailed;
console.log(
  `${reports} test reports; ${skipped} skipped${suitesFailed > 0 ? `; ${suitesFailed} test files failed to load` : ''}`,
);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 || passed === 0 ? 1 : 0);
