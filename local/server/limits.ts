/**
 * The bounds the local endpoint puts on one HTTP request, beyond the API's own limits (infra/api-limits.ts).
 * Each row of the "## Limits" table in docs/local-endpoint.md names one of these and its AWS source.
 */

/** Bounds on the connection and the request body. */
export const HTTP_LIMITS = {
  /**
   * The largest body read (bytes). AppSync documents a GraphQL operation of at most 1,048,576 characters
   * (EventBridge AppSyncParameters.GraphQLOperation); the body is refused past that, before it is parsed.
   */
  maxBodyBytes: 1_048_576,
  /** Time from the first byte of a connection until the request headers are complete. */
  headersTimeoutMs: 10_000,
  /** Time until the whole request (headers and body) has arrived: AppSync's 30 s request limit. */
  requestTimeoutMs: 30_000,
  /** How long an idle keep-alive connection is kept between requests. */
  keepAliveTimeoutMs: 5_000,
  /** Time a new connection may stay silent before its first byte (nothing to sniff HTTP or TLS from). */
  firstByteTimeoutMs: 10_000,
  /** Time a TLS handshake may take. */
  tlsHandshakeTimeoutMs: 10_000,
} as const;

/** Bounds on the GraphQL document of one request, checked before it is validated or run. */
export const DOCUMENT_LIMITS = {
  /**
   * Lexical tokens the parser reads (graphql-js `maxTokens`). The largest real query has about 60;
   * an 870 KB alias bomb has hundreds of thousands and is refused without building its tree.
   */
  maxTokens: 5_000,
  /** Brackets (`{`, `[`, `(`) open at once: checked before parsing, whose recursion would overflow the stack. */
  maxNesting: 64,
  /** Fields one operation selects, fragments expanded: bounds validation and execution work. */
  maxFields: 500,
  /**
   * The parsed-document cache's budget (bytes, estimated). A parsed tree takes about 62 bytes of heap per
   * byte of query text (measured with graphql 16), so entries are weighed at that rate.
   */
  cacheBytes: 64 * 1024 * 1024,
  /** Estimated heap bytes per byte of query text of a parsed and validated document. */
  cacheBytesPerQueryByte: 64,
} as const;
