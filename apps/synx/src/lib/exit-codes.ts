import type { SynxErrorCode } from '@synx/model';

/**
 * The CLI's exit codes, by error code (the only place that knows them; documented in
 * docs/exit-codes.md). 0 is success; 1 is anything unexpected.
 */
export const EXIT_CODES: Readonly<Record<SynxErrorCode, number>> = {
  SYNX_INVALID_INPUT: 2,
  SYNX_MISSING_INPUT: 2,
  SYNX_CONFIG: 2,
  SYNX_VALIDATION: 2,
  SYNX_UNKNOWN_FORMAT: 2,
  SYNX_AUTH: 3,
  SYNX_PERMISSION: 3,
  SYNX_NOT_FOUND: 4,
  SYNX_NETWORK: 5,
  SYNX_TIMEOUT: 5,
  SYNX_SERVER: 5,
  SYNX_RATE_LIMITED: 5,
  SYNX_HTTP: 5,
  SYNX_STRICT: 6,
  SYNX_NOT_SUPPORTED: 7,
  SYNX_PLUGIN_INVALID: 8,
  SYNX_PLUGIN_API_MISMATCH: 8,
  SYNX_PLUGIN_FAILED: 8,
  SYNX_FORMAT_CONFLICT: 8,
  SYNX_IO: 9,
  SYNX_ABORTED: 130,
  SYNX_INTERNAL: 1,
};

/**
 * The export finished but is incomplete: error issues say what did not reach the output — an
 * item that could not be read, an annotation with invalid geometry, an image whose size could
 * not be read, a media file not saved (listed in the report, `synx-export.json` and
 * `synx-issues.jsonl`). A rerun retries what failed for a passing reason (network, media) and
 * skips what is done; problems in the data stay until the data is fixed.
 */
export const EXIT_INCOMPLETE = 10;
