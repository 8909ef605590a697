// Public surface of @synx/synapse-folder.
export {
  openSynapseFolder,
  spreadEntries,
  type FolderEntry,
  type FolderProblem,
  type SynapseFolder,
} from './read.js';
export {
  collectClassCodes,
  folderClasses,
  folderItem,
  unreadableEntryIssue,
  type FolderClasses,
  type FolderItemOptions,
} from './items.js';
export { SynapseFolderWriter, type FolderWriteItem } from './write.js';
export {
  splitStem,
  isMediaFileName,
  MEDIA_EXTENSIONS,
  mediaSpecForFile,
  safeFileName,
} from './names.js';
export { decodeText, MAX_TEXT_BYTES, type DecodedText } from './text.js';
