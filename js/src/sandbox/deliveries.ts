/**
 * Webhook deliveries, carried out for the core. The core decides what is due, signs it and
 * records each outcome (`src/sandbox/outbox.rs`); this module only sends: it POSTs each
 * delivery through the `deliver` option (a `fetch`, or an in-process handler), with a 10-second
 * wall-clock limit, measures how long the receiver took, and hands the outcome back.
 *
 * A delivery starts only once the API response that caused it was released, in a later task
 * (so the caller's code after `await sandbox.fetch(…)` runs first, even with a synchronous
 * in-process handler), and it is never awaited by that response. `settled()` is what tests
 * await instead of sleeping.
 */
import type { SandboxDeliver } from './options.js';

/** One delivery as `SandboxCore.takeDeliveries` hands it out. */
export interface OutgoingDelivery {
  id: string;
  url: string;
  headers: [string, string][];
  /** The event's JSON, exactly the bytes signed. */
  body: string;
}

/** What became of a delivery, as `SandboxCore.recordDelivery` reads it. */
export interface DeliveryResult {
  id: string;
  /** The receiver's HTTP status; `null` when none came. */
  status: number | null;
  durationMs: number;
  /** Why no status came: `timeout`, or the error `deliver` threw. */
  error: string | null;
}

/** How long a receiver may take, wall-clock, before the attempt counts as failed. */
export const DELIVERY_TIMEOUT_MS = 10_000;

const TIMED_OUT: unique symbol = Symbol('timed out');

/**
 * Sends deliveries and reports their outcomes. `L` is the sandbox's handle on the core the
 * deliveries came from: `record` stores an outcome there (and returns the promise of its change
 * records being stored, after which anything it made due has been handed to `send` again).
 */
export class Courier<L> {
  readonly #deliver: SandboxDeliver;
  readonly #record: (live: L, result: DeliveryResult) => Promise<void> | undefined;
  /** Deliveries handed to `send` whose outcome is not stored yet. */
  #pending = 0;
  #waiters: (() => void)[] = [];

  constructor(deliver: SandboxDeliver, record: (live: L, result: DeliveryResult) => Promise<void> | undefined) {
    this.#deliver = deliver;
    this.#record = record;
  }

  /**
   * Sends `deliveries` once `released` resolved (the response that caused them, or the outcome
   * that made them due, is stored). If it rejects, their state never reached storage: they are
   * dropped, and the sandbox reloaded from storage makes due whatever storage holds.
   */
  send(live: L, deliveries: readonly OutgoingDelivery[], released: Promise<void> | undefined): void {
    if (deliveries.length === 0) return;
    this.#pending += deliveries.length;
    const start = (): void => {
      setTimeout(() => {
        for (const delivery of deliveries) void this.#attempt(live, delivery);
      }, 0);
    };
    if (released === undefined) start();
    else released.then(start, () => this.#done(deliveries.length));
  }

  /** Resolves when every delivery sent so far, and everything it made due, is answered and stored. */
  settled(): Promise<void> {
    if (this.#pending === 0) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  async #attempt(live: L, delivery: OutgoingDelivery): Promise<void> {
    try {
      const result = await send(this.#deliver, delivery);
      // Whatever the outcome made due is handed to `send` before this one counts as done.
      await this.#record(live, result);
    } catch {
      // Storing the outcome failed: the sandbox reloads from storage, where the delivery is
      // still pending, and sends it again then.
    } finally {
      this.#done(1);
    }
  }

  #done(count: number): void {
    this.#pending -= count;
    if (this.#pending > 0) return;
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const resolve of waiters) resolve();
  }
}

/** One POST through `deliver`, within the time limit; never rejects. */
async function send(deliver: SandboxDeliver, delivery: OutgoingDelivery): Promise<DeliveryResult> {
  const controller = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  // A handler that ignores the signal still times out: the timer wins the race.
  const timeout = new Promise<typeof TIMED_OUT>((resolve) => {
    timer = setTimeout(() => {
      resolve(TIMED_OUT);
      controller.abort(new DOMException('the webhook receiver did not answer within 10 s', 'TimeoutError'));
    }, DELIVERY_TIMEOUT_MS);
    // On Node, a pending receiver must not keep the process alive through this timer alone.
    (timer as { unref?: () => void }).unref?.();
  });
  const started = now();
  const result = (status: number | null, error: string | null): DeliveryResult => ({
    id: delivery.id,
    status,
    durationMs: Math.max(0, Math.round(now() - started)),
    error,
  });
  try {
    const request = new Request(delivery.url, {
      method: 'POST',
      headers: delivery.headers,
      body: delivery.body,
      signal: controller.signal,
    });
    const answered = Promise.resolve().then(() => deliver(request));
    // Settles after the race too (a late failure of a timed-out request): never unhandled.
    answered.catch(noop);
    const outcome = await Promise.race([answered, timeout]);
    if (outcome === TIMED_OUT) return result(null, 'timeout');
    // Read by shape, not `instanceof`: a handler's Response may come from another realm or a
    // polyfill.
    const status = (outcome as { status?: unknown } | null | undefined)?.status;
    if (typeof status !== 'number' || !Number.isInteger(status) || status < 0 || status > 999) {
      return result(null, 'deliver did not return a Response');
    }
    // Only the status counts; release the body (and its connection).
    (outcome as Response).body?.cancel().catch(noop);
    return result(status, null);
  } catch (e) {
    return result(null, describe(e));
  } finally {
    clearTimeout(timer);
  }
}

/** A thrown value as one line: `fetch failed: connect ECONNREFUSED 127.0.0.1:9`. */
function describe(e: unknown): string {
  if (!(e instanceof Error)) return String(e);
  const cause = e.cause instanceof Error ? `: ${e.cause.message}` : '';
  return `${e.message}${cause}`;
}

function now(): number {
  return typeof performance !== 'undefined' ? performance.now() : Date.now();
}

function noop(): void {}
