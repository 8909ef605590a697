// Bug: imports at run time a package it declares only as a devDependency.
import { schema } from 'synx-not-installed-at-runtime';

export const format = {
  apiVersion: 1,
  id: 'tiny',
  title: 'Tiny',
  options: schema,
  describe: () => ({ kinds: {}, splits: false, layout: () => ['tiny.txt'], owns: ['tiny.txt'] }),
};
