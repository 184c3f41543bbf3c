/**
 * (4) The APPSYNC_JS evaluator's cost per castVote without the data source: runResolver for
 * Mutation.castVote (the bundles in dist/resolvers, as the endpoint loads them) with an invoke() that
 * answers at once with canned results: a poll copy for getPollCopy, the stored vote for putVote.
 */
import { performance } from 'node:perf_hooks';
import { loadResolvers } from '../local/api/resolvers.ts';
import { type AppSyncContext, runResolver } from '../local/appsync-js/index.ts';
import type { DataSourceResult } from '../local/datasources/types.ts';
import type { PollItem } from '../resolvers/lib/poll.ts';
import { REGIONS, voteInput } from './support/api.ts';
import { type ProfileSummary, startInProcessProfile, summarizeProfile } from './support/profile.ts';
import { median, round } from './support/stats.ts';

/** How the evaluator benchmark runs. */
export const EVALUATOR_PLAN = {
  warmupRuns: 3000,
  /** Runs are timed in batches; the figure is the median batch (robust to a noisy neighbour). */
  batches: 40,
  batchSize: 500,
  /** Batches run under the profiler after the timed ones (not timed). */
  profiledBatches: 10,
} as const;

/** The benchmark's outcome. */
export interface EvaluatorFigures {
  readonly plan: typeof EVALUATOR_PLAN;
  /** Median batch, microseconds per castVote. */
  readonly microsPerRequest: number;
  readonly fastestBatchMicros: number;
  readonly slowestBatchMicros: number;
  /** Where the evaluator's time goes: a profile of extra (untimed) batches in this process. */
  readonly topFunctions: ProfileSummary['topFunctions'];
  /** What one run returned (checked: a receipt, no errors). */
  readonly sample: unknown;
}

const POLL_ID = '01JBENCHPOLL00000000000000';

/** The poll copy getPollCopy reads: open, three options, collecting AGE_GROUP and REGION. */
const POLL: PollItem & { pk: string; sk: string } = {
  pk: `POLL#${POLL_ID}#COPY#3`,
  sk: 'POLL',
  id: POLL_ID,
  title: 'bench evaluator',
  options: [
    { id: 'opt1', label: 'A' },
    { id: 'opt2', label: 'B' },
    { id: 'opt3', label: 'C' },
  ],
  resultsVisibility: 'ALWAYS',
  demographicFields: ['AGE_GROUP', 'REGION'],
  regions: REGIONS,
  createdAt: '2025-01-01T00:00:00.000Z',
};

/** Runs the evaluator benchmark in this process. */
export async function benchEvaluator(log: (line: string) => void): Promise<EvaluatorFigures> {
  const definition = loadResolvers().get('Mutation.castVote');
  if (!definition) throw new Error('no Mutation.castVote resolver');
  // The stored vote putVote gets back is the item it wrote (what the DynamoDB data source returns).
  const invoke = async (dataSource: string, request: unknown): Promise<DataSourceResult> => {
    if (dataSource === 'polls') return { result: POLL };
    const values = (request as { attributeValues: Record<string, { S?: string }> }).attributeValues;
    return {
      result: {
        pk: `VOTE#${POLL_ID}#device:x`,
        voteId: values.voteId?.S,
        pollId: POLL_ID,
        optionId: values.optionId?.S,
        castAt: values.castAt?.S,
        exportBucket: values.exportBucket?.S,
        idempotencyKey: values.idempotencyKey?.S,
        demographics: { AGE_GROUP: '18_24', REGION: 'EU' },
      },
    };
  };
  // The context the endpoint's field executor builds (local/api/resolvers.ts) for an API-key castVote.
  const context = (n: number): AppSyncContext => {
    const input = voteInput(POLL_ID, 'bench-evaluator', n);
    return {
      arguments: { input },
      identity: null,
      authType: 'API_KEY',
      source: null,
      stash: {},
      request: {
        headers: {
          host: 'localhost:20002',
          'content-type': 'application/json',
          'content-length': '420',
          'x-api-key': 'da2-benchbenchbenchbenchbench',
          connection: 'keep-alive',
        },
        domainName: null,
      },
      info: {
        fieldName: 'castVote',
        parentTypeName: 'Mutation',
        variables: { input },
        selectionSetList: ['voteId', 'pollId', 'optionId', 'castAt', 'duplicate'],
        selectionSetGraphQL: '{\n  voteId\n  pollId\n  optionId\n  castAt\n  duplicate\n}',
      },
      env: { POLLS_TABLE: 'Polls', VOTES_TABLE: 'Votes' },
    };
  };
  const first = await runResolver(definition, context(0), invoke);
  if (first.errors.length > 0 || !(first.data as { voteId?: string } | null)?.voteId) {
    throw new Error(`castVote did not resolve: ${JSON.stringify(first.errors)}`);
  }
  let n = 1;
  for (let i = 0; i < EVALUATOR_PLAN.warmupRuns; i++) await runResolver(definition, context(n++), invoke);
  const batchMicros: number[] = [];
  for (let batch = 0; batch < EVALUATOR_PLAN.batches; batch++) {
    const started = performance.now();
    for (let i = 0; i < EVALUATOR_PLAN.batchSize; i++) await runResolver(definition, context(n++), invoke);
    batchMicros.push(((performance.now() - started) * 1000) / EVALUATOR_PLAN.batchSize);
  }
  const session = await startInProcessProfile();
  for (let batch = 0; batch < EVALUATOR_PLAN.profiledBatches; batch++) {
    for (let i = 0; i < EVALUATOR_PLAN.batchSize; i++) await runResolver(definition, context(n++), invoke);
  }
  const { topFunctions } = summarizeProfile(await session.stop(), 10);
  const figures: EvaluatorFigures = {
    plan: EVALUATOR_PLAN,
    microsPerRequest: round(median(batchMicros), 1),
    fastestBatchMicros: round(Math.min(...batchMicros), 1),
    slowestBatchMicros: round(Math.max(...batchMicros), 1),
    topFunctions,
    sample: first.data,
  };
  log(`evaluator: ${figures.microsPerRequest} µs per castVote (median of ${EVALUATOR_PLAN.batches} batches)`);
  return figures;
}
