import { cocoFormat } from '@synx/format-coco';
import { csvFormat } from '@synx/format-csv';
import { jsonFormat } from '@synx/format-json';
import type { Format } from '@synx/plugin-api';
import { FormatRegistry } from '@synx/plugin-host';
import { describe, expect, it } from 'vitest';
import { rankFormats } from '../src/lib/wizard.js';

const registry = FormatRegistry.fromFormats([
  cocoFormat,
  csvFormat,
  jsonFormat,
] as unknown as Format<never>[]);

describe('rankFormats', () => {
  it('counts annotations on media a format does not hold as dropped, whatever their feature', async () => {
    const ranked = await rankFormats(
      registry,
      { bbox: 5 },
      { image: { bbox: 3 }, video: { bbox: 2 } },
    );
    const coco = ranked.find((f) => f.id === 'coco');
    expect(coco).toMatchObject({ keep: 3, drop: 2 });
    expect(coco?.note).toBe('keeps 3 · drops 2 on video media');
    // the raw JSON format holds every media kind
    expect(ranked.find((f) => f.id === 'json')).toMatchObject({ keep: 5, drop: 0 });
  });

  it('without the per-media counts, ranks by feature alone', async () => {
    const ranked = await rankFormats(registry, { bbox: 5 });
    expect(ranked.find((f) => f.id === 'coco')).toMatchObject({ keep: 5, drop: 0 });
  });
});
