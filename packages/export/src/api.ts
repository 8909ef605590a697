// `@synx/export/api`: the Synapse API source and the HTTP Range reader. A separate entry point
// because they load `@synx/client`; `runExport` loads them itself when the source is the API.
export {
  fileRefOf,
  openApiSource,
  type ApiSourceOptions,
  type ExportTarget,
} from './sources/api.js';
export { fetchRange } from './sources/http-range.js';
