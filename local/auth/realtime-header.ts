/**
 * Reading the authorization header object a client sends to AppSync's real-time endpoint when it connects:
 * base64-encoded JSON in the `header` query parameter (AppSync's documented form) or base64url-encoded JSON
 * in a `header-<base64url>` WebSocket subprotocol (aws-amplify v6's form, next to `graphql-ws`).
 */

/** The subprotocol prefix aws-amplify v6 puts the encoded header behind. */
export const HEADER_SUBPROTOCOL_PREFIX = 'header-';

/**
 * Decodes a base64 or base64url JSON header object; null when it is not one, or holds non-string values.
 *
 * @example decodeRealtimeHeader(new URL(url).searchParams.get('header') ?? '')
 */
export function decodeRealtimeHeader(encoded: string): Record<string, string> | null {
  if (!encoded) {
    return null;
  }
  try {
    // Node's base64 decoder reads both alphabets and missing padding.
    const value: unknown = JSON.parse(Buffer.from(encoded, 'base64').toString('utf8'));
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      return null;
    }
    const entries = Object.entries(value as Record<string, unknown>);
    return entries.every(([, v]) => typeof v === 'string')
      ? Object.fromEntries(entries as [string, string][])
      : null;
  } catch {
    return null;
  }
}

/**
 * The connection's header object: from a `header-` subprotocol when one was offered, else from the URL's
 * `header` query parameter; null when neither holds one.
 *
 * @example connectionHeader(new URL(req.url, 'http://x').searchParams, protocolsOf(req))
 */
export function connectionHeader(
  query: URLSearchParams,
  protocols: readonly string[] = [],
): Record<string, string> | null {
  const fromProtocol = protocols.find((protocol) => protocol.startsWith(HEADER_SUBPROTOCOL_PREFIX));
  if (fromProtocol) {
    return decodeRealtimeHeader(fromProtocol.slice(HEADER_SUBPROTOCOL_PREFIX.length));
  }
  return decodeRealtimeHeader(query.get('header') ?? '');
}
