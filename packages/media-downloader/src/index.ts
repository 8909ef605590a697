// Public surface of @synx/media-downloader.
export { MediaDownloader, downloadAll } from './downloader.js';
export { decodeDataUri, type DataUri } from './data-uri.js';
export { normalizeChecksum, resolveInside } from './util.js';
export type {
  ChecksumAlgorithm,
  DoneHow,
  DownloadEvent,
  DownloadJob,
  DownloadProgress,
  DownloadReport,
  FailedFile,
  JobOutcome,
  LocalJob,
  LocalMode,
  MediaDownloaderOptions,
  MediaJob,
  VerifyExisting,
} from './types.js';
