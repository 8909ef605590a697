// Public surface of @synx/format-json.
export { jsonFormat } from './format.js';
