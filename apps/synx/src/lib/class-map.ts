import { readFile } from 'node:fs/promises';
import { classMapFromJsonValue, parseClassMapFile, SynxError, type ClassMap } from '@synx/model';

/** Reads a user class map: `.txt`/`.names`, `.json`, or `.yaml`/`.yml` (e.g. a YOLO `data.yaml`). */
export async function loadClassMap(path: string): Promise<ClassMap> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new SynxError(
      'SYNX_INVALID_INPUT',
      `cannot read the class map ${path}: ${(err as Error).message}`,
    );
  }
  if (/\.ya?ml$/i.test(path)) {
    let value: unknown;
    try {
      // Loaded only for YAML maps: it is not needed on the usual path.
      const { parse } = await import('yaml');
      value = parse(text);
    } catch (err) {
      throw new SynxError(
        'SYNX_INVALID_INPUT',
        `class map ${path} is not valid YAML: ${(err as Error).message}`,
      );
    }
    return classMapFromJsonValue(value, path);
  }
  return parseClassMapFile(text, path);
}
