/**
 * When the client retries a call, and how long it waits first.
 *
 * Retried: no answer at all (network failure or timeout), any 5xx, 429, and the 409 that means
 * "the first request with this Idempotency-Key is still running". Nothing else: another 4xx
 * would fail the same way again. POSTs are safe to retry because every one carries an
 * `Idempotency-Key` that stays the same across its retries.
 *
 * The wait is exponential backoff with full jitter (a uniform draw below the capped exponential,
 * so that clients that failed together do not retry together), unless the API said how long in
 * `Retry-After`, which is then honoured as given.
 */
import type { RandomFill } from './random.js';

/** First backoff ceiling, doubled per retry up to `MAX_BACKOFF_MS`. */
export const INITIAL_BACKOFF_MS = 500;
export const MAX_BACKOFF_MS = 8_000;
/** A `Retry-After` longer than this is not waited for: the call fails with the API's error. */
export const MAX_RETRY_AFTER_MS = 60_000;

/** Whether an answer with this status and error code is worth another attempt. */
export function isRetryableStatus(status: number, code: string | undefined): boolean {
  return status >= 500 || status === 429 || (status === 409 && code === 'idempotency_request_in_progress');
}

/** Milliseconds to wait before retry number `retry` (0 for the first retry). */
export function backoffDelay(retry: number, random: RandomFill): number {
  const ceiling = Math.min(MAX_BACKOFF_MS, INITIAL_BACKOFF_MS * 2 ** retry);
  return Math.floor(ceiling * uniform(random));
}

/**
 * A `Retry-After` header in milliseconds: delta-seconds or an HTTP date (RFC 9110 §10.2.3);
 * `undefined` when absent or unreadable.
 */
export function parseRetryAfter(value: string | null, nowMs: number): number | undefined {
  if (value === null) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, date - nowMs);
}

/** A uniform draw in [0, 1) from the host's random source. */
function uniform(random: RandomFill): number {
  const bytes = new Uint8Array(4);
  random(bytes);
  return new DataView(bytes.buffer).getUint32(0) / 2 ** 32;
}

/** Resolves after `ms`, or rejects with the signal's reason when it aborts first. */
export function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
