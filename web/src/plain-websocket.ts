/**
 * Live updates from a plain-HTTP local endpoint, with no certificate step.
 *
 * aws-amplify v6 always dials `wss://` for subscriptions, whatever the endpoint's scheme: its
 * `getRealtimeEndpointUrl` replaces both `https://` and `http://` with `wss://`, and v6 has no switch for it
 * (v5's `aws_appsync_dangerously_connect_to_http_endpoint_for_testing` is gone; the request to bring `ws://`
 * back is open: https://github.com/aws-amplify/amplify-js/issues/12894). Against the local endpoint's
 * self-made certificate that fails in a browser until the certificate is accepted by hand.
 *
 * The local endpoint answers plain `ws://` on the same port. So, only when the outputs name a plain
 * `http://` GraphQL endpoint (never a deployed AppSync API, which is always https), the page's WebSocket
 * dials `ws://` instead of `wss://` for that one host and port. Amplify itself is not modified; everything
 * else it sends (the auth header, the graphql-ws subprotocol, the messages) is unchanged.
 */

/** The `wss://` URL Amplify builds, as the `ws://` URL the plain endpoint answers; others unchanged. */
export function plainRealtimeUrl(url: string, graphqlUrl: string): string {
  const endpoint = new URL(graphqlUrl);
  if (endpoint.protocol !== 'http:') return url;
  const target = new URL(url);
  if (target.protocol !== 'wss:' || target.host !== endpoint.host) return url;
  target.protocol = 'ws:';
  return target.toString();
}

/** Installs the rewrite on `globalThis.WebSocket` when `graphqlUrl` is plain http (once). */
export function usePlainWebSocketFor(graphqlUrl: string): boolean {
  if (new URL(graphqlUrl).protocol !== 'http:') return false;
  const Native = globalThis.WebSocket;
  if ((Native as { plainFor?: string }).plainFor === graphqlUrl) return true;
  class PlainLocalWebSocket extends Native {
    static plainFor = graphqlUrl;
    constructor(url: string | URL, protocols?: string | string[]) {
      super(plainRealtimeUrl(String(url), graphqlUrl), protocols);
    }
  }
  globalThis.WebSocket = PlainLocalWebSocket;
  return true;
}
