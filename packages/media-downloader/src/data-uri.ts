/** A decoded `data:` URI. */
export interface DataUri {
  readonly mediaType: string;
  readonly bytes: Buffer;
}

/**
 * Decodes a `data:[<media type>][;base64],<data>` URI (RFC 2397). Base64 may be padded or not
 * and may contain whitespace; non-base64 data is percent-decoded to bytes. Returns an error text
 * for a malformed URI.
 */
export function decodeDataUri(uri: string): DataUri | { error: string } {
  if (!/^data:/i.test(uri)) {
    return { error: 'not a data: URI' };
  }
  const comma = uri.indexOf(',');
  if (comma < 0) {
    return { error: 'the data: URI has no comma before its data' };
  }
  const params = uri.slice(5, comma).split(';');
  const base64 = params.length > 1 && params[params.length - 1]?.toLowerCase() === 'base64';
  if (base64) {
    params.pop();
  }
  const mediaType = params.join(';').trim() || 'text/plain;charset=US-ASCII';
  const data = uri.slice(comma + 1);
  if (base64) {
    const clean = decodeURIComponentSafe(data)?.replace(/\s+/g, '');
    if (clean === undefined || !/^[A-Za-z0-9+/_-]*={0,2}$/.test(clean) || clean.length % 4 === 1) {
      return { error: 'the data: URI is not valid base64' };
    }
    const normal = clean.replace(/-/g, '+').replace(/_/g, '/');
    return { mediaType, bytes: Buffer.from(normal, 'base64') };
  }
  // Percent-decode to bytes (not to text: the payload may be binary).
  const out: number[] = [];
  for (let i = 0; i < data.length; i++) {
    const c = data.charCodeAt(i);
    if (c === 0x25 && /^[0-9a-fA-F]{2}$/.test(data.slice(i + 1, i + 3))) {
      out.push(parseInt(data.slice(i + 1, i + 3), 16));
      i += 2;
    } else if (c < 0x80) {
      out.push(c);
    } else {
      const cp = data.codePointAt(i) ?? c;
      const ch = String.fromCodePoint(cp);
      for (const b of Buffer.from(ch, 'utf8')) {
        out.push(b);
      }
      i += ch.length - 1;
    }
  }
  return { mediaType, bytes: Buffer.from(out) };
}

function decodeURIComponentSafe(text: string): string | undefined {
  if (!text.includes('%')) {
    return text;
  }
  try {
    return decodeURIComponent(text);
  } catch {
    return undefined;
  }
}
