import { open } from 'node:fs/promises';

/**
 * The first `bytes` bytes of a file, decoded as UTF-8 (a character cut at the end becomes U+FFFD).
 * For `detect`: a format looks at the head of a file without reading the whole of it, which for
 * a dataset's annotation file can be hundreds of MB.
 *
 * @throws the file system's error when the file cannot be opened or read.
 */
export async function readFileHead(path: string, bytes: number): Promise<string> {
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(bytes);
    let have = 0;
    while (have < bytes) {
      const { bytesRead } = await handle.read(buffer, have, bytes - have, have);
      if (bytesRead === 0) {
        break;
      }
      have += bytesRead;
    }
    return buffer.toString('utf8', 0, have);
  } finally {
    await handle.close();
  }
}
