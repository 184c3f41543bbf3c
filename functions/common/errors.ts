/**
 * Errors of the functions: one base class, named subclasses that carry their context and a cause.
 */

/** Base of every error the functions raise on purpose. */
export class FunctionError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** An environment variable is missing or malformed. */
export class ConfigError extends FunctionError {
  constructor(
    readonly variable: string,
    problem: string,
  ) {
    super(`${variable} ${problem}`);
  }
}

/** publishResults was refused or could not be sent. */
export class PublishError extends FunctionError {
  constructor(
    readonly pollId: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`publishResults for poll ${pollId}: ${message}`, options);
  }
}

/** The count transaction lost a race for a stream shard's checkpoint too many times in a row. */
export class CheckpointContentionError extends FunctionError {
  constructor(
    readonly shardId: string,
    attempts: number,
  ) {
    super(`checkpoint of stream shard ${shardId} kept moving under us (${attempts} attempts)`);
  }
}
