#!/usr/bin/env node
// Every bare module a project imports must be declared in its package.json: dependencies (or
// peerDependencies) for src/, those plus devDependencies for test/. npm workspaces hoist
// packages, so an undeclared import works here and breaks for a user who installs one package.
// Exits 1 and names each undeclared import.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const projects = [
  ...readdirSync(join(root, 'packages')).map((d) => join('packages', d)),
  ...readdirSync(join(root, 'apps')).map((d) => join('apps', d)),
];
// import … from 'x' / export … from 'x' / import('x') / import 'x', at the start of a line
const IMPORT =
  /^\s*(?:import|export)\b[^'"]*?\bfrom\s*['"]([^'"]+)['"]|^\s*import\s*\(?\s*['"]([^'"]+)['"]/gm;
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
          for (const m of readFileSync(p, 'utf8').matchAll(IMPORT)) {
            const spec = m[1] ?? m[2] ?? '';
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
for (const p of problems) console.error(p);
console.log(
  problems.length === 0 ? 'every import is declared' : `${problems.length} undeclared import(s)`,
);
process.exit(problems.length === 0 ? 0 : 1);
