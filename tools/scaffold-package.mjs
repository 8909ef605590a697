#!/usr/bin/env node
// Creates the fixed package skeleton (package.json, tsconfigs, vitest config, README headings, src/index.ts).
// Usage: node tools/scaffold-package.mjs <dir> <name> "<description>" [workspace-dep ...]
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { basename, join, relative } from 'node:path';

const [dir, name, description, ...deps] = process.argv.slice(2);
if (!dir || !name || !description) {
  console.error('usage: scaffold-package <dir> <name> <description> [dep...]');
  process.exit(2);
}
const root = join(import.meta.dirname, '..');
const abs = join(root, dir);
const up = relative(abs, root).replaceAll('\\', '/');
mkdirSync(join(abs, 'src'), { recursive: true });
mkdirSync(join(abs, 'test'), { recursive: true });
const depDir = (d) =>
  dir.startsWith('packages/')
    ? `../${d.replace('@synx/', '')}`
    : `${up}/packages/${d.replace('@synx/', '')}`;
const write = (f, text) => {
  if (!existsSync(join(abs, f))) writeFileSync(join(abs, f), text);
};
write(
  'package.json',
  JSON.stringify(
    {
      name,
      version: '0.1.0',
      description,
      license: 'MIT',
      type: 'module',
      sideEffects: false,
      exports: {
        '.': {
          '@synx/source': './src/index.ts',
          types: './dist/index.d.ts',
          default: './dist/index.js',
        },
        './package.json': './package.json',
      },
      main: './dist/index.js',
      types: './dist/index.d.ts',
      files: ['dist', '!**/*.tsbuildinfo', '!**/*.map'],
      engines: { node: '^20.19.0 || >=22.12.0' },
      publishConfig: { access: 'public' },
      dependencies: Object.fromEntries(deps.map((d) => [d, '0.1.0'])),
      nx: { tags: ['type:lib'] },
    },
    null,
    2,
  ) + '\n',
);
const refs = (extra) => [
  ...deps.map((d) => ({ path: `${depDir(d)}/tsconfig.lib.json` })),
  ...extra,
];
write(
  'tsconfig.json',
  JSON.stringify(
    {
      extends: `${up}/tsconfig.base.json`,
      files: [],
      references: [{ path: './tsconfig.lib.json' }, { path: './tsconfig.spec.json' }],
    },
    null,
    2,
  ) + '\n',
);
write(
  'tsconfig.lib.json',
  JSON.stringify(
    {
      extends: `${up}/tsconfig.base.json`,
      compilerOptions: {
        rootDir: 'src',
        outDir: 'dist',
        tsBuildInfoFile: 'dist/tsconfig.lib.tsbuildinfo',
        isolatedDeclarations: true,
      },
      include: ['src/**/*.ts'],
      references: refs([]),
    },
    null,
    2,
  ) + '\n',
);
write(
  'tsconfig.spec.json',
  JSON.stringify(
    {
      extends: `${up}/tsconfig.base.json`,
      compilerOptions: {
        rootDir: '.',
        outDir: 'out-tsc/spec',
        tsBuildInfoFile: 'out-tsc/spec/tsconfig.spec.tsbuildinfo',
      },
      include: ['test/**/*.ts'],
      references: refs([{ path: './tsconfig.lib.json' }]),
    },
    null,
    2,
  ) + '\n',
);
write(
  'vitest.config.ts',
  `import { defineConfig } from 'vitest/config';\nimport { synxVitest } from '${up}/tools/vitest.preset.js';\n\nexport default defineConfig(synxVitest(import.meta.dirname));\n`,
);
write('src/index.ts', `// Public surface of ${name}.\nexport {};\n`);
write(
  'README.md',
  `# ${name}\n\n${description}\n\n## What is this?\n\n## When should I use this?\n\n## Install\n\n\`\`\`sh\nnpm install ${name}\n\`\`\`\n\n## Use\n\n## API\n\n## Compatibility\n\nESM only. Node.js \`^20.19.0 || >=22.12.0\`.\n\n## License\n\nMIT\n`,
);
console.log(`scaffolded ${name} in ${dir} (${basename(abs)})`);
