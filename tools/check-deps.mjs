#!/usr/bin/env node
// Every bare module a project imports must be declared in its package.json: dependencies (or
// peerDependencies) for src/, those plus devDependencies for test/. npm workspaces hoist
// packages, so an undeclared import works here and breaks for a user who installs one package.
// The emitted declarations are checked too (when dist/ is built): every module a dist/**/*.d.ts
// imports or references must be a dependency or peer, and a .d.ts that uses Node's types
// (`node:` modules, builtins, `/// <reference types="node" />`, Buffer, NodeJS.*) needs
// `@types/node` there: a strict consumer (skipLibCheck false) type-checks our .d.ts files.
// Every publishable project also carries the publish metadata (docs/adr/0020): a LICENSE
// identical to the root one, repository (with its directory), homepage, bugs, keywords,
// publishConfig.access public, and no workspace:/file:/link: ranges.
// Exits 1 and names each problem.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join } from 'node:path';
import ts from 'typescript';

const root = join(import.meta.dirname, '..');
const projects = [
  ...readdirSync(join(root, 'packages')).map((d) => join('packages', d)),
  ...readdirSync(join(root, 'apps')).map((d) => join('apps', d)),
];
// Module specifiers as TypeScript's pre-processor reads them (import/export … from, import(),
// require(), `/// <reference types>`): a regex also matches "from '…'" inside strings.
const scan = (text) => ts.preProcessFile(text, true, true);
const specifiers = (text) => scan(text).importedFiles.map((f) => f.fileName);
const problems = [];
for (const dir of projects) {
  let pj;
  try {
    pj = JSON.parse(readFileSync(join(root, dir, 'package.json'), 'utf8'));
  } catch {
    continue;
  }
  const prod = { ...pj.dependencies, ...pj.peerDependencies };
  for (const [sub, allowed] of [
    ['src', prod],
    ['test', { ...prod, ...pj.devDependencies }],
  ]) {
    const walk = (d) => {
      let names = [];
      try {
        names = readdirSync(d);
      } catch {
        return;
      }
      for (const f of names) {
        const p = join(d, f);
        if (statSync(p).isDirectory()) {
          if (f !== 'fixtures' && f !== 'node_modules') walk(p);
        } else if (/\.(ts|mts|js|mjs)$/.test(f)) {
          for (const spec of specifiers(readFileSync(p, 'utf8'))) {
            if (spec.startsWith('.') || spec.startsWith('node:') || builtinModules.includes(spec)) {
              continue;
            }
            const name = spec.startsWith('@')
              ? spec.split('/').slice(0, 2).join('/')
              : spec.split('/')[0];
            if (name === pj.name || (sub === 'test' && name === 'vitest')) continue;
            if (!(name in allowed))
              problems.push(
                `${dir}: ${name} imported by ${p.slice(root.length + 1)} is not declared`,
              );
          }
        }
      }
    };
    walk(join(root, dir, sub));
  }
}

// --- emitted declarations --------------------------------------------------------------------
const NODE_GLOBALS = /\bBuffer\b|\bNodeJS\./;
const isBuiltin = (spec) => spec.startsWith('node:') || builtinModules.includes(spec.split('/')[0]);
const bareName = (spec) =>
  spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0];
/** `foo` → `@types/foo`, `@scope/foo` → `@types/scope__foo`. */
const typesName = (name) =>
  name.startsWith('@') ? `@types/${name.slice(1).replace('/', '__')}` : `@types/${name}`;
let dtsChecked = 0;
const unbuilt = [];
for (const dir of projects) {
  let pj;
  try {
    pj = JSON.parse(readFileSync(join(root, dir, 'package.json'), 'utf8'));
  } catch {
    continue;
  }
  const prod = { ...pj.dependencies, ...pj.peerDependencies };
  const dist = join(root, dir, 'dist');
  if (!existsSync(dist)) {
    unbuilt.push(dir);
    continue;
  }
  const walk = (d) => {
    for (const f of readdirSync(d)) {
      const p = join(d, f);
      if (statSync(p).isDirectory()) walk(p);
      else if (/\.d\.[mc]?ts$/.test(f)) check(p);
    }
  };
  const check = (p) => {
    dtsChecked++;
    const text = readFileSync(p, 'utf8');
    const rel = p.slice(root.length + 1);
    let needsNode = NODE_GLOBALS.test(text.replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, ''));
    const found = scan(text);
    for (const spec of found.importedFiles.map((f) => f.fileName)) {
      if (spec.startsWith('.')) continue;
      if (isBuiltin(spec)) {
        needsNode = true;
        continue;
      }
      const name = bareName(spec);
      if (name === pj.name) continue;
      if (!(name in prod) && !(typesName(name) in prod))
        problems.push(`${dir}: ${name} is referenced by ${rel} but is not a dependency or peer`);
    }
    for (const { fileName } of found.typeReferenceDirectives) {
      const name = fileName === 'node' ? '@types/node' : typesName(fileName);
      if (name === '@types/node') needsNode = true;
      else if (!(name in prod))
        problems.push(`${dir}: ${name} is referenced by ${rel} but is not a dependency or peer`);
    }
    if (needsNode && !('@types/node' in prod))
      problems.push(`${dir}: ${rel} uses Node's types but @types/node is not a dependency or peer`);
  };
  walk(dist);
}

// --- publish metadata ------------------------------------------------------------------------
const REPO = 'git+https://github.com/datamaker/synx.git';
const license = readFileSync(join(root, 'LICENSE'), 'utf8');
for (const dir of projects) {
  let pj;
  try {
    pj = JSON.parse(readFileSync(join(root, dir, 'package.json'), 'utf8'));
  } catch {
    continue;
  }
  if (pj.private === true) continue;
  const own = join(root, dir, 'LICENSE');
  if (!existsSync(own)) problems.push(`${dir}: no LICENSE (copy the root LICENSE)`);
  else if (readFileSync(own, 'utf8') !== license)
    problems.push(`${dir}: LICENSE differs from the root LICENSE`);
  if (pj.repository?.url !== REPO || pj.repository?.directory !== dir)
    problems.push(`${dir}: repository must be { url: "${REPO}", directory: "${dir}" }`);
  if (typeof pj.homepage !== 'string' || !pj.homepage.startsWith('https://'))
    problems.push(`${dir}: no homepage`);
  if (typeof pj.bugs?.url !== 'string') problems.push(`${dir}: no bugs.url`);
  if (!Array.isArray(pj.keywords) || pj.keywords.length === 0) problems.push(`${dir}: no keywords`);
  if (pj.publishConfig?.access !== 'public')
    problems.push(`${dir}: publishConfig.access must be "public"`);
  if (!Array.isArray(pj.files) || !pj.files.includes('dist'))
    problems.push(`${dir}: files lacks dist`);
  for (const field of ['dependencies', 'peerDependencies', 'optionalDependencies']) {
    for (const [name, range] of Object.entries(pj[field] ?? {})) {
      if (/^(workspace|file|link):/.test(String(range)))
        problems.push(`${dir}: ${field}.${name} is "${range}", which cannot be published`);
    }
  }
}

if (unbuilt.length > 0) console.log(`.d.ts not checked (dist/ not built): ${unbuilt.join(', ')}`);
else console.log(`${dtsChecked} .d.ts file(s) checked`);
for (const p of problems) console.error(p);
console.log(
  problems.length === 0
    ? 'every import is declared and every package is publishable'
    : `${problems.length} problem(s)`,
);
process.exit(problems.length === 0 ? 0 : 1);
