import { isHostFileName } from '@synx/plugin-api';
import { REPORT_FILE } from '@synx/report';
import { describe, expect, it } from 'vitest';
import { ISSUES_FILE, MANIFEST_FILE, TEXT_CACHE_DIR } from '../src/index.js';
import { SIZE_CACHE_FILE } from '../src/size-cache.js';

describe("synx's own files at an output folder's root", () => {
  it('are all names plugin-api calls host files (formats skip them and never take them)', () => {
    for (const name of [MANIFEST_FILE, ISSUES_FILE, SIZE_CACHE_FILE, TEXT_CACHE_DIR, REPORT_FILE]) {
      expect(isHostFileName(name), name).toBe(true);
    }
    expect(isHostFileName('train.jsonl')).toBe(false);
    expect(isHostFileName('labels.csv')).toBe(false);
  });
});
