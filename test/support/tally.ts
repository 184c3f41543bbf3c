/** Building the tally and results functions over a test's tables and Redis, and stream records by hand. */

import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { inject } from 'vitest';
import { createDocumentClient, createRedis } from '../../functions/common/clients.ts';
import { DEFAULT_PUBLISH_INTERVAL_MS } from '../../functions/common/config.ts';
import { observability } from '../../functions/common/observability.ts';
import type { Publish } from '../../functions/common/publisher.ts';
import { ResultsStore } from '../../functions/common/store.ts';
import { createResultsHandler } from '../../functions/results/handler.ts';
import { createTallyHandler, type TallyEvent } from '../../functions/tally/handler.ts';
import type { PollResults } from '../../generated/graphql.ts';

/** A vote as the stream carries it: a SINGLE vote (`optionId`), or a ballot of several (`optionIds`). */
export interface VoteImage {
  pollId: string;
  optionId?: string;
  /** MULTIPLE and RANKED ballots; the item's optionId is then the first of them (docs/data-model.md). */
  optionIds?: string[];
  castAt?: string;
  demographics?: Record<string, string>;
  voter?: string;
}

/** The vote item of `vote`, numbered `n`. */
function voteItem(n: number, vote: VoteImage): Record<string, unknown> {
  return {
    pk: `VOTE#${vote.pollId}#${vote.voter ?? `device:v${n}`}`,
    voteId: `vote-${n}`,
    pollId: vote.pollId,
    optionId: vote.optionId ?? vote.optionIds?.[0],
    ...(vote.optionIds ? { optionIds: vote.optionIds } : {}),
    castAt: vote.castAt ?? new Date().toISOString(),
    exportBucket: `${vote.pollId}#00`,
    ...(vote.demographics ? { demographics: vote.demographics } : {}),
  };
}

/**
 * A stream record of a change of vote (MODIFY, view NEW_AND_OLD_IMAGES) with sequence number `n`: the
 * voter's ballot `before` replaced by `after` (both must name the same voter).
 */
export function changeRecord(n: number, before: VoteImage & { n: number }, after: VoteImage): DynamoDBRecord {
  const record = voteRecord(n, after);
  return {
    ...record,
    eventName: 'MODIFY',
    dynamodb: {
      ...record.dynamodb,
      OldImage: marshall(voteItem(before.n, before)) as never,
      StreamViewType: 'NEW_AND_OLD_IMAGES',
    },
  };
}

/** A stream record of a vote insert, with sequence number `n` (wide, like DynamoDB's). */
export function voteRecord(n: number, vote: VoteImage): DynamoDBRecord {
  const sequence = (10n ** 20n + BigInt(n)).toString();
  const item = voteItem(n, vote);
  return {
    eventID: `event-${n}`,
    eventName: 'INSERT',
    eventVersion: '1.1',
    eventSource: 'aws:dynamodb',
    awsRegion: 'local',
    dynamodb: {
      Keys: marshall({ pk: item.pk as string }) as never,
      NewImage: marshall(item) as never,
      SequenceNumber: sequence,
      SizeBytes: 100,
      StreamViewType: 'NEW_IMAGE',
    },
  };
}

/** The tally and results functions as deployed, but on the test's tables, Redis and publish recorder. */
export function functionsFor(options: {
  pollsTable: string;
  redisUrl: string | null;
  publish?: Publish;
  publishIntervalMs?: number;
  /** The clock the tally and the publish gate read; default the real one. */
  now?: () => string;
}) {
  const dynamo = createDocumentClient({ region: 'local', endpoint: inject('dynamoEndpoint') });
  const redis = createRedis(options.redisUrl);
  const store = new ResultsStore(dynamo, options.pollsTable, redis);
  const { logger, metrics } = observability('test');
  const now = options.now ?? (() => new Date().toISOString());
  const tally = createTallyHandler({
    dynamo,
    pollsTable: options.pollsTable,
    store,
    publish: options.publish ?? null,
    logger,
    metrics,
    now,
    publishIntervalMs: options.publishIntervalMs ?? DEFAULT_PUBLISH_INTERVAL_MS,
  });
  const results = createResultsHandler({ store, logger, metrics, now });
  return {
    dynamo,
    store,
    redis,
    /** A batch invocation of a tumbling window, with the state the window's previous invocation answered. */
    tally: (shardId: string, records: DynamoDBRecord[], state: Record<string, string> = {}) =>
      tally({ shardId, Records: records, state } as TallyEvent),
    /** The window's final invocation (no records), with the state its last invocation answered. */
    final: (shardId: string, state: Record<string, string>) =>
      tally({ shardId, Records: [], state, isFinalInvokeForWindow: true } as TallyEvent),
    results: async (pollId: string, isAdmin = false) => {
      const reply = await results({ pollId, isAdmin });
      if ('error' in reply) throw new Error(`${reply.error.type}: ${reply.error.message}`);
      return reply.results as PollResults;
    },
    close: () => redis?.disconnect(),
  };
}

/** Option vote counts of results, by option id. */
export function optionCounts(results: PollResults): Record<string, number> {
  return Object.fromEntries(results.options.map((option) => [option.optionId, option.votes]));
}
