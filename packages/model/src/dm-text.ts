/**
 * The paragraph a DM v1 `named_entity` range path points at: Synapse's text annotator stores
 * each range as `{start: "/p[N]", startOffset, end: "/p[M]", endOffset}` (an XPath to a
 * paragraph of the text as it renders it, any prefix such as `/html/body`, and an offset inside
 * it). Returns N (1-based), or undefined when `path` is not such a path.
 */
export function dmParagraphOf(path: unknown): number | undefined {
  const m = typeof path === 'string' ? PARAGRAPH.exec(path) : null;
  return m === null ? undefined : Number(m[1]);
}

const PARAGRAPH = /^(?:\/[A-Za-z][\w-]*(?:\[\d+\])?)*\/p\[(\d+)\]$/;
