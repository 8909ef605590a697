import type { ClassMap } from '@synx/model';
import type { FormatContext } from '@synx/plugin-api';
import { VOC_ISSUE_CODES } from './codes.js';

/** `#rrggbb` / `#rgb` → `r,g,b` for labelmap.txt; anything else → empty. */
function labelmapColor(color: string | undefined): string {
  const hex = /^#?([0-9a-f]{6}|[0-9a-f]{3})$/i.exec(color?.trim() ?? '')?.[1];
  if (hex === undefined) {
    return '';
  }
  const full = hex.length === 3 ? hex.replace(/./g, (c) => c + c) : hex;
  return [0, 2, 4].map((i) => parseInt(full.slice(i, i + 2), 16)).join(',');
}

/** CVAT's `labelmap.txt`: a header, then `name:r,g,b::` per class in class-map order. */
export function labelmapText<M extends string>(classes: ClassMap, ctx: FormatContext<M>): string {
  const lines = ['# label:color_rgb:parts:actions'];
  for (const e of classes.entries) {
    const name = e.code.replace(/[\r\n]+/g, ' ');
    if (name.includes(':')) {
      ctx.report({
        code: VOC_ISSUE_CODES.labelmapName,
        severity: 'warning',
        message: `class "${e.code}" contains ':', which labelmap.txt uses as its separator; synx reads it back (the last three ':' separate the fields) but other tools may not`,
      });
    }
    lines.push(`${name}:${labelmapColor(e.color)}::`);
  }
  return `${lines.join('\n')}\n`;
}
