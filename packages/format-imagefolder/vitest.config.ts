import { defineConfig } from 'vitest/config';
import { synxVitest } from '../../tools/vitest.preset.js';

export default defineConfig(synxVitest(import.meta.dirname));
