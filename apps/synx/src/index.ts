// Programmatic surface of the synx CLI package (the commands themselves are loaded by oclif).
export {
  EXIT_CODE_TABLE,
  EXIT_CODES,
  exitCodesHelp,
  exitCodesMarkdown,
  type ExitCodeEntry,
} from './lib/exit-codes.js';
export { loadFormatRegistry } from './lib/registry.js';
export { loadClassMap } from './lib/class-map.js';
export { renderPlan, renderSummary } from './lib/render.js';
