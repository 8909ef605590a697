import { safeFileName, splitStem } from '@synx/synapse-folder';

/**
 * Hands out unique output names. The first item to ask for a name gets it; a later item asking
 * for the same name (compared case-insensitively, so the result is safe on every file system)
 * gets `<stem>__<disambiguator><ext>`, then `…_2`, `…_3`. Sources yield items in a fixed order,
 * so the result is deterministic. Holds one entry per name handed out.
 */
export class NameAllocator {
  readonly #used = new Set<string>();

  allocate(preferred: string, disambiguator: string): string {
    const name = safeFileName(preferred);
    if (this.#claim(name)) {
      return name;
    }
    const { stem, ext } = splitStem(name);
    const base = `${stem}__${safeFileName(disambiguator)}`;
    if (this.#claim(`${base}${ext}`)) {
      return `${base}${ext}`;
    }
    for (let n = 2; ; n++) {
      const candidate = `${base}_${n}${ext}`;
      if (this.#claim(candidate)) {
        return candidate;
      }
    }
  }

  #claim(name: string): boolean {
    const key = name.toLowerCase();
    if (this.#used.has(key)) {
      return false;
    }
    this.#used.add(key);
    return true;
  }
}
