// Shared vitest settings for every project in the workspace.
// - tests run from TypeScript source through the `@synx/source` export condition;
// - any console output from library code fails the test (libraries never print);
// - with SYNX_TEST_REPORT_DIR set, a JSON report per project is written there (.ci/run sums them).
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { ViteUserConfig } from 'vitest/config';

const conditions = ['@synx/source', 'import', 'module', 'node', 'default'];

export function synxVitest(
  projectDir: string,
  overrides: { testTimeout?: number } = {},
): ViteUserConfig {
  const pkg = JSON.parse(readFileSync(join(projectDir, 'package.json'), 'utf8')) as {
    name: string;
  };
  const reportDir = process.env['SYNX_TEST_REPORT_DIR'];
  const reporters: NonNullable<NonNullable<ViteUserConfig['test']>['reporters']> = ['default'];
  if (reportDir !== undefined && reportDir !== '') {
    reporters.push([
      'json',
      { outputFile: join(resolve(reportDir), `${pkg.name.replace(/[@/]/g, '_')}.json`) },
    ]);
  }
  return {
    resolve: { conditions },
    ssr: { resolve: { conditions, externalConditions: ['@synx/source'] } },
    test: {
      name: pkg.name,
      root: projectDir,
      include: ['test/**/*.test.ts'],
      environment: 'node',
      setupFiles: [join(import.meta.dirname, 'vitest.setup.ts')],
      testTimeout: overrides.testTimeout ?? 30_000,
      hookTimeout: 60_000,
      reporters,
      pool: 'forks',
    },
  };
}
