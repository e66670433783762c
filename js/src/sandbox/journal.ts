/**
 * The hand-off of change batches to a storage adapter, in handle order, and the gate that
 * holds each response until everything it depends on is stored.
 *
 * Why one append at a time: if the adapter had batch N+1 in flight while N failed, it could
 * end up storing N+1 without N, a log that no longer replays to any state the sandbox was in.
 * Serialising keeps the stored log a prefix of the produced one, whatever the adapter does.
 * A synchronous adapter (the memory one) never waits: its `append` returns, the batch is
 * stored, and the next one goes straight through.
 *
 * Why every response waits for every earlier append: a request handled after batch N saw N's
 * changes (a GET listing the payment N created, a replay of N's idempotent request). If N
 * then fails to store, that response described a state storage does not have, so it rejects
 * too. A journal serves one core: after a failure the sandbox reloads and starts a new one.
 */
import { VinrStorageError } from '../errors.js';
import { isThenable, type SandboxStorage } from './storage.js';

export class Journal {
  readonly #storage: SandboxStorage;
  /** How many appends were queued (the index the next one gets). */
  #queued = 0;
  /** How many are queued but not settled. */
  #inFlight = 0;
  /** Settles when the last queued append settled; never rejects. */
  #tail: Promise<void> = Promise.resolve();
  /** The index of the first append that failed, and its error. */
  #failure: { index: number; error: VinrStorageError } | undefined;

  constructor(storage: SandboxStorage) {
    this.#storage = storage;
  }

  /**
   * Whether an append failed: the in-memory state is ahead of storage, so the core this
   * journal serves must not handle another request.
   */
  get failed(): boolean {
    return this.#failure !== undefined;
  }

  /** Whether an append is in flight. */
  get busy(): boolean {
    return this.#inFlight > 0;
  }

  /**
   * Hands `batch` to storage after every earlier batch is stored. Returns `undefined` when it
   * was stored synchronously (`onStored` has then run), else a promise that resolves once it
   * is stored (after `onStored`) and rejects with `VinrStorageError` if it or an earlier
   * batch failed.
   */
  append(batch: Uint8Array, onStored: () => void): Promise<void> | undefined {
    const index = this.#queued++;
    if (this.#failure !== undefined) return Promise.reject(this.#after(this.#failure));
    if (this.#inFlight === 0) {
      let result: void | Promise<void>;
      try {
        result = this.#storage.append(batch);
      } catch (e) {
        return Promise.reject(this.#fail(index, e));
      }
      if (!isThenable(result)) {
        onStored();
        return undefined;
      }
      return this.#track(index, Promise.resolve(result), onStored);
    }
    const stored = this.#tail.then(() => {
      // An earlier batch failed: this one is never handed over (see the module comment).
      if (this.#failure !== undefined) throw new Skipped(this.#after(this.#failure));
      return this.#storage.append(batch);
    });
    return this.#track(index, stored, onStored);
  }

  /**
   * For a response without changes of its own: `undefined` when nothing before it is pending,
   * else a promise that resolves when every batch queued so far is stored and rejects with
   * `VinrStorageError` if one of them failed.
   */
  barrier(): Promise<void> | undefined {
    const index = this.#queued;
    if (this.#failure !== undefined) return Promise.reject(this.#after(this.#failure));
    if (this.#inFlight === 0) return undefined;
    return this.#tail.then(() => {
      const failure = this.#failure;
      if (failure !== undefined && failure.index < index) throw this.#after(failure);
    });
  }

  /** Resolves when no append is in flight (never rejects): storage then holds all it will. */
  settled(): Promise<void> {
    return this.#tail;
  }

  #track(index: number, stored: Promise<unknown>, onStored: () => void): Promise<void> {
    this.#inFlight++;
    const done = stored.then(
      () => {
        this.#inFlight--;
        onStored();
      },
      (e: unknown) => {
        this.#inFlight--;
        throw e instanceof Skipped ? e.error : this.#fail(index, e);
      },
    );
    this.#tail = done.then(noop, noop);
    return done;
  }

  /** Records the first failure; the error this request rejects with. */
  #fail(index: number, cause: unknown): VinrStorageError {
    const error = new VinrStorageError(
      "the sandbox's storage adapter failed to append this request's changes; the sandbox reloads from storage before the next request",
      { code: 'storage_append_failed', cause },
    );
    this.#failure ??= { index, error };
    return error;
  }

  /** The error of a request handled after the failed one: its response depended on that state. */
  #after(failure: { error: VinrStorageError }): VinrStorageError {
    return new VinrStorageError(
      "the sandbox's storage adapter failed to append an earlier request's changes, which this request's response depended on; the sandbox reloads from storage before the next request",
      { code: 'storage_append_failed', cause: failure.error.cause },
    );
  }
}

/** A batch never handed over because an earlier one failed (not the adapter's error). */
class Skipped {
  constructor(readonly error: VinrStorageError) {}
}


function noop(): void {}
