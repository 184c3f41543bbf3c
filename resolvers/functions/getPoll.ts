/**
 * Reads a poll's canonical item (strongly consistent: admins act on what is stored now) for the pipeline,
 * refusing with PollNotFound when there is none. Expects ctx.stash.pollId.
 */
import { type Context, util } from '@aws-appsync/utils';
import { ErrorType } from '../lib/constants.ts';
import { failWith, refuse } from '../lib/errors.ts';
import { pollKey } from '../lib/keys.ts';
import type { PollItem } from '../lib/poll.ts';

export function request(ctx: Context) {
  return {
    operation: 'GetItem',
    key: util.dynamodb.toMapValues(pollKey(ctx.stash.pollId)),
    consistentRead: true,
  };
}

export function response(ctx: Context): PollItem {
  if (ctx.error) {
    failWith(ctx.error);
  }
  if (!ctx.result) {
    refuse(ErrorType.PollNotFound, `poll "${ctx.stash.pollId}" was not found`);
  }
  return ctx.result as PollItem;
}
