import { randomBytes, randomFillSync, randomUUID } from 'node:crypto';

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
// KSUID timestamps count seconds from this epoch (2014-05-13T16:53:20Z), per the KSUID specification.
const KSUID_EPOCH_SECONDS = 1_400_000_000;

/** `util.autoId()`: a random (version 4) UUID. */
export function autoId(): string {
  return randomUUID();
}

/** Crockford's base32, the alphabet of ULIDs. */
const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/**
 * Random bytes drawn in blocks: one system call per 4 KB instead of one per ULID (the castVote pipeline
 * makes a ULID per vote, and per-call randomness was the evaluator's largest single cost).
 */
const pool = Buffer.alloc(4096);
let poolOffset = pool.length;

function randomBytesFromPool(count: number): Buffer {
  if (poolOffset + count > pool.length) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  const bytes = pool.subarray(poolOffset, poolOffset + count);
  poolOffset += count;
  return bytes;
}

/**
 * `util.autoUlid()`: a 26-character ULID: 48 bits of milliseconds (10 characters) then 80 random bits
 * (16 characters), in Crockford's base32, so ids sort by time.
 *
 * @param nowMs - the clock, injectable for tests
 */
export function autoUlid(nowMs: number = Date.now()): string {
  let time = '';
  let ms = nowMs;
  for (let i = 0; i < 10; i++) {
    time = CROCKFORD[ms % 32] + time;
    ms = Math.floor(ms / 32);
  }
  const random = randomBytesFromPool(10);
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of random) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += CROCKFORD[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
    value &= (1 << bits) - 1;
  }
  return time + out;
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
