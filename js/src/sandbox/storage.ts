/**
 * Where a sandbox keeps its state between runs: a log of change records, written by the core
 * and opaque to JS. The memory adapter is here; the file and IndexedDB adapters implement the
 * same two methods.
 */

/**
 * What a storage adapter holds: an optional snapshot (a whole state, as `sandbox.snapshot()`
 * encodes it) and the change batches written after it, in the order they were appended.
 */
export interface SandboxStorageContents {
  /** A state to start from; without one, the batches replay from an empty sandbox. */
  snapshot?: Uint8Array | undefined;
  /** Every batch appended after the snapshot, in append order. */
  batches: readonly Uint8Array[];
}

/**
 * A sandbox's persistence: an append-only log of change batches. Give one to
 * `createSandbox({ storage })`; the sandbox loads it when it opens and appends every
 * state-changing request's records before releasing that request's response.
 *
 * The contract an adapter can rely on, and must keep:
 * - **One append in flight.** The sandbox calls `append` in the order it handled the requests,
 *   and never calls it again before the previous call's promise settled. So the stored log is
 *   always a prefix of the batches the sandbox produced; an adapter needs no ordering of its own.
 *   (An adapter that orders its writes itself may say so with `ordered`: see there.)
 * - **A synchronous adapter stays synchronous.** If `load` returns the contents rather than a
 *   promise, the sandbox is usable as soon as `createSandbox` returns; if `append` returns
 *   without a promise, the batch counts as stored at once.
 * - **A failed append.** When `append` throws or rejects, that request (and any request handled
 *   after it whose response is still pending) rejects with `VinrStorageError`, and before
 *   serving anything else the sandbox calls `load` again and continues from what it returns.
 *   An adapter that cannot tell whether the failed batch was stored may keep it or drop it:
 *   either is a consistent log. It must not keep part of a batch.
 * - **Opaque bytes.** Batches and snapshots are the core's encoding; store them as they are
 *   (copy them if the adapter keeps them in memory: the caller may reuse the array).
 */
export interface SandboxStorage {
  /**
   * Everything stored, in write order; called when the sandbox opens (and when it must reload
   * after a failed append). Empty contents (`{ batches: [] }`) make a new sandbox account,
   * whose first batch is then appended.
   */
  load(): SandboxStorageContents | Promise<SandboxStorageContents>;
  /**
   * One request's change records, opaque bytes; calls arrive in handle order, one at a time.
   * The request's response is released only after this resolves.
   */
  append(batch: Uint8Array): void | Promise<void>;
  /**
   * Optional, for group commit: several batches in one call, stored in order, all or a prefix
   * of them (never part of one). When batches queue up behind an append in flight, the sandbox
   * hands them over together through this method, so that one write and one `fsync` serve many
   * concurrent requests. Without it they go one `append` at a time.
   */
  appendMany?(batches: readonly Uint8Array[]): void | Promise<void>;
  /**
   * Optional, for compaction: whether the log has grown enough to be replaced by a snapshot.
   * Asked after each batch is handed over (keep it cheap: a counter).
   */
  wantsSnapshot?(): boolean;
  /**
   * Optional, for compaction: `snapshot` is the state after every batch handed over before this
   * call (it is queued behind them, one call in flight like `append`); the adapter may replace
   * them with it. It must do so atomically: after a failure or a crash, `load` returns either
   * the old contents or the snapshot, and a failed call is not an error of any request (the
   * log still holds everything).
   */
  compact?(snapshot: Uint8Array): void | Promise<void>;
  /**
   * Optional, for adapters that queue writes themselves. `true` promises that batches (and
   * snapshots) are stored in the order `append`, `appendMany` and `compact` were called, even
   * when a call comes before the previous one settled, and that once one fails, none called
   * after it is stored. The sandbox then hands each batch over as soon as it exists, instead of
   * one call at a time: the adapter can write everything that arrived during a sync in the next
   * one, with no hand-over in between.
   */
  readonly ordered?: boolean;
  /**
   * Optional: called before each request while an append is in flight. An adapter whose appends
   * complete off the event loop's usual path (a writer thread that marks them done in shared
   * memory) settles the finished ones here, so that their responses go out now rather than when
   * the event loop next polls, which under load is many requests later.
   */
  poll?(): void;
}

/** The adapter `memoryStorage()` returns: a `SandboxStorage` whose calls are synchronous. */
export interface MemoryStorage extends SandboxStorage {
  load(): SandboxStorageContents;
  append(batch: Uint8Array): void;
}

/**
 * A storage adapter that keeps the log in memory, synchronously. Hand the same adapter to a
 * second `createSandbox({ storage })` to reopen the sandbox, in the same state, in the same
 * process; `contents` may start it from what another adapter saved.
 *
 * ```ts
 * const storage = memoryStorage();
 * const a = createSandbox({ storage });
 * // … requests against a …
 * const b = createSandbox({ storage }); // same account, same keys, same objects
 * ```
 */
export function memoryStorage(contents?: SandboxStorageContents): MemoryStorage {
  // Copies in and out: the log must not change when a caller reuses or edits an array.
  const snapshot = contents?.snapshot === undefined ? undefined : contents.snapshot.slice();
  const batches: Uint8Array[] = contents === undefined ? [] : contents.batches.map((b) => b.slice());
  return {
    load() {
      return { snapshot: snapshot?.slice(), batches: batches.map((b) => b.slice()) };
    },
    append(batch) {
      batches.push(batch.slice());
    },
  };
}

/** Whether an adapter answered with a promise (any thenable) rather than a value. */
export function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    (typeof value === 'object' || typeof value === 'function') &&
    value !== null &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}
