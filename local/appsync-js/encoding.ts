/** The string helpers of `util` whose output format AppSync inherits from Java libraries. */

/**
 * `util.escapeJavaScript`: escapes a string the way Apache Commons `escapeEcmaScript` does: quotes,
 * backslash and slash get a backslash, control characters their short escapes, every other character outside
 * printable ASCII a `\uXXXX` escape.
 */
export function escapeJavaScript(value: string): string {
  let out = '';
  for (const ch of String(value)) {
    const code = ch.codePointAt(0)!;
    switch (ch) {
      case "'":
      case '"':
      case '\\':
      case '/':
        out += `\\${ch}`;
        continue;
      case '\b':
        out += '\\b';
        continue;
      case '\n':
        out += '\\n';
        continue;
      case '\t':
        out += '\\t';
        continue;
      case '\f':
        out += '\\f';
        continue;
      case '\r':
        out += '\\r';
        continue;
      default:
        break;
    }
    if (code < 0x20 || code > 0x7f) {
      // Astral characters become their two UTF-16 code units, as Java strings hold them.
      for (let i = 0; i < ch.length; i++) {
        out += `\\u${ch.charCodeAt(i).toString(16).toUpperCase().padStart(4, '0')}`;
      }
    } else {
      out += ch;
    }
  }
  return out;
}

/**
 * `util.urlEncode`: `application/x-www-form-urlencoded` in UTF-8, as Java's `URLEncoder`: letters, digits and
 * `.-*_` stay, a space becomes `+`, everything else `%XX` in upper case.
 */
export function urlEncode(value: string): string {
  let out = '';
  for (const byte of Buffer.from(String(value), 'utf8')) {
    const ch = String.fromCharCode(byte);
    if (/[A-Za-z0-9.\-*_]/.test(ch)) out += ch;
    else if (ch === ' ') out += '+';
    else out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** `util.urlDecode`: the inverse of {@link urlEncode} (`+` is a space). */
export function urlDecode(value: string): string {
  return decodeURIComponent(String(value).replace(/\+/g, ' '));
}

/** `util.base64Encode`: the UTF-8 bytes of the string in standard base64. */
export function base64Encode(value: string): string {
  return Buffer.from(String(value), 'utf8').toString('base64');
}

/** `util.base64Decode`: decodes standard base64 and reads the bytes as UTF-8. */
export function base64Decode(value: string): string {
  return Buffer.from(String(value), 'base64').toString('utf8');
}
