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
  /**
   * No gathering: Lambda invokes as soon as a poll of the shard finds records (it polls each shard "at a
   * base rate of 4 times per second", Lambda developer guide, "Polling and batching streams"), so a vote
   * reaches the tally within about 250 ms. The setting is whole seconds (0-300,
   * CreateEventSourceMapping), so 0 is the only value under a second; the publish gate, not the window,
   * coalesces live updates (functions/tally/tally.ts publishThroughGate), and under load a batch still
   * holds all the records that arrived while the previous one ran. Costs: docs/capacity.md ("Live updates").
   */
  maximumBatchingWindowSeconds: 0,
  startingPosition: 'TRIM_HORIZON',
  bisectBatchOnFunctionError: true,
  /**
   * Bounded, so that a batch that keeps failing cannot hold its shard for the stream's 24 hours: after these
   * retries (bisecting does not use them up) Lambda sends the batch's pointers to the on-failure queue,
   * which is alarmed on. Records the tally can never count do not fail the batch at all: it records them
   * as uncounted and moves on (functions/tally/tally.ts). Range -1 or 0-10,000 (CreateEventSourceMapping).
   */
  maximumRetryAttempts: 10,
  /**
   * Records older than this go to the on-failure queue without being retried further, whatever held them
   * up (throttling included). Range -1 or 60-604,800 s (CreateEventSourceMapping); the stream keeps 24 h.
   */
  maximumRecordAgeSeconds: 6 * 3600,
  /**
   * A tumbling window makes Lambda name the stream shard (`shardId`) in each event, which the tally needs
   * for its per-shard checkpoints; the stream record itself does not carry it. Its state carries the polls
   * whose publish the gate deferred, and its final invocation publishes them: so the window's length bounds
   * how late the last totals of a burst can be, at the price of one extra invocation per active shard per
   * window. 1 s is the shortest (1-900 s).
   */
  tumblingWindowSeconds: 1,
  /**
   * Vote inserts (a first ballot) and vote modifications (a changed ballot: a PutItem replacing the item,
   * which the stream records as MODIFY, "one or more of an existing item's attributes were modified",
   * https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_streams_Record.html); votes are never
   * deleted, and a failed conditional write emits no record. Matched on `dynamodb.Keys`, present in every
   * record, and on the top-level eventName (Lambda's DynamoDB filtering,
   * https://docs.aws.amazon.com/lambda/latest/dg/with-ddb-filtering.html).
   */
  filterPatterns: [
    { eventName: ['INSERT', 'MODIFY'], dynamodb: { Keys: { pk: { S: [{ prefix: 'VOTE#' }] } } } },
  ],
} as const;
