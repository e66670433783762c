/**
 * `createSandbox()`: the in-process VINR API. The whole simulator is the Rust core
 * (`src/sandbox/`, bound in `src/wasm/sandbox.rs`); this face decides nothing. It turns a
 * `fetch` call into one `SandboxCore.handle`, hands the change records to the storage adapter
 * in order, and releases the `Response` once they are stored.
 *
 * The lifecycle of the core object behind a sandbox ("live"):
 * - opened from storage (`load` → `restore`, or `create` for an empty one) when the sandbox is
 *   created, synchronously if the adapter answers synchronously;
 * - retired when its state can no longer be trusted: an append failed (memory is ahead of
 *   storage), or a panic dropped the Wasm instance it lives in (a panic in any sandbox drops
 *   the shared instance);
 * - reopened from storage, after every pending append settled, before the next request is
 *   served. Without storage there is nothing to reopen from: the sandbox is then lost, and says
 *   so on every call.
 */
import { VinrConfigurationError, VinrError, VinrInternalError, VinrStorageError } from '../errors.js';
import type { RandomFill } from '../random.js';
import type { CoreErrorFields } from '../wasm-instance.js';
import { engineWasm, type EngineExports, type SandboxCore } from '../engine-core.js';
import { Courier, type DeliveryResult, type OutgoingDelivery } from './deliveries.js';
import { abortable, abortReason, readRequest, released, type SandboxAnswer, type SandboxRequest } from './http.js';
import { Journal } from './journal.js';
import { resolveOptions, type SandboxOptions } from './options.js';
import { isThenable, type SandboxStorage, type SandboxStorageContents } from './storage.js';

/** One mode's keys of the sandbox account's Owner. */
export interface SandboxKeyPair {
  /** `sk_test_…` or `sk_live_…`: for servers (`new Vinr({ secretKey })`, `Authorization: Bearer`). */
  readonly secretKey: string;
  /** `pk_test_…` or `pk_live_…`: for browsers (creating payment methods). */
  readonly publishableKey: string;
}

/** The sandbox account Owner's API keys, for both modes. */
export interface SandboxKeys {
  readonly test: SandboxKeyPair;
  readonly live: SandboxKeyPair;
}

/** An in-process, stateful VINR API. See `createSandbox`. */
export interface Sandbox {
  /**
   * The account Owner's keys. Available as soon as the sandbox is loaded: at once with no
   * storage or a synchronous adapter; with an asynchronous one, after `await sandbox.ready`
   * (before that it throws a `VinrError` with code `sandbox_not_ready`).
   */
  readonly keys: SandboxKeys;
  /**
   * Resolves once the sandbox is loaded from its storage (and a new account's first records are
   * stored); rejects with `VinrStorageError` if that failed. Already resolved without storage or
   * with a synchronous adapter. `fetch` waits for it on its own.
   */
  readonly ready: Promise<void>;
  /**
   * The VINR API, with the platform `fetch`'s signature: pass it wherever a `fetch` goes (it is
   * bound, so `sandbox.fetch` can be handed around alone). The URL may have any origin
   * (`https://sandbox.api.vinr.com/v1/payments`) or be a bare path (`/v1/payments`). Every API
   * answer, errors included, is a `Response` with the API's status and error envelope; the
   * promise rejects only where `fetch` would (a `TypeError` for malformed arguments, the signal's
   * `AbortError`) and with `VinrStorageError` when the storage adapter failed to store this
   * request's changes (or an earlier request's that this one's response depended on).
   */
  readonly fetch: (input: string | URL | Request, init?: RequestInit) => Promise<Response>;
  /**
   * The whole state, deterministically encoded (equal states give equal bytes); give it to
   * `memoryStorage({ snapshot, batches: [] })` to start another sandbox from it. It includes
   * changes whose storage is still pending.
   */
  snapshot(): Uint8Array;
  /** The sandbox's test-mode time: the host clock plus any time the sandbox advanced. */
  now(): Date;
  /**
   * Resolves once every webhook delivery sent so far, and every retry or replay it made due,
   * has been answered (or timed out) and its outcome stored. Deliveries go out through the
   * `deliver` option after the response that caused them is released; await this in tests
   * instead of sleeping. Retries scheduled later on the sandbox clock are not waited for: they
   * go out when a request (`POST /v1/test_helpers/clock/advance`) makes them due.
   */
  settled(): Promise<void>;
}

/**
 * A new in-process VINR API: an account with an Owner, test and live modes, and their keys.
 *
 * ```ts
 * import { createSandbox } from '@vinr/sdk/sandbox';
 * const sandbox = createSandbox();
 * const res = await sandbox.fetch('/v1/payments', {
 *   method: 'POST',
 *   headers: { authorization: `Bearer ${sandbox.keys.test.secretKey}`, 'content-type': 'application/json' },
 *   body: JSON.stringify({ amount: 1000, currency: 'EUR', paymentMethod: 'pm_…' }),
 * });
 * ```
 *
 * With `storage`, the sandbox opens what the adapter holds (or a new account if it is empty).
 * Throws `VinrConfigurationError` for malformed options, and synchronously, with a synchronous
 * adapter, whatever loading it failed with (`VinrStorageError`).
 */
export function createSandbox(options?: SandboxOptions): Sandbox {
  return new SandboxImpl(options);
}

interface Live {
  /** The Wasm instance `core` lives in; it is dead once a panic dropped that instance. */
  exports: EngineExports;
  core: SandboxCore;
  /** Present when there is storage. */
  journal: Journal | undefined;
  keys: SandboxKeys;
}

const noop = (): void => {};

/** The key of `SandboxImpl`'s way in for the HTTP server: this module's own, never exported. */
const SERVE = Symbol('serve');

/**
 * The local server's way in (internal: no entry exports it): one request that arrived over
 * HTTP, as primitives (see `rawRequest`), through exactly what `sandbox.fetch` runs after it
 * read its arguments, and its answer as primitives instead of a `Response`. Synchronous when
 * `sandbox.fetch` would have handled it in the caller's turn. `undefined` when `sandbox` is
 * not this module's (a sandbox from another copy of the package, or a wrapper): serve it
 * through its `fetch` then.
 * @internal
 */
export function serveRequest(sandbox: Sandbox, request: SandboxRequest): SandboxAnswer | Promise<SandboxAnswer> | undefined {
  return sandbox instanceof SandboxImpl ? sandbox[SERVE](request) : undefined;
}

class SandboxImpl implements Sandbox {
  readonly ready: Promise<void>;
  readonly fetch: (input: string | URL | Request, init?: RequestInit) => Promise<Response>;
  readonly #storage: SandboxStorage | undefined;
  readonly #clock: () => number | Date;
  readonly #random: RandomFill;
  readonly #config: string;
  #live: Live | undefined;
  /** An open (or reopen) in progress. */
  #opening: Promise<Live> | undefined;
  /** The retired core's journal: a reopen waits until its appends settled. */
  #retired: Journal | undefined;
  /** Set when the state is gone for good (no storage to reopen from). */
  #lost: VinrInternalError | undefined;
  #keys: SandboxKeys | undefined;
  readonly #courier: Courier<Live>;

  constructor(options: SandboxOptions | undefined) {
    const resolved = resolveOptions(options);
    this.#storage = resolved.storage;
    this.#clock = resolved.clock;
    this.#random = resolved.random;
    this.#config = resolved.config;
    this.#courier = new Courier(resolved.deliver, (live, result) => this.#recordDelivery(live, result));
    this.fetch = (input, init) => this.#fetch(input, init);
    // A synchronous failure (malformed configuration, a synchronous adapter that failed)
    // throws from createSandbox; an asynchronous one rejects `ready`.
    const opened = this.#acquire();
    if (opened instanceof Promise) {
      this.ready = opened.then(noop);
      // Nobody has to await `ready`: fetch reports the same failure. Mark it handled.
      this.ready.catch(noop);
    } else {
      this.ready = Promise.resolve();
    }
  }

  get keys(): SandboxKeys {
    return this.#keys ?? this.#acquireNow().keys;
  }

  snapshot(): Uint8Array {
    const { core } = this.#acquireNow();
    return engineWasm.call(() => core.snapshot());
  }

  now(): Date {
    const { core } = this.#acquireNow();
    const host = this.#hostNow();
    return new Date(engineWasm.call(() => core.testModeNow(host), coreConfigError));
  }

  settled(): Promise<void> {
    return this.#courier.settled();
  }

  /** See `serveRequest`. */
  [SERVE](request: SandboxRequest): SandboxAnswer | Promise<SandboxAnswer> {
    return this.#serve(request);
  }

  #fetch(input: string | URL | Request, init: RequestInit | undefined): Promise<Response> {
    try {
      const request = readRequest(input, init);
      const { signal } = request;
      if (signal?.aborted) return Promise.reject(abortReason(signal));
      const answer = this.#serve(request);
      return abortable(answer instanceof Promise ? answer.then(released) : released(answer), signal);
    } catch (e) {
      return Promise.reject(e);
    }
  }

  /**
   * The one way a request reaches the core, for `fetch` and the HTTP server alike (see
   * `serveRequest`). The common case runs the core right here, in the caller's turn: no
   * microtask before the request is handled, so requests reach the core in the order of the
   * calls. Throws (or rejects) what `fetch` rejects with.
   */
  #serve(request: SandboxRequest): SandboxAnswer | Promise<SandboxAnswer> {
    const { body } = request;
    if (!(body instanceof Promise)) {
      const live = this.#acquire();
      if (!(live instanceof Promise)) return this.#dispatch(live, request, body);
      // fetch takes the body when it is called; the caller may reuse the array meanwhile.
      return this.#serveLater(request, body.slice());
    }
    return this.#serveLater(request, body);
  }

  /** A request that must wait: for its body, or for the sandbox to (re)open. */
  async #serveLater(request: SandboxRequest, body: Uint8Array | Promise<Uint8Array>): Promise<SandboxAnswer> {
    const { signal } = request;
    const bytes = await abortable(body, signal);
    let live = this.#acquire();
    while (live instanceof Promise) {
      await abortable(live, signal);
      live = this.#acquire(); // another request may have retired it meanwhile
    }
    if (signal?.aborted) throw abortReason(signal);
    return this.#dispatch(live, request, bytes);
  }

  /**
   * Runs one request through the core: its answer, to be released once `stored` settles (its
   * changes, and earlier ones, are stored). Throws what the core failed with.
   */
  #dispatch(live: Live, request: SandboxRequest, body: Uint8Array): SandboxAnswer {
    const { core } = live;
    // Earlier requests' answers that were waiting for storage go out first.
    live.journal?.poll();
    const host = this.#hostNow();
    let text: string;
    try {
      text = engineWasm.call(
        () => core.handle(request.method, request.url, request.headers, body, host, this.#random),
        coreConfigError,
      );
    } catch (e) {
      // The core checks the clock reading and draws the request's random bytes before it
      // applies anything, so those failures leave the state as it was. Only a panic may have
      // left it half-applied.
      if (e instanceof VinrInternalError) this.#retire(live, e);
      throw e;
    }
    const status = core.status();
    const headers = core.headers();
    // JSON is never empty: an empty text means the body is a file's bytes.
    const content = text === '' ? (core.takeBodyBytes() ?? text) : text;
    const stored = storeChanges(live);
    // The webhook deliveries the request made due (usually none: one cheap call), sent once
    // the response is released.
    const due = core.takeDeliveries(host);
    if (due !== undefined) this.#courier.send(live, JSON.parse(due) as OutgoingDelivery[], stored);
    return { status, headers, body: content, stored };
  }

  /**
   * Records a delivery's outcome in the core it came from, and stores the change records like a
   * request's; what it made due (a retry due at once, a replay that waited) is sent after them.
   * A core retired meanwhile is left alone: the one reopened from storage sends the delivery
   * again, as it is still pending there.
   */
  #recordDelivery(live: Live, result: DeliveryResult): Promise<void> | undefined {
    if (this.#live !== live || !engineWasm.isLive(live.exports) || live.journal?.failed === true) return undefined;
    const host = this.#hostNow();
    try {
      engineWasm.call(() => live.core.recordDelivery(JSON.stringify(result), host, this.#random), coreConfigError);
    } catch (e) {
      if (e instanceof VinrInternalError) this.#retire(live, e);
      throw e;
    }
    const stored = storeChanges(live);
    const due = live.core.takeDeliveries(host);
    if (due !== undefined) this.#courier.send(live, JSON.parse(due) as OutgoingDelivery[], stored);
    return stored;
  }

  /**
   * The live core, or a promise of it when it must be (re)opened asynchronously. Throws when
   * the state is lost, and whatever a synchronous reopen failed with.
   */
  #acquire(): Live | Promise<Live> {
    const live = this.#live;
    if (live !== undefined) {
      if (engineWasm.isLive(live.exports) && live.journal?.failed !== true) return live;
      this.#retire(live, undefined);
    }
    if (this.#lost !== undefined) throw this.#lost;
    if (this.#opening !== undefined) return this.#opening;
    const opened = this.#open();
    if (!(opened instanceof Promise)) return this.#setLive(opened);
    const opening = opened.then((l) => this.#setLive(l));
    this.#opening = opening;
    const clear = (): void => {
      if (this.#opening === opening) this.#opening = undefined;
    };
    opening.then(clear, clear);
    return opening;
  }

  /** For the synchronous members: the live core, or a `sandbox_not_ready` error. */
  #acquireNow(): Live {
    const live = this.#acquire();
    if (live instanceof Promise) {
      throw new VinrError('the sandbox is still loading from its storage adapter: `await sandbox.ready` before using it', {
        code: 'sandbox_not_ready',
      });
    }
    return live;
  }

  #setLive(live: Live): Live {
    this.#live = live;
    this.#keys = live.keys;
    return live;
  }

  /**
   * Stops serving from `live` (see the module comment). `cause` is what broke it during a
   * request; `undefined` when a panic elsewhere dropped the instance it lived in.
   */
  #retire(live: Live, cause: unknown): void {
    if (this.#live !== live) return;
    this.#live = undefined;
    this.#retired = live.journal;
    if (this.#storage === undefined) {
      const why =
        cause === undefined
          ? 'an internal error in the Wasm core (in another sandbox sharing its instance)'
          : 'an internal error in the Wasm core';
      this.#lost = new VinrInternalError(
        `the sandbox's state was lost to ${why}; create a new sandbox ` +
          '(give it storage, e.g. memoryStorage(), to have it reload by itself after such an error)',
        { code: 'sandbox_state_lost', cause },
      );
    }
    if (engineWasm.isLive(live.exports)) {
      const { core } = live;
      if (live.journal === undefined) core.free();
      else void live.journal.settled().then(() => engineWasm.isLive(live.exports) && core.free());
    }
  }

  /** Opens the core from storage (or a new account); synchronous when the adapter is. */
  #open(): Live | Promise<Live> {
    const storage = this.#storage;
    if (storage === undefined) return this.#start({ batches: [] }, undefined);
    const retired = this.#retired;
    this.#retired = undefined;
    const load = (): Live | Promise<Live> => chain(loadContents(storage), (contents) => this.#start(contents, storage));
    return retired?.busy === true ? retired.settled().then(load) : load();
  }

  #start(contents: SandboxStorageContents, storage: SandboxStorage | undefined): Live | Promise<Live> {
    const journal = storage === undefined ? undefined : new Journal(storage);
    let made: { exports: EngineExports; core: SandboxCore };
    if (contents.snapshot === undefined && contents.batches.length === 0) {
      const host = this.#hostNow();
      made = engineWasm.call((w) => ({ exports: w, core: w.SandboxCore.create(this.#config, host, this.#random) }), coreConfigError);
    } else {
      made = engineWasm.call(
        (w) => ({ exports: w, core: w.SandboxCore.restore(this.#config, contents.snapshot, [...contents.batches]) }),
        restoreError,
      );
    }
    const { core } = made;
    const live: Live = { ...made, journal, keys: ownerKeys(core) };
    // A new account's first records (the account itself) are stored before anyone uses it.
    const batch = core.takeChanges();
    if (batch === undefined) return live;
    const seq = core.changesSeq();
    if (journal === undefined) {
      core.commit(seq);
      return live;
    }
    const stored = journal.append(batch, () => core.commit(seq));
    return stored === undefined ? live : stored.then(() => live);
  }

  #hostNow(): number {
    const now = this.#clock();
    // The core checks the number (and answers a clear configuration error for NaN).
    return now instanceof Date ? now.getTime() : typeof now === 'number' ? now : Number.NaN;
  }
}

/**
 * Hands the change records of the core's last request (or delivery outcome) to storage; the
 * promise of them (and every earlier batch) being stored, `undefined` when nothing is pending.
 */
function storeChanges(live: Live): Promise<void> | undefined {
  const { core, exports, journal } = live;
  const batch = core.takeChanges();
  if (batch !== undefined && journal !== undefined) {
    const seq = core.changesSeq();
    const stored = journal.append(batch, () => {
      if (engineWasm.isLive(exports)) core.commit(seq);
    });
    journal.maybeCompact(() => engineWasm.call(() => core.snapshot()));
    return stored;
  }
  if (batch !== undefined) core.commit(core.changesSeq()); // nothing to store it in
  return journal?.barrier();
}

/** `storage.load()`, its failures as `VinrStorageError`, and its contents checked for shape. */
function loadContents(storage: SandboxStorage): SandboxStorageContents | Promise<SandboxStorageContents> {
  const failed = (cause: unknown): VinrStorageError =>
    new VinrStorageError("the sandbox's storage adapter failed to load", { code: 'storage_load_failed', cause });
  let loaded: SandboxStorageContents | Promise<SandboxStorageContents>;
  try {
    loaded = storage.load();
  } catch (e) {
    throw failed(e);
  }
  return isThenable(loaded)
    ? Promise.resolve(loaded).then(checkContents, (e: unknown) => {
        throw failed(e);
      })
    : checkContents(loaded);
}

function checkContents(contents: unknown): SandboxStorageContents {
  const bytes = (v: unknown): boolean => v instanceof Uint8Array;
  if (typeof contents === 'object' && contents !== null) {
    const { snapshot, batches } = contents as { snapshot?: unknown; batches?: unknown };
    if ((snapshot === undefined || bytes(snapshot)) && Array.isArray(batches) && batches.every(bytes)) {
      return contents as SandboxStorageContents;
    }
  }
  throw new VinrStorageError(
    "the sandbox's storage adapter's load() must return { snapshot?: Uint8Array, batches: Uint8Array[] }",
    { code: 'storage_contents_invalid' },
  );
}

function ownerKeys(core: SandboxCore): SandboxKeys {
  const keys = JSON.parse(engineWasm.call(() => core.ownerKeys())) as SandboxKeys;
  Object.freeze(keys.test);
  Object.freeze(keys.live);
  return Object.freeze(keys);
}

/** Core errors of `create`/`handle`/`testModeNow`: the configuration or the clock is at fault. */
function coreConfigError(fields: CoreErrorFields, cause: unknown): VinrError {
  return new VinrConfigurationError(fields.message, { code: fields.code, param: fields.param, cause });
}

/** Core errors of `restore`: a configuration field (it has a `param`), else the stored contents. */
function restoreError(fields: CoreErrorFields, cause: unknown): VinrError {
  if (fields.param !== undefined) return coreConfigError(fields, cause);
  return new VinrStorageError(`the sandbox could not restore what its storage adapter holds: ${fields.message}`, {
    code: 'storage_restore_failed',
    cause,
  });
}

function chain<T, U>(value: T | Promise<T>, next: (value: T) => U | Promise<U>): U | Promise<U> {
  return value instanceof Promise ? value.then(next) : next(value);
}
