/** File extensions (lower case, with dot) synx treats as media, by media kind. */
export const MEDIA_EXTENSIONS: Readonly<Record<string, readonly string[]>> = {
  image: [
    '.jpg',
    '.jpeg',
    '.png',
    '.bmp',
    '.gif',
    '.webp',
    '.tif',
    '.tiff',
    '.jfif',
    '.avif',
    '.heic',
  ],
  video: ['.mp4', '.mov', '.avi', '.mkv', '.webm'],
  pcd: ['.pcd', '.ply', '.las', '.laz', '.bin'],
  audio: ['.wav', '.mp3', '.flac', '.ogg', '.m4a'],
  text: ['.txt', '.md', '.html'],
};

/** `a.b.jpg` → `{ stem: 'a.b', ext: '.jpg' }`; a name without a dot has an empty extension. */
export function splitStem(name: string): { stem: string; ext: string } {
  const dot = name.lastIndexOf('.');
  if (dot <= 0) {
    return { stem: name, ext: '' };
  }
  return { stem: name.slice(0, dot), ext: name.slice(dot) };
}

/** True for names with a known media extension. */
export function isMediaFileName(name: string): boolean {
  const ext = splitStem(name).ext.toLowerCase();
  return Object.values(MEDIA_EXTENSIONS).some((list) => list.includes(ext));
}

const SPEC_BY_EXT = new Map<string, string>(
  Object.entries(MEDIA_EXTENSIONS).flatMap(([kind, list]) =>
    list.map((ext): [string, string] => [ext, `${kind}_1`]),
  ),
);

/** The DM media id (`image_1`, `video_1`, …) a media file of this name is served as. */
export function mediaSpecForFile(name: string): string {
  return SPEC_BY_EXT.get(splitStem(name).ext.toLowerCase()) ?? 'image_1';
}

const MAX_NAME_BYTES = 240;

/**
 * Makes a server-supplied file name safe to create inside an output folder: path separators
 * (`/`, `\`), `..`, leading dots and control characters are neutralised, so nothing can be
 * written outside the folder; other characters (non-ASCII included) are kept exactly. Names
 * longer than 240 UTF-8 bytes are shortened, keeping the extension.
 */
export function safeFileName(name: string, fallback = 'unnamed'): string {
  // Keep only the last path segment a server could have sent ("a/b\\c.jpg" → "a_b_c.jpg" keeps
  // information and still cannot escape).
  let n = name
    // eslint-disable-next-line no-control-regex -- control characters are exactly what must go
    .replace(/[\u0000-\u001f\u007f]/g, '_')
    .replace(/[/\\]/g, '_')
    .replace(/^\.+/, (m) => '_'.repeat(m.length))
    .trim();
  if (n === '' || /^[\s./\\]*$/.test(name)) {
    n = fallback;
  }
  // No white space at the ends of the stem either ("space .jpg"): tools that read lists of
  // stems (VOC ImageSets) strip it, and Windows drops it.
  const parts = splitStem(n);
  const stem = parts.stem.trim();
  if (stem !== parts.stem) {
    n = `${stem === '' ? fallback : stem}${parts.ext}`;
  }
  if (Buffer.byteLength(n, 'utf8') > MAX_NAME_BYTES) {
    const { stem, ext } = splitStem(n);
    const keepExt = Buffer.byteLength(ext, 'utf8') <= 16 ? ext : '';
    let s = stem;
    while (Buffer.byteLength(s + keepExt, 'utf8') > MAX_NAME_BYTES) {
      s = s.slice(0, -1);
    }
    n = s + keepExt;
  }
  return n;
}
