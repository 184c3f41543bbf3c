/**
 * The exporter's state per poll, one item in the polls table (`EXPORT#<pollId>` / `WATERMARK`):
 *
 * - `buckets`: the last exported voteId of each export bucket (`00`..`63`); a run reads `voteId > it`.
 * - `seq`: how many runs have committed; a run's parts are named after the seq it will commit.
 * - `pending`: the run in progress, stored before its first part is written: its seq, the upper bound of
 *   the voteIds it exports, its date folder, and who holds it until when. A run that dies leaves it behind,
 *   and the next run past the lease repeats it exactly (same bounds, same part names), so the parts it
 *   rewrites replace the ones already written instead of adding rows.
 * - `results`: the total and status of the last results snapshot written.
 *
 * The watermark moves only in `commit`, after the parts are stored, and only for the holder of the run.
 */
import { type DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { exportWatermarkKey } from '../common/keys.ts';

/** A run of the export of one poll, stored while it is in progress. */
export interface ExportPlan {
  /** The seq this run commits (the previous seq + 1). */
  readonly seq: number;
  /** The greatest voteId the run exports (a ULID: a time prefix, then all Zs). */
  readonly upper: string;
  /** The UTC date (yyyy-mm-dd) of the upper bound: the part folder. */
  readonly date: string;
  /** The run holding the plan. */
  readonly owner: string;
  /** Until when (ISO-8601) the holder may finish; after that another run may take the plan over. */
  readonly leaseUntil: string;
}

/** The last results snapshot written. */
export interface SnapshotMark {
  /** The version of the totals snapshotted (functions/common/counts.ts, versionOf); stored as `total`. */
  readonly total: number;
  readonly status: string;
}

/** A poll's export state. A poll never exported has seq 0, no bucket marks and no pending run. */
export interface Watermark {
  readonly seq: number;
  readonly buckets: Readonly<Record<string, string>>;
  readonly exported: number;
  readonly pending: ExportPlan | null;
  readonly results: SnapshotMark | null;
}

function conditionFailed(error: unknown): boolean {
  return (error as { name?: string }).name === 'ConditionalCheckFailedException';
}

/** Reads and moves watermarks, each change conditional on the state it was decided from. */
export class WatermarkStore {
  constructor(
    private readonly dynamo: DynamoDBDocumentClient,
    private readonly pollsTable: string,
  ) {}

  /** The poll's state, read strongly consistent. */
  async read(pollId: string): Promise<Watermark> {
    const { Item } = await this.dynamo.send(
      new GetCommand({ TableName: this.pollsTable, Key: exportWatermarkKey(pollId), ConsistentRead: true }),
    );
    return {
      seq: (Item?.seq as number | undefined) ?? 0,
      buckets: (Item?.buckets as Record<string, string> | undefined) ?? {},
      exported: (Item?.exported as number | undefined) ?? 0,
      pending: (Item?.pending as ExportPlan | undefined) ?? null,
      results: (Item?.results as SnapshotMark | undefined) ?? null,
    };
  }

  /** Stores a new run, unless another one is pending or has committed since. Returns whether it did. */
  async start(pollId: string, plan: ExportPlan): Promise<boolean> {
    return this.update(pollId, {
      UpdateExpression: 'SET #pending = :plan, pollId = :pollId',
      ConditionExpression:
        'attribute_not_exists(#pending) AND (attribute_not_exists(#seq) OR #seq = :previous)',
      ExpressionAttributeNames: { '#pending': 'pending', '#seq': 'seq' },
      ExpressionAttributeValues: { ':plan': plan, ':pollId': pollId, ':previous': plan.seq - 1 },
    });
  }

  /** Takes over a pending run whose lease ran out, as `plan` (same bounds, new holder and lease). */
  async takeOver(pollId: string, previousOwner: string, plan: ExportPlan): Promise<boolean> {
    return this.update(pollId, {
      UpdateExpression: 'SET #pending = :plan',
      ConditionExpression: '#pending.#owner = :previous',
      ExpressionAttributeNames: { '#pending': 'pending', '#owner': 'owner' },
      ExpressionAttributeValues: { ':plan': plan, ':previous': previousOwner },
    });
  }

  /**
   * Commits a run: moves the bucket marks, sets seq, counts the rows and clears the pending run, if this
   * run still holds it. Returns whether it did.
   */
  async commit(
    pollId: string,
    plan: ExportPlan,
    buckets: Readonly<Record<string, string>>,
    rows: number,
    now: string,
  ): Promise<boolean> {
    return this.update(pollId, {
      UpdateExpression:
        'SET #buckets = :buckets, #seq = :seq, #exported = if_not_exists(#exported, :zero) + :rows, ' +
        'updatedAt = :now REMOVE #pending',
      ConditionExpression: '#pending.#owner = :owner AND #pending.#seq = :seq',
      ExpressionAttributeNames: {
        '#buckets': 'buckets',
        '#seq': 'seq',
        '#exported': 'exported',
        '#pending': 'pending',
        '#owner': 'owner',
      },
      ExpressionAttributeValues: {
        ':buckets': buckets,
        ':seq': plan.seq,
        ':zero': 0,
        ':rows': rows,
        ':now': now,
        ':owner': plan.owner,
      },
    });
  }

  /** Records the results snapshot last written. */
  async recordSnapshot(pollId: string, mark: SnapshotMark): Promise<void> {
    await this.update(pollId, {
      UpdateExpression: 'SET #results = :mark, pollId = :pollId',
      ExpressionAttributeNames: { '#results': 'results' },
      ExpressionAttributeValues: { ':mark': mark, ':pollId': pollId },
    });
  }

  private async update(
    pollId: string,
    expression: Omit<ConstructorParameters<typeof UpdateCommand>[0], 'TableName' | 'Key'>,
  ): Promise<boolean> {
    try {
      await this.dynamo.send(
        new UpdateCommand({ TableName: this.pollsTable, Key: exportWatermarkKey(pollId), ...expression }),
      );
      return true;
    } catch (error) {
      if (conditionFailed(error)) return false;
      throw error;
    }
  }
}
