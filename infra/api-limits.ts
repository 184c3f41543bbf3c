/**
 * The limits the GraphQL API sets on each request: one place that the CDK stack (infra/api.ts) and the local
 * endpoint (local/server) both read, so the deployed API and `npm start` refuse the same requests.
 *
 * AppSync's settings and their ranges: "Configuring GraphQL run complexity, query depth, and introspection"
 * (https://docs.aws.amazon.com/appsync/latest/devguide/configuration-limits.html) and the GraphqlApi API
 * reference (queryDepthLimit 1–75, 0 = none; resolverCountLimit 1–10,000, 0 = 10,000).
 */

/** What AppSync lets an API limit, as this project sets it. */
export const GRAPHQL_API_LIMITS = {
  /** Deepest selection accepted (AppSync: 1–75). The deepest real query (listPolls items options) is 3. */
  queryDepthLimit: 10,
  /**
   * The depth limit where introspection is on (development): the standard introspection query
   * (graphql-js getIntrospectionQuery, which GraphiQL and codegen send) nests 15 levels through `ofType`.
   */
  introspectionQueryDepthLimit: 20,
  /**
   * Resolvers one request may invoke (AppSync: 1–10,000, default 10,000). Only root fields have resolvers
   * here, so this bounds the root fields of a request, aliases included: a client needs a handful.
   */
  resolverCountLimit: 50,
} as const;

/** The limits in force for one API: the shared figures plus whether introspection is on. */
export interface GraphQLApiLimits {
  readonly queryDepthLimit: number;
  readonly resolverCountLimit: number;
  /** Introspection (`__schema`, `__type`) answers; off, AppSync refuses them as undefined fields. */
  readonly introspection: boolean;
}

/**
 * The limits of an API: introspection only in development (the explorer and codegen need it; a deployed
 * schema stays private), with the depth limit that introspection needs; the resolver limit everywhere.
 *
 * @example graphqlApiLimits({ development: false }).queryDepthLimit // 10
 */
export function graphqlApiLimits(options: { development: boolean }): GraphQLApiLimits {
  return {
    queryDepthLimit: options.development
      ? GRAPHQL_API_LIMITS.introspectionQueryDepthLimit
      : GRAPHQL_API_LIMITS.queryDepthLimit,
    resolverCountLimit: GRAPHQL_API_LIMITS.resolverCountLimit,
    introspection: options.development,
  };
}
