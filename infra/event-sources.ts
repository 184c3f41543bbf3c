/**
 * The tally's event source mapping, described once: the CDK stack configures Lambda with it and the local
 * endpoint polls DynamoDB Local's stream with the same settings.
 */
export const TALLY_EVENT_SOURCE = {
  /**
   * Records per invocation: one count transaction per poll per batch, so larger batches mean fewer writes
   * to a hot poll's count items (a stream shard takes about 1,000 writes a second: one batch a second).
   */
  batchSize: 1000,
  /** Gather up to this long before invoking with a partial batch: coalesces live updates under load. */
  maximumBatchingWindowSeconds: 1,
  startingPosition: 'TRIM_HORIZON',
  bisectBatchOnFunctionError: true,
  /** -1: retry until the record leaves the stream (24 hours); failures go to the on-failure queue. */
  maximumRetryAttempts: -1,
  /**
   * A tumbling window makes Lambda name the stream shard (`shardId`) in each event, which the tally needs
   * for its per-shard checkpoints; the stream record itself does not carry it.
   */
  tumblingWindowSeconds: 1,
  /** Only vote inserts: a failed conditional write emits no record, and votes are never modified. */
  filterPatterns: [{ eventName: ['INSERT'], dynamodb: { NewImage: { pk: { S: [{ prefix: 'VOTE#' }] } } } }],
} as const;
