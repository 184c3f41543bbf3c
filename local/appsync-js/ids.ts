import { randomBytes, randomUUID } from 'node:crypto';
import { ulid } from 'ulid';

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
// KSUID timestamps count seconds from this epoch (2014-05-13T16:53:20Z), per the KSUID specification.
const KSUID_EPOCH_SECONDS = 1_400_000_000;

/** `util.autoId()`: a random (version 4) UUID. */
export function autoId(): string {
  return randomUUID();
}

/** `util.autoUlid()`: a 26-character ULID, time-ordered. */
export function autoUlid(): string {
  return ulid();
}

/**
 * `util.autoKsuid()`: a KSUID, 20 bytes (a 32-bit timestamp then 128 random bits) written in base62 as
 * 27 characters.
 *
 * @param nowMs - the clock, injectable for tests
 */
export function autoKsuid(nowMs: number = Date.now()): string {
  const bytes = Buffer.alloc(20);
  bytes.writeUInt32BE(Math.floor(nowMs / 1000) - KSUID_EPOCH_SECONDS, 0);
  randomBytes(16).copy(bytes, 4);
  let value = BigInt(`0x${bytes.toString('hex')}`);
  let out = '';
  while (value > 0n) {
    out = BASE62[Number(value % 62n)] + out;
    value /= 62n;
  }
  return out.padStart(27, '0');
}
