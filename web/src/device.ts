/**
 * One voter token per device (browser profile): made once with crypto.randomUUID and kept in localStorage,
 * so castVote's "one vote per voter" holds per device. The vote a device cast is remembered per poll so the
 * vote page can say so.
 */
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

export function rememberVote(pollId: string, optionId: string): void {
  try {
    localStorage.setItem(`live-polls.vote.${pollId}`, optionId);
  } catch {
    // storage unavailable: nothing to remember
  }
}

export function rememberedVote(pollId: string): string | null {
  try {
    return localStorage.getItem(`live-polls.vote.${pollId}`);
  } catch {
    return null;
  }
}
