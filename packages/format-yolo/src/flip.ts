function caseLike(found: string, word: string): string {
  if (found === found.toUpperCase()) {
    return word.toUpperCase();
  }
  const first = found.charAt(0);
  return first !== first.toLowerCase() ? `${word.charAt(0).toUpperCase()}${word.slice(1)}` : word;
}

const FLIP_CHAR: Record<string, string> = { l: 'r', r: 'l', L: 'R', R: 'L' };

/** The mirror name of a keypoint: `left_eye` ↔ `right_eye`, `l_hip` ↔ `r_hip`, `hip_L` ↔ `hip_R`. */
function mirrorName(n: string): string | undefined {
  if (/left/i.test(n)) {
    return n.replace(/left/gi, (m) => caseLike(m, 'right'));
  }
  if (/right/i.test(n)) {
    return n.replace(/right/gi, (m) => caseLike(m, 'left'));
  }
  const pre = /^([lr])([_\-. ].*)$/i.exec(n);
  if (pre !== null) {
    return `${FLIP_CHAR[pre[1] ?? ''] ?? ''}${pre[2] ?? ''}`;
  }
  const suf = /^(.*[_\-. ])([lr])$/i.exec(n);
  if (suf !== null) {
    return `${suf[1] ?? ''}${FLIP_CHAR[suf[2] ?? ''] ?? ''}`;
  }
  return undefined;
}

/**
 * `flip_idx` for ultralytics pose: for each keypoint, the index of its mirror (left ↔ right), or
 * itself. Undefined when no name pairs up (then `flip_idx` is not written).
 */
export function flipIndex(names: readonly string[]): number[] | undefined {
  const index = new Map(names.map((n, i) => [n, i]));
  const out = names.map((n, i) => {
    const mirror = mirrorName(n);
    const j = mirror === undefined ? undefined : index.get(mirror);
    return j ?? i;
  });
  return out.some((j, i) => j !== i) ? out : undefined;
}
