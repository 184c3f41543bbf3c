/**
 * castVote step 1: read the poll from the copy picked by the voter's hash (no key every voter shares), and
 * refuse the vote when the poll is missing or not open yet, or when the ballot breaks the poll's rules (its
 * kind's shape and bound, its options) or the poll does not accept its demographics. Stashes the ballot as it
 * would be stored (`ballot`: a MULTIPLE ballot in the poll's option order), the poll's `kind` and
 * `allowVoteChange` for getVote and putVote.
 *
 * A closed poll is not refused here: its refusal is stashed as `ctx.stash.closed`, getVote reads this voter's
 * stored vote and putVote only answers from it, writing nothing, so a retry of a vote that was stored before the close, whose reply the client
 * never saw, still gets its first receipt. Checking the ballot is left to that comparison with the stored
 * vote: a closed poll with no vote of this voter answers PollClosed whatever the input, as before.
 *
 * The read is strongly consistent: closePoll writes closedAt to every copy before it returns, and an
 * eventually consistent read could still return the copy from before that write (DynamoDB's read
 * consistency page: a read "might not reflect the results of a recently completed write"), so a vote sent
 * after closePoll returned would be accepted. It costs one read unit per copy read instead of a half
 * (docs/capacity.md).
 */
import { type Context, util } from '@aws-appsync/utils';
import { ErrorType, POLL_COPIES } from '../lib/constants.ts';
import { failWith, refuse } from '../lib/errors.ts';
import { pollCopyKey, spreadIndex } from '../lib/keys.ts';
import { type PollItem, pollKind, pollStatus } from '../lib/poll.ts';
import { type CheckedVote, checkBallot, checkDemographics, normalisedBallot } from '../lib/validate.ts';

export function request(ctx: Context) {
  const vote: CheckedVote = ctx.stash.vote;
  const copy = spreadIndex(ctx.stash.voter, POLL_COPIES);
  return {
    operation: 'GetItem',
    key: util.dynamodb.toMapValues(pollCopyKey(vote.pollId, copy)),
    consistentRead: true,
  };
}

export function response(ctx: Context): PollItem {
  if (ctx.error) {
    failWith(ctx.error);
  }
  const vote: CheckedVote = ctx.stash.vote;
  const poll = ctx.result as PollItem | null;
  if (!poll) {
    return refuse(ErrorType.PollNotFound, `input.pollId "${vote.pollId}" is not a poll`);
  }
  const status = pollStatus(poll, ctx.stash.castAt);
  if (status === 'SCHEDULED') {
    refuse(ErrorType.PollNotOpen, `poll "${poll.id}" (input.pollId) opens at ${poll.opensAt}`);
  }
  // What the next steps need of the poll: the ballot as it would be stored, and whether it may replace one.
  ctx.stash.kind = pollKind(poll);
  ctx.stash.allowVoteChange = poll.allowVoteChange === true;
  ctx.stash.ballot = normalisedBallot(vote, poll);
  if (status === 'CLOSED') {
    ctx.stash.closed = `poll "${poll.id}" (input.pollId) closed at ${poll.closedAt ?? poll.closesAt}`;
    return poll;
  }
  checkBallot(vote, poll);
  checkDemographics(vote, poll);
  return poll;
}
