/**
 * castVote: a pipeline of getPollCopy (the poll, from one of its read copies), getVote (the voter's stored
 * vote, read only on a poll that allows vote changes or has closed) and putVote (one conditional PutItem of
 * the vote). This handler checks what needs no poll, decides who the voter is, and reads the
 * clock once: that instant is both what the poll's window is checked against and the vote's castAt, so a
 * vote accepted before closesAt is never stored as cast after it.
 */
import type { Context } from '@aws-appsync/utils';
import type { MutationCastVoteArgs, VoteReceipt } from '../generated/graphql.ts';
import { nowInstant } from './lib/clock.ts';
import { type CallerIdentity, signedInVoter } from './lib/identity.ts';
import { requireVoterToken, validateCastVote } from './lib/validate.ts';

export function request(ctx: Context<MutationCastVoteArgs>): Record<string, never> {
  const input = ctx.args.input;
  ctx.stash.vote = validateCastVote(input);
  ctx.stash.voter = signedInVoter(ctx.identity as CallerIdentity) ?? requireVoterToken(input.voterToken);
  ctx.stash.castAt = nowInstant();
  return {};
}

export function response(ctx: Context<MutationCastVoteArgs>): VoteReceipt {
  return ctx.prev.result;
}
