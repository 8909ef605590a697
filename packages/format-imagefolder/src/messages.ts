/**
 * The reasons ImageFolder gives for a conversion or a drop (`{{format}}` is the format's title,
 * `{{rule}}` the class rule in words). The kit's `noImageClass` says why an image without a class
 * is not saved.
 */
export const IMAGEFOLDER_MESSAGES = {
  notImageClass: '{{format}} holds one class per image; its {{kind}} annotations are not kept',
  multiLabel:
    'the image has several classes ({{classes}}) by {{rule}}; {{format}} holds one class per image, so it is not saved',
  mixedClasses:
    'the images of the item have different classes ({{classes}}) by {{rule}}; the images of an item share one class folder, so none is saved',
  noClassHere:
    'this classification gives no class ({{rule}}); the image is filed under "{{class}}" from another classification of its item',
  classFromAttribute:
    'the image is filed under the value of attribute "{{attribute}}" of its classification (its class code and other attributes are not kept)',
} as const;
export type ImageFolderMessageId = keyof typeof IMAGEFOLDER_MESSAGES;
