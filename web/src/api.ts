/**
 * The poll API through an unmodified aws-amplify v6 client: `Amplify.configure(outputs)` with the
 * amplify_outputs.json the endpoint (or a deployed stack) provides, then `generateClient()`. Voters use the
 * API key (the outputs' default); admin calls send a Cognito token as `Authorization` with authMode 'none'.
 * Operations are plain strings typed with the codegen types of schema.graphql.
 */
import { Amplify } from 'aws-amplify';
import { generateClient } from 'aws-amplify/api';
import { Hub } from 'aws-amplify/utils';
import type {
  CastVoteInput,
  CreatePollInput,
  ExportDownload,
  Poll,
  PollPage,
  PollResults,
  PollStatus,
  VoteReceipt,
} from '../../generated/graphql.ts';
import { type ErrorKind, errorKind, errorMessage } from './messages.ts';
import { usePlainWebSocketFor } from './plain-websocket.ts';

/** The parts of amplify_outputs.json the app reads. */
export interface AmplifyOutputs {
  readonly version: string;
  readonly data: { readonly url: string; readonly api_key?: string; readonly aws_region: string };
  readonly custom?: { readonly local?: { readonly adminToken?: string } };
}

/** Where the app finds its outputs: served by the local endpoint, or deployed next to the app. */
export const OUTPUTS_URL = '/amplify_outputs.json';

export async function loadOutputs(url = OUTPUTS_URL): Promise<AmplifyOutputs> {
  const response = await fetch(url, { cache: 'no-store' });
  if (!response.ok) {
    throw new Error(`${url} answered ${response.status}`);
  }
  const outputs = (await response.json()) as AmplifyOutputs;
  if (!outputs?.data?.url) {
    throw new Error(`${url} has no data.url`);
  }
  return outputs;
}

const POLL =
  'id title options { id label } kind maxChoices maxRanks allowVoteChange status opensAt closesAt resultsVisibility demographicFields demographicValues { field values } regions createdAt closedAt';
/** Every PollResults field: subscribers receive only what the publishing mutation selected, which is all. */
const RESULTS =
  'pollId status kind totalVotes updatedAt options { optionId label votes } demographics { field value optionId votes } rounds { round options { optionId label votes } exhausted eliminated } winner';
/** The receipt: what was recorded (optionIds), and the ballot it replaced when the vote was changed. */
const RECEIPT = 'voteId pollId optionId optionIds castAt replacedVoteId duplicate';

/** A refused or failed call, with the contract's errorType mapped to a message people can act on. */
export class ApiError extends Error {
  constructor(
    readonly kind: ErrorKind,
    readonly detail: string,
  ) {
    super(errorMessage(kind, detail));
    this.name = 'ApiError';
  }
}

interface RawError {
  readonly message?: string;
  readonly errorType?: string;
  readonly originalError?: { readonly name?: string; readonly message?: string };
}

/** Amplify throws the GraphQL result ({ data, errors }) for errors, and an Error for a failed request. */
export function toApiError(thrown: unknown): ApiError {
  if (thrown instanceof ApiError) return thrown;
  const errors = (thrown as { errors?: RawError[] } | null)?.errors;
  const first: RawError | undefined = Array.isArray(errors) ? errors[0] : (thrown as RawError | undefined);
  const type = first?.errorType ?? first?.originalError?.name ?? (thrown as Error | undefined)?.name;
  const message = first?.originalError?.message ?? first?.message ?? String(thrown);
  return new ApiError(errorKind(type, message), message);
}

/**
 * What onPollClosed selects. Its subscribers receive only the fields the closePoll call selected, so every
 * closePoll (the admin view's selects every Poll field) must select at least these.
 */
const CLOSED_POLL = 'id status closedAt';

/** The fields of a closed poll that onPollClosed delivers. */
export type ClosedPoll = Pick<Poll, 'id' | 'status' | 'closedAt'>;

/** What a view does with onPollClosed messages. */
export interface PollClosedHandlers {
  next(poll: ClosedPoll): void;
  error(error: ApiError): void;
}

export interface ResultsHandlers {
  next(results: PollResults): void;
  /** The server accepted the subscription (start_ack): from now on no update is missed. */
  ready(): void;
  error(error: ApiError): void;
}

/** What the views need. */
export interface Api {
  readonly outputs: AmplifyOutputs;
  listPolls(args: { status?: PollStatus; limit?: number; nextToken?: string | null }): Promise<PollPage>;
  poll(id: string): Promise<Poll | null>;
  pollResults(pollId: string, adminToken?: string | null): Promise<PollResults | null>;
  createPoll(input: CreatePollInput, adminToken: string): Promise<Poll>;
  closePoll(id: string, adminToken: string): Promise<Poll>;
  /** A 5-minute link to the poll's exported votes as one CSV file (admins). */
  exportDownload(pollId: string, adminToken: string): Promise<ExportDownload>;
  castVote(input: CastVoteInput): Promise<VoteReceipt>;
  /** Subscribes to onResultsUpdated; returns the unsubscribe function. */
  onResultsUpdated(pollId: string, handlers: ResultsHandlers, adminToken?: string | null): () => void;
  /** Subscribes to onPollClosed (an admin's closePoll of this poll); returns the unsubscribe function. */
  onPollClosed(pollId: string, handlers: PollClosedHandlers): () => void;
}

interface Observable<T> {
  subscribe(observer: { next(value: T): void; error(error: unknown): void }): { unsubscribe(): void };
}

export function createApi(outputs: AmplifyOutputs): Api {
  // A plain-http local endpoint: live updates over ws://, so a first visit needs no certificate step.
  usePlainWebSocketFor(outputs.data.url);
  Amplify.configure(outputs as Parameters<typeof Amplify.configure>[0]);
  const client = generateClient();
  type Graphql = (
    options: { query: string; variables?: Record<string, unknown>; authMode?: 'none' },
    headers?: Record<string, string>,
  ) => unknown;
  const graphql = client.graphql.bind(client) as unknown as Graphql;

  async function call<T>(
    query: string,
    variables: Record<string, unknown>,
    adminToken?: string | null,
    headers: Record<string, string> = {},
  ) {
    try {
      const result = (await (adminToken
        ? graphql({ query, variables, authMode: 'none' }, { ...headers, Authorization: adminToken })
        : graphql({ query, variables }, headers))) as { data: T };
      return result.data;
    } catch (thrown) {
      throw toApiError(thrown);
    }
  }

  // Amplify reports each subscription's start_ack on the Hub's 'api' channel, with its variables.
  const acks = new Set<(variables: Record<string, unknown>) => void>();
  Hub.listen('api', ({ payload }) => {
    const data = payload.data as { variables?: Record<string, unknown> } | undefined;
    if (payload.event === 'Subscription ack' && data?.variables) {
      for (const ack of acks) ack(data.variables);
    }
  });

  return {
    outputs,
    listPolls: async (args) =>
      (
        await call<{ listPolls: PollPage }>(
          `query ListPolls($status: PollStatus, $limit: Int, $nextToken: String) {
            listPolls(status: $status, limit: $limit, nextToken: $nextToken) { items { ${POLL} } nextToken } }`,
          { ...args },
        )
      ).listPolls,
    poll: async (id) =>
      (await call<{ poll: Poll | null }>(`query GetPoll($id: ID!) { poll(id: $id) { ${POLL} } }`, { id }))
        .poll,
    pollResults: async (pollId, adminToken) =>
      (
        await call<{ pollResults: PollResults | null }>(
          `query PollResults($pollId: ID!) { pollResults(pollId: $pollId) { ${RESULTS} } }`,
          { pollId },
          adminToken,
        )
      ).pollResults,
    createPoll: async (input, adminToken) =>
      (
        await call<{ createPoll: Poll }>(
          `mutation CreatePoll($input: CreatePollInput!) { createPoll(input: $input) { ${POLL} } }`,
          { input },
          adminToken,
        )
      ).createPoll,
    closePoll: async (id, adminToken) =>
      (
        await call<{ closePoll: Poll }>(
          `mutation ClosePoll($id: ID!) { closePoll(id: $id) { ${POLL} } }`,
          { id },
          adminToken,
        )
      ).closePoll,
    exportDownload: async (pollId, adminToken) =>
      (
        await call<{ exportDownload: ExportDownload }>(
          `query ExportDownload($pollId: ID!) { exportDownload(pollId: $pollId) { pollId url expiresAt rows } }`,
          { pollId },
          adminToken,
        )
      ).exportDownload,
    castVote: async (input) =>
      (
        await call<{ castVote: VoteReceipt }>(
          `mutation CastVote($input: CastVoteInput!) { castVote(input: $input) { ${RECEIPT} } }`,
          { input },
          null,
          // The deployed API's WAF rate-limits per device by this header (infra/waf.ts).
          input.voterToken ? { 'x-voter-token': input.voterToken } : {},
        )
      ).castVote,
    onResultsUpdated(pollId, handlers, adminToken) {
      const query = `subscription OnResultsUpdated($pollId: ID!) { onResultsUpdated(pollId: $pollId) { ${RESULTS} } }`;
      const variables = { pollId };
      let ready = false;
      const ack = (ackVariables: Record<string, unknown>) => {
        if (!ready && ackVariables.pollId === pollId) {
          ready = true;
          handlers.ready();
        }
      };
      acks.add(ack);
      const observable = (
        adminToken
          ? graphql({ query, variables, authMode: 'none' }, { Authorization: adminToken })
          : graphql({ query, variables })
      ) as Observable<{ data: { onResultsUpdated: PollResults | null } }>;
      const subscription = observable.subscribe({
        next: ({ data }) => {
          if (data.onResultsUpdated) handlers.next(data.onResultsUpdated);
        },
        error: (error) => {
          acks.delete(ack);
          handlers.error(toApiError(error));
        },
      });
      return () => {
        acks.delete(ack);
        subscription.unsubscribe();
      };
    },
    onPollClosed(pollId, handlers) {
      const query = `subscription OnPollClosed($id: ID!) { onPollClosed(id: $id) { ${CLOSED_POLL} } }`;
      const observable = graphql({ query, variables: { id: pollId } }) as Observable<{
        data: { onPollClosed: ClosedPoll | null };
      }>;
      const subscription = observable.subscribe({
        next: ({ data }) => {
          if (data.onPollClosed) handlers.next(data.onPollClosed);
        },
        error: (error) => handlers.error(toApiError(error)),
      });
      return () => subscription.unsubscribe();
    },
  };
}
