import { defineConfig } from 'vitest/config';
import { synxVitest } from '../../tools/vitest.preset.js';

// CLI tests spawn the built binary: give them more time on a loaded 2-core machine.
export default defineConfig(synxVitest(import.meta.dirname, { testTimeout: 120_000 }));
