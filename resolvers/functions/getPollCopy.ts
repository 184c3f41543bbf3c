/**
 * castVote step 1: read the poll from the copy picked by the voter's hash (no key every voter shares), and
 * refuse the vote when the poll is missing, not open yet, or does not have the option or accept its
 * demographics.
 *
 * A closed poll is not refused here: its refusal is stashed as `ctx.stash.closed` and putVote then only reads
 * this voter's stored vote, so a retry of a vote that was stored before the close, whose reply the client
 * never saw, still gets its first receipt. Checking the option is left to that comparison with the stored
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
import { type PollItem, pollStatus } from '../lib/poll.ts';
import { type CheckedVote, checkDemographics } from '../lib/validate.ts';

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
  if (status === 'CLOSED') {
    ctx.stash.closed = `poll "${poll.id}" (input.pollId) closed at ${poll.closedAt ?? poll.closesAt}`;
    return poll;
  }
  if (!poll.options.some((option) => option.id === vote.optionId)) {
    const known = poll.options.map((option) => option.id).join(', ');
    refuse(
      ErrorType.InvalidOption,
      `input.optionId "${vote.optionId}" is not an option of poll "${poll.id}" (options: ${known})`,
    );
  }
  checkDemographics(vote, poll);
  return poll;
}
