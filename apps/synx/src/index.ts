// Programmatic surface of the synx CLI package (the commands themselves are loaded by oclif).
export { EXIT_CODES } from './lib/exit-codes.js';
export { loadFormatRegistry } from './lib/registry.js';
export { loadClassMap } from './lib/class-map.js';
export { renderPlan, renderSummary } from './lib/render.js';
