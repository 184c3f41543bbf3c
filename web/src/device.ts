/**
 * One voter token per device (browser profile): made once with crypto.randomUUID and kept in localStorage,
 * so castVote's "one vote per voter" holds per device. The ballot of the last receipt a device got is kept per
 * poll, so the vote page can show it (and offer to change it where the poll allows).
 */
import { parseRemembered, type RememberedBallot } from './kept-receipt.ts';

const TOKEN_KEY = 'live-polls.voterToken';

function randomId(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  // randomUUID needs a secure context (https or localhost); a phone on a LAN address has neither.
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
}

/** This device's voter token, or null when storage is unavailable (then castVote says VoterTokenRequired). */
export function voterToken(): string | null {
  try {
    let token = localStorage.getItem(TOKEN_KEY);
    if (!token) {
      token = randomId();
      localStorage.setItem(TOKEN_KEY, token);
    }
    return token;
  } catch {
    return null;
  }
}

/** A fresh idempotency key for one vote attempt (a retry of the same attempt reuses it). */
export function idempotencyKey(): string {
  return randomId();
}

const voteKey = (pollId: string) => `live-polls.vote.${pollId}`;

/** Keeps the receipt's ballot for `pollId` (a changed vote replaces the one kept before). */
export function rememberVote(
  pollId: string,
  receipt: { readonly optionIds: readonly string[]; readonly voteId: string; readonly castAt: string },
): void {
  try {
    const kept: RememberedBallot = {
      optionIds: [...receipt.optionIds],
      voteId: receipt.voteId,
      castAt: receipt.castAt,
    };
    localStorage.setItem(voteKey(pollId), JSON.stringify(kept));
  } catch {
    // storage unavailable: nothing to remember
  }
}

/** The ballot this device was given a receipt for in `pollId`, or null. */
export function rememberedVote(pollId: string): RememberedBallot | null {
  try {
    return parseRemembered(localStorage.getItem(voteKey(pollId)));
  } catch {
    return null;
  }
}
