/**
 * castVote: a pipeline of getPollCopy (the poll, from one of its read copies) and putVote (one conditional
 * PutItem of the vote). This handler checks what needs no poll and decides who the voter is.
 */
import type { Context } from '@aws-appsync/utils';
import type { MutationCastVoteArgs, VoteReceipt } from '../generated/graphql.ts';
import { type CallerIdentity, signedInVoter } from './lib/identity.ts';
import { requireVoterToken, validateCastVote } from './lib/validate.ts';

export function request(ctx: Context<MutationCastVoteArgs>): Record<string, never> {
  const input = ctx.args.input;
  ctx.stash.vote = validateCastVote(input);
  ctx.stash.voter = signedInVoter(ctx.identity as CallerIdentity) ?? requireVoterToken(input.voterToken);
  return {};
}

export function response(ctx: Context<MutationCastVoteArgs>): VoteReceipt {
  return ctx.prev.result;
}
