import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
    // The conformance suite writes real datasets (COCO128, VOC 2012 annotations): give it time.
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
