/**
 * The hand-off of change batches to a storage adapter, in handle order, and the gate that
 * holds each response until everything it depends on is stored.
 *
 * Why one call in flight at a time: if the adapter had batch N+1 in flight while N failed, it
 * could end up storing N+1 without N, a log that no longer replays to any state the sandbox was
 * in. Serialising keeps the stored log a prefix of the produced one, whatever the adapter does.
 * What queues up behind the call in flight goes over in one `appendMany` when the adapter has
 * it: that is group commit, one write and one sync for every request that arrived meanwhile.
 * A synchronous adapter (the memory one) never waits: its `append` returns, the batch is
 * stored, and the next one goes straight through.
 *
 * Why every response waits for every earlier append: a request handled after batch N saw N's
 * changes (a GET listing the payment N created, a replay of N's idempotent request). If N
 * then fails to store, that response described a state storage does not have, so it rejects
 * too. A journal serves one core: after a failure the sandbox reloads and starts a new one.
 *
 * Compaction is queued like a batch, so the snapshot it stores is the state after exactly the
 * batches before it. Its failure is no request's: the log still holds everything.
 *
 * An adapter that keeps order itself (`SandboxStorage.ordered`) gets each batch at once
 * instead: it groups what arrives while it writes (the file storage's writer thread does), and
 * no batch waits for a hand-over after the previous write. The rules above still hold, as that
 * adapter promises: batches stored in call order, none stored after one that failed.
 */
import { VinrStorageError } from '../errors.js';
import { isThenable, type SandboxStorage } from './storage.js';

/** Something waiting in the queue behind the call in flight. */
type Queued =
  | { kind: 'batch'; index: number; batch: Uint8Array; onStored: () => void; settle: Settle }
  | { kind: 'barrier'; index: number; settle: Settle }
  | { kind: 'compact'; snapshot: Uint8Array };

interface Settle {
  resolve(): void;
  reject(error: VinrStorageError): void;
}

export class Journal {
  readonly #storage: SandboxStorage;
  /** How many batches were queued (the index the next one gets). */
  #queued = 0;
  /** Whether a call to the adapter is in flight; everything else waits in `#waiting`. */
  #inFlight = false;
  readonly #waiting: Queued[] = [];
  /** Called when nothing is in flight or waiting. */
  #idle: (() => void)[] = [];
  /** An ordered adapter's appends not yet settled (then `#inFlight` is unused). */
  #outstanding = 0;
  /** Settles (never rejects) once the ordered adapter's last append so far settled. */
  #lastAppend: Promise<void> = Promise.resolve();
  /** The index of the first batch that failed, and its error. */
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

  /** Whether a call to the adapter is in flight. */
  get busy(): boolean {
    return this.#inFlight || this.#outstanding > 0;
  }

  /** Lets the adapter settle an append that completed off the event loop (`SandboxStorage.poll`). */
  poll(): void {
    if (this.busy) this.#storage.poll?.();
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
    const ordered = this.#storage.ordered === true;
    if (this.#inFlight && !ordered) return this.#enqueue((settle) => ({ kind: 'batch', index, batch, onStored, settle }));
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
    if (ordered) return this.#settleOrdered(index, result, onStored);
    return new Promise((resolve, reject) => {
      this.#run(Promise.resolve(result), [{ kind: 'batch', index, batch, onStored, settle: { resolve, reject } }]);
    });
  }

  /**
   * For a response without changes of its own: `undefined` when nothing before it is pending,
   * else a promise that resolves when every batch queued so far is stored and rejects with
   * `VinrStorageError` if one of them failed.
   */
  barrier(): Promise<void> | undefined {
    if (this.#failure !== undefined) return Promise.reject(this.#after(this.#failure));
    if (this.#outstanding > 0) {
      const index = this.#queued;
      return this.#lastAppend.then(() => {
        const failure = this.#failure;
        if (failure !== undefined && failure.index < index) throw this.#after(failure);
      });
    }
    if (!this.#inFlight) return undefined;
    const index = this.#queued;
    return this.#enqueue((settle) => ({ kind: 'barrier', index, settle }));
  }

  /**
   * Queues a compaction if the adapter supports it and asks for one; `snapshot` is called
   * only then, in the caller's turn, so it encodes the state after every batch queued so far.
   */
  maybeCompact(snapshot: () => Uint8Array): void {
    const storage = this.#storage;
    if (storage.compact === undefined || storage.wantsSnapshot?.() !== true || this.#failure !== undefined) return;
    // One compaction waiting is enough: a second would store a newer state right after it.
    if (this.#waiting.some((q) => q.kind === 'compact')) return;
    const item: Queued = { kind: 'compact', snapshot: snapshot() };
    // An ordered adapter's batches never count as in flight: it gets the compaction at once,
    // and stores it after every batch handed over so far, as it promises.
    if (this.#inFlight) this.#waiting.push(item);
    else this.#start([item]);
  }

  /** Resolves when nothing is in flight or waiting (never rejects): storage then holds all it will. */
  settled(): Promise<void> {
    if (!this.busy) return Promise.resolve();
    return new Promise((resolve) => this.#idle.push(resolve));
  }

  /** An ordered adapter's append, handed over at once: settled in the order the adapter settles it. */
  #settleOrdered(index: number, result: PromiseLike<void>, onStored: () => void): Promise<void> {
    const stored = Promise.resolve(result).then(
      () => {
        const failure = this.#failure;
        // The adapter stores nothing after a failed batch; a success reported after one would
        // break its promise, and this response depended on the lost state anyway.
        if (failure !== undefined && failure.index < index) throw this.#after(failure);
        onStored();
      },
      (e: unknown) => {
        throw this.#failure === undefined ? this.#fail(index, e) : this.#after(this.#failure);
      },
    );
    const settled = stored.then(noop, noop);
    this.#outstanding++;
    this.#lastAppend = settled;
    void settled.then(() => {
      this.#outstanding--;
      this.#wakeIdle();
    });
    return stored;
  }

  /** Resolves the `settled()` callers once nothing is in flight or waiting. */
  #wakeIdle(): void {
    if (this.busy || this.#waiting.length > 0) return;
    const idle = this.#idle;
    this.#idle = [];
    for (const resolve of idle) resolve();
  }

  #enqueue(make: (settle: Settle) => Queued): Promise<void> {
    return new Promise((resolve, reject) => this.#waiting.push(make({ resolve, reject })));
  }

  /** Hands `items` (batches, or one compaction) to the adapter. */
  #start(items: Queued[]): void {
    const first = items[0];
    let call: void | Promise<void>;
    try {
      if (first?.kind === 'compact') call = this.#storage.compact?.(first.snapshot);
      else call = this.#appendAll(items);
    } catch (e) {
      this.#run(Promise.reject(e), items);
      return;
    }
    this.#run(Promise.resolve(call), items);
  }

  #appendAll(items: Queued[]): void | Promise<void> {
    const batches = items.flatMap((q) => (q.kind === 'batch' ? [q.batch] : []));
    const storage = this.#storage;
    if (batches.length > 1 && storage.appendMany !== undefined) return storage.appendMany(batches);
    // Without appendMany, one at a time: each only after the previous one is stored.
    return batches.reduce<Promise<void>>((done, batch) => done.then(() => storage.append(batch)), Promise.resolve());
  }

  /** Waits for the call in flight, settles its items, then starts what waited meanwhile. */
  #run(call: Promise<unknown>, items: Queued[]): void {
    this.#inFlight = true;
    call.then(
      () => this.#finish(items, undefined),
      (e: unknown) => this.#finish(items, { cause: e }),
    );
  }

  #finish(items: Queued[], failure: { cause: unknown } | undefined): void {
    for (const item of items) {
      if (item.kind === 'compact') continue; // a failed compaction loses nothing
      if (item.kind === 'barrier') this.#settleBarrier(item);
      else if (failure === undefined) {
        item.onStored();
        item.settle.resolve();
      } else {
        // Which batch of a group failed is unknown: the adapter stored a prefix of it or none,
        // and the reload that follows reads which. Every response in the group depended on
        // the first one's state, so all reject.
        item.settle.reject(this.#failure === undefined ? this.#fail(item.index, failure.cause) : this.#after(this.#failure));
      }
    }
    this.#inFlight = false;
    this.#startWaiting();
  }

  /** Starts the next group: the batches and barriers before the next compaction, or that compaction. */
  #startWaiting(): void {
    while (this.#waiting.length > 0 && !this.#inFlight) {
      const head = this.#waiting[0];
      if (head === undefined) break;
      if (this.#failure !== undefined) {
        // Never handed over: an earlier batch failed (see the module comment).
        this.#waiting.shift();
        if (head.kind === 'batch') head.settle.reject(this.#after(this.#failure));
        else if (head.kind === 'barrier') this.#settleBarrier(head);
        continue;
      }
      if (head.kind === 'compact') {
        this.#start([this.#waiting.shift() as Queued]);
        return;
      }
      const end = this.#waiting.findIndex((q) => q.kind === 'compact');
      const group = this.#waiting.splice(0, end < 0 ? this.#waiting.length : end);
      if (!group.some((q) => q.kind === 'batch')) {
        for (const q of group) if (q.kind === 'barrier') this.#settleBarrier(q);
        continue;
      }
      this.#start(group);
      return;
    }
    this.#wakeIdle();
  }

  #settleBarrier(item: { index: number; settle: Settle }): void {
    const failure = this.#failure;
    if (failure !== undefined && failure.index < item.index) item.settle.reject(this.#after(failure));
    else item.settle.resolve();
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

function noop(): void {}
