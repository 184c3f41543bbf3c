import { util } from '@aws-appsync/utils';
import { comparableInstant } from './instant.ts';

/**
 * The current instant in the stored, fixed-width form (see comparableInstant). Read it once per request
 * and decide and store with that one reading, so what a resolver decided and what it stored never differ.
 */
export function nowInstant(): string {
  return comparableInstant(util.time.nowISO8601());
}
