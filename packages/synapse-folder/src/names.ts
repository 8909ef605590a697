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

/** The DM media id (`image_1`, `video_1`, …) a media file of this name is served as. */
export function mediaSpecForFile(name: string): string {
  const ext = splitStem(name).ext.toLowerCase();
  for (const [kind, list] of Object.entries(MEDIA_EXTENSIONS)) {
    if (list.includes(ext)) {
      return `${kind}_1`;
    }
  }
  return 'image_1';
}
