/**
 * The local pages that carry credentials (the landing page and explorer show the API key and admin token;
 * /amplify_outputs.json holds both) are served to the endpoint's own origin only. The GraphQL route keeps
 * AppSync's CORS (any origin): what it returns is data, and its credentials are the caller's own.
 *
 * A page from another site must not read them (issue 13.4): these responses carry no
 * Access-Control-Allow-Origin, a cross-origin request that announces itself (Origin, Sec-Fetch-Site) is
 * refused, and a request whose Host is not a loopback name is refused too, so a site that re-points its
 * own name at 127.0.0.1 (DNS rebinding) is not same-origin with them either.
 */
import type { IncomingMessage } from 'node:http';
import type { AddressInfo, Server } from 'node:net';
import { TLSSocket } from 'node:tls';

/** Headers of every credential-bearing response: not cached, not framed, not readable cross-origin. */
export const PAGE_HEADERS = {
  'cache-control': 'no-store',
  'x-frame-options': 'DENY',
  'content-security-policy': "frame-ancestors 'none'",
  'cross-origin-resource-policy': 'same-origin',
  'x-content-type-options': 'nosniff',
  vary: 'Origin, Sec-Fetch-Site',
} as const;

/** Host names that can only mean this machine. */
const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/** Sec-Fetch-Site values of requests a page of another origin cannot have made. */
const SAME_ORIGIN_SITES = new Set(['same-origin', 'none']);

/**
 * Why a request for a credential-bearing route is refused, or null to serve it. A top-level navigation
 * (the user following a link) is served: the page that linked cannot read what it opens.
 */
export function credentialRouteRefusal(request: IncomingMessage, server: Server): string | null {
  const host = request.headers.host ?? '';
  const port = (server.address() as AddressInfo | null)?.port;
  const hostName = host.replace(/:\d+$/, '').toLowerCase();
  if (
    !LOOPBACK_HOSTS.has(hostName) ||
    (port !== undefined && host !== hostName && host !== `${hostName}:${port}`)
  ) {
    return `Refused: this page is served only as http(s)://localhost:${port ?? ''} (Host was "${host}").`;
  }
  const origin = request.headers.origin;
  if (origin !== undefined) {
    const scheme = request.socket instanceof TLSSocket ? 'https' : 'http';
    if (origin.toLowerCase() !== `${scheme}://${host.toLowerCase()}`) {
      return `Refused: this page carries credentials and is not served to ${origin}.`;
    }
  }
  const site = request.headers['sec-fetch-site'];
  const navigation =
    request.headers['sec-fetch-mode'] === 'navigate' && request.headers['sec-fetch-dest'] === 'document';
  if (typeof site === 'string' && !SAME_ORIGIN_SITES.has(site) && !navigation) {
    return 'Refused: this page carries credentials and is served to its own origin only.';
  }
  return null;
}
