import { describe, expect, it } from 'vitest';
import { tempDir } from '@synx/format-testkit';
import { textFixture } from '@synx/format-testkit';

describe('text fixture', () => {
  it('loads text media with their files', async () => {
    const data = await textFixture(tempDir('ner-fixture'));
    expect(data.items.map((i) => i.id)).toEqual(['empty', 'news', 'problems', 'unicode']);
    const m = data.items[1]?.media[0];
    expect(m?.kind).toBe('text');
    expect(m?.file?.path).toMatch(/news\.txt$/);
    expect(m?.annotations.map((a) => a.kind)).toEqual([
      'named-entity',
      'named-entity',
      'named-entity',
      'relation',
    ]);
    expect(data.classes.objectClasses().entries.map((e) => e.code)).toEqual(['PER', 'ORG', 'LOC']);
  });
});
