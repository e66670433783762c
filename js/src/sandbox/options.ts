/**
 * `createSandbox(options)`: the options, checked the way `new Vinr(...)` checks its own (an
 * unknown option is an error naming it). JS checks only what JS must know (that a function is
 * a function); the values the core uses (the rate limit) are checked by the core, which parses
 * the configuration this module writes.
 */
import { checkKnownOptions } from '../checks.js';
import { VinrConfigurationError } from '../errors.js';
import { pooledCryptoRandom, type RandomFill } from '../random.js';
import type { SandboxStorage } from './storage.js';

/** The sandbox's request rate limit, per API key, like the live API's. */
export interface SandboxRateLimit {
  /** Sustained requests per second. */
  requestsPerSecond: number;
  /** How many requests may arrive at once above the sustained rate. Default: the core's. */
  burst?: number | undefined;
}

/**
 * How the sandbox sends a webhook delivery: called as
 * `deliver(new Request(url, { method: 'POST', headers, body, signal }))`, so both a `fetch` and an
 * in-process handler (`(req) => Response | Promise<Response>`) fit. A 2xx answer succeeds; any
 * other status, a thrown error or no answer within 10 s (the signal then aborts) fails the attempt.
 */
export type SandboxDeliver = (request: Request) => Response | Promise<Response>;

/** Options of `createSandbox(...)`. Every option is checked; an unknown one is an error. */
export interface SandboxOptions {
  /**
   * Where the sandbox keeps its state (`memoryStorage()`, later a file or IndexedDB). Without
   * one, the state lives in memory only and ends with the sandbox; with one, every request's
   * changes are stored before its response is released, and a new sandbox on the same storage
   * reopens the same account.
   */
  storage?: SandboxStorage | undefined;
  /**
   * The host clock, read on every request: milliseconds since the Unix epoch, or a `Date`.
   * Default `Date.now`. Test mode's clock runs from it (plus any time the sandbox advanced).
   */
  clock?: (() => number | Date) | undefined;
  /** The random source for ids and keys (default: `crypto.getRandomValues`). Tests may seed it. */
  random?: RandomFill | undefined;
  /** Answer `429 rate_limited` above this rate, as the live API does. Default: no limit. */
  rateLimit?: SandboxRateLimit | undefined;
  /**
   * Sends webhook deliveries to the endpoints created with `POST /v1/webhooks` (default:
   * `globalThis.fetch`). Pass an in-process handler to receive them without a server, e.g.
   * `deliver: (req) => app.fetch(req)`. See `SandboxDeliver`.
   */
  deliver?: SandboxDeliver | undefined;
}

/** The options, checked, with their defaults. */
export interface ResolvedOptions {
  storage: SandboxStorage | undefined;
  clock: () => number | Date;
  random: RandomFill;
  deliver: SandboxDeliver;
  /** The configuration `SandboxCore.create`/`restore` take (see `src/wasm/sandbox.rs`). */
  config: string;
}

const KNOWN_OPTIONS: ReadonlySet<string> = /* @__PURE__ */ new Set(['storage', 'clock', 'random', 'rateLimit', 'deliver']);
const KNOWN_RATE_LIMIT: ReadonlySet<string> = /* @__PURE__ */ new Set(['requestsPerSecond', 'burst']);

export function resolveOptions(options: unknown): ResolvedOptions {
  if (options === undefined) options = {};
  if (!isPlainObject(options)) {
    throw configError('createSandbox options must be an object such as { storage: memoryStorage() }', 'option_invalid', undefined);
  }
  checkKnownOptions(options, KNOWN_OPTIONS);
  const { storage, clock, random, rateLimit, deliver } = options as SandboxOptions;

  if (storage !== undefined && !isStorage(storage)) {
    throw configError('storage must be an adapter with load() and append(batch) methods, such as memoryStorage()', 'option_invalid', 'storage');
  }
  if (clock !== undefined && typeof clock !== 'function') {
    throw configError('clock must be a function returning milliseconds since the epoch or a Date, like Date.now', 'option_invalid', 'clock');
  }
  if (random !== undefined && typeof random !== 'function') {
    throw configError('random must be a function (bytes: Uint8Array) => void', 'option_invalid', 'random');
  }
  if (deliver !== undefined && typeof deliver !== 'function') {
    throw configError(
      'deliver must be a function (request: Request) => Response | Promise<Response>, such as fetch or an in-process handler',
      'option_invalid',
      'deliver',
    );
  }
  return {
    storage,
    clock: clock ?? Date.now,
    // Pooled: the core draws 64 bytes per request, and one platform call per request cost more
    // than a third of a request's time on Node.
    random: random ?? pooledCryptoRandom(),
    // Looked up when a delivery is sent, so a runtime without fetch fails that attempt only.
    deliver: deliver ?? ((request) => globalThis.fetch(request)),
    config: JSON.stringify({ recordChanges: storage !== undefined, rateLimit: rateLimitConfig(rateLimit) }),
  };
}

function rateLimitConfig(value: unknown): { requestsPerSecond: number; burst?: number } | null {
  if (value === undefined) return null;
  if (!isPlainObject(value)) {
    throw configError('rateLimit must be an object such as { requestsPerSecond: 25, burst: 50 }', 'option_invalid', 'rateLimit');
  }
  checkKnownOptions(value, KNOWN_RATE_LIMIT, 'rateLimit.');
  const { requestsPerSecond, burst } = value as Partial<SandboxRateLimit>;
  if (typeof requestsPerSecond !== 'number') {
    throw configError('rateLimit.requestsPerSecond must be a number', 'option_invalid', 'rateLimit.requestsPerSecond');
  }
  if (burst !== undefined && typeof burst !== 'number') {
    throw configError('rateLimit.burst must be a number', 'option_invalid', 'rateLimit.burst');
  }
  // The core checks the values (and chooses the default burst): one rule, in one place.
  return burst === undefined ? { requestsPerSecond } : { requestsPerSecond, burst };
}

function isStorage(value: unknown): value is SandboxStorage {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { load?: unknown }).load === 'function' &&
    typeof (value as { append?: unknown }).append === 'function'
  );
}

function isPlainObject(value: unknown): value is object {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function configError(message: string, code: string, param: string | undefined): VinrConfigurationError {
  return new VinrConfigurationError(message, { code, param });
}
