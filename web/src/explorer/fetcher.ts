/**
 * GraphiQL's fetcher for the local endpoint: queries and mutations (and GraphiQL's introspection) as an
 * HTTP POST to /graphql; subscriptions over AppSync's real-time protocol (realtime-client.ts), returned to
 * GraphiQL as an observable so its stop button unsubscribes. Each request carries the credential chosen in
 * the page; headers typed into GraphiQL's header editor are added last, so they can override it.
 */
import { getOperationAST, parse } from 'graphql';
import { authorize, type CredentialKind, type ExplorerCredentials } from './credentials.ts';
import { type SubscriptionObserver, subscribeOverRealtime } from './realtime-client.ts';

/** What GraphiQL passes a fetcher. */
export interface FetcherParams {
  readonly query: string;
  readonly operationName?: string | null;
  readonly variables?: unknown;
}

/** GraphiQL's second argument: the header editor's headers. */
export interface FetcherOptions {
  readonly headers?: Readonly<Record<string, unknown>>;
}

/** An observable as GraphiQL reads one (`subscribe` returning `unsubscribe`). */
export interface ResultObservable {
  subscribe(observer: Partial<SubscriptionObserver>): { unsubscribe(): void };
}

/** Where the fetcher sends requests, and with which credential. */
export interface ExplorerFetcherOptions {
  /** The GraphQL URL, e.g. `http://localhost:20002/graphql`. */
  readonly graphqlUrl: string;
  /** The real-time URL, e.g. `ws://localhost:20002/graphql/realtime`. */
  readonly realtimeUrl: string;
  readonly credentials: ExplorerCredentials;
  /** The credential chosen now (read at each request). */
  credential(): CredentialKind;
  /** The WebSocket class (the browser's by default). */
  readonly WebSocket?: typeof WebSocket;
  /** Told where a subscription is: connecting, listening (after `start_ack`), or ended. */
  readonly onSubscriptionStatus?: (status: SubscriptionStatus) => void;
}

/** Where the explorer's subscription is. */
export type SubscriptionStatus = 'connecting' | 'listening' | 'ended';

/** Whether the document's chosen operation is a subscription (a document that does not parse is not). */
export function isSubscription(query: string, operationName?: string | null): boolean {
  try {
    return getOperationAST(parse(query), operationName ?? undefined)?.operation === 'subscription';
  } catch {
    return false;
  }
}

/** The header editor's string values (GraphiQL passes whatever JSON object was typed). */
function extraHeaders(options?: FetcherOptions): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(options?.headers ?? {})) {
    if (typeof value === 'string') headers[name] = value;
  }
  return headers;
}

/** Each request gets its own subscription id. */
let nextId = 0;
function subscriptionId(): string {
  nextId += 1;
  return globalThis.crypto?.randomUUID?.() ?? `explorer-${Date.now()}-${nextId}`;
}

/**
 * The fetcher GraphiQL calls.
 *
 * @example <GraphiQL fetcher={createExplorerFetcher({ graphqlUrl, realtimeUrl, credentials, credential: () => kind })} />
 */
export function createExplorerFetcher(options: ExplorerFetcherOptions) {
  return (params: FetcherParams, fetcherOptions?: FetcherOptions): Promise<unknown> | ResultObservable => {
    const body = JSON.stringify({
      query: params.query,
      variables: params.variables ?? {},
      ...(params.operationName ? { operationName: params.operationName } : {}),
    });
    const kind = options.credential();
    const added = extraHeaders(fetcherOptions);
    if (isSubscription(params.query, params.operationName)) {
      return subscription(options, kind, body, added);
    }
    return (async () => {
      const headers = await authorize(kind, options.credentials, {
        url: options.graphqlUrl,
        body,
        headers: { 'content-type': 'application/json' },
      });
      // A browser sets Host itself (it is a forbidden request header).
      const { host: _host, ...sent } = headers;
      const response = await fetch(options.graphqlUrl, {
        method: 'POST',
        headers: { ...sent, ...added },
        body,
      });
      return response.json();
    })();
  };
}

/** A subscription whose authorization is computed when GraphiQL subscribes. */
function subscription(
  options: ExplorerFetcherOptions,
  kind: CredentialKind,
  data: string,
  added: Record<string, string>,
): ResultObservable {
  return {
    subscribe(partial) {
      const status = options.onSubscriptionStatus ?? (() => {});
      const observer: SubscriptionObserver = {
        next: (result) => partial.next?.(result),
        error: (error) => {
          status('ended');
          partial.error?.(error);
        },
        complete: () => {
          status('ended');
          partial.complete?.();
        },
      };
      status('connecting');
      let live: { unsubscribe(): void } | null = null;
      let cancelled = false;
      const graphqlUrl = new URL(options.graphqlUrl);
      // What AppSync's guide has IAM clients sign: the connection as a POST of "{}" to <graphql>/connect,
      // each start as a POST of its data to the GraphQL URL.
      const signed = { accept: 'application/json, text/javascript', 'content-encoding': 'amz-1.0' };
      const json = { 'content-type': 'application/json; charset=UTF-8' };
      Promise.all([
        authorize(kind, options.credentials, {
          url: `${graphqlUrl.origin}${graphqlUrl.pathname}/connect`,
          body: '{}',
          headers: { ...signed, ...json },
        }),
        authorize(kind, options.credentials, {
          url: options.graphqlUrl,
          body: data,
          headers: { ...signed, ...json },
        }),
      ]).then(
        ([connectHeader, startAuthorization]) => {
          if (cancelled) return;
          live = subscribeOverRealtime(
            {
              url: options.realtimeUrl,
              connectHeader: { ...connectHeader, ...added },
              data,
              startAuthorization: { ...startAuthorization, ...added },
              id: subscriptionId(),
              onStarted: () => status('listening'),
              ...(options.WebSocket ? { WebSocket: options.WebSocket } : {}),
            },
            observer,
          );
        },
        (error: Error) => observer.error(error),
      );
      return {
        unsubscribe() {
          cancelled = true;
          live?.unsubscribe();
        },
      };
    },
  };
}
