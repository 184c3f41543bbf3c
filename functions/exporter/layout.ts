/**
 * Where each object of the export lives in the bucket:
 *
 *     votes/poll=<pollId>/date=<yyyy-mm-dd>/<pollId>-<seq 6 digits>-<part 3 digits>.csv.gz
 *     results/poll=<pollId>/results.json
 *     manifests/poll=<pollId>.json  (one poll's parts, for an ad-hoc QuickSight S3 source)
 *
 * Everything under votes/ is the stack's Athena table (infra/analytics.ts): nothing else may be put there.
 *
 * A part's name is fixed by the run (seq) before its first row is written, so a repeated run rewrites the
 * same objects.
 */

/** The folder of all of a poll's parts. */
export function votesPrefix(pollId: string): string {
  return `votes/poll=${pollId}/`;
}

/** Part `index` of run `seq` of a poll, in the date folder of the run. */
export function partKey(pollId: string, date: string, seq: number, index: number): string {
  const name = `${pollId}-${String(seq).padStart(6, '0')}-${String(index).padStart(3, '0')}.csv.gz`;
  return `${votesPrefix(pollId)}date=${date}/${name}`;
}

/** Whether a key under the votes folder is a part. */
export function isPartKey(key: string): boolean {
  return key.endsWith('.csv.gz');
}

/** The poll's results snapshot (replaced when the results change). */
export function resultsKey(pollId: string): string {
  return `results/poll=${pollId}/results.json`;
}

/** The poll's QuickSight manifest. */
export function manifestKey(pollId: string): string {
  return `manifests/poll=${pollId}.json`;
}

/** The folder holding every poll's parts: the location of the stack's Athena table. */
export const VOTES_ROOT = 'votes/';
