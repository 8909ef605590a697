// Public surface of @synx/format-imagefolder.
export { imageFolderFormat } from './format.js';
export { ImageFolderOptionsSchema, type ImageFolderOptions } from './options.js';
export { IMAGEFOLDER_MESSAGES, type ImageFolderMessageId } from './messages.js';
export {
  ClassFromSchema,
  classesOfAnnotation,
  classesOfImage,
  itemClassOf,
  parseClassRule,
  ruleText,
  type ClassRule,
  type ItemClass,
} from './class-rule.js';
export {
  classFolderName,
  classOfFolderName,
  compareCodePoints,
  MAX_FOLDER_BYTES,
  OWN_FILES,
} from './folder-name.js';
export {
  classDir,
  describeImageFolder,
  IMAGE_CLASS_FILES,
  IMAGE_CLASS_TOOLS,
  imageClassLayout,
  imageClassMediaDir,
  imageClassNotes,
  imageClassTreatments,
} from './describe.js';
export {
  writeImageClasses,
  type ImageClassWriteResult,
  type ImageClassWriteSettings,
} from './write.js';
export { detectImageFolder, IMAGE_EXTENSIONS, readImageFolder } from './read.js';
