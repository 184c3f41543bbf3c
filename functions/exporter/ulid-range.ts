/**
 * Bounds on voteIds (ULIDs) for the byExportBucket key condition. A ULID is 10 characters of millisecond
 * time then 16 random ones, all Crockford base32, so string order is time order and a time prefix bounds a
 * range exactly.
 */
import { encodeTime, incrementBase32, MIN_ULID } from 'ulid';

const RANDOM_MAX = 'ZZZZZZZZZZZZZZZZ';

/**
 * The greatest ULID of millisecond `cutoffMs`: `voteId <= upperBound(t)` keeps votes whose ULID time is
 * at or before `t` and none after it.
 */
export function upperBound(cutoffMs: number): string {
  return `${encodeTime(Math.max(0, cutoffMs))}${RANDOM_MAX}`;
}

/**
 * The smallest ULID after `watermark` (the last exported voteId), or the smallest ULID when nothing was
 * exported: `voteId >= lowerBound(w)` is `voteId > w`, in a key condition that only has BETWEEN.
 */
export function lowerBound(watermark: string | null): string {
  return watermark === null ? MIN_ULID : incrementBase32(watermark);
}
