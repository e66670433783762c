/**
 * `indexedDb(name)`: the sandbox's durable storage in a browser (or a worker), for a sandbox that
 * runs entirely in the page. The same log of change batches as the file storage, in IndexedDB.
 *
 * One database holds two object stores:
 * - `batches`: each batch under an integer key, in append order;
 * - `meta`: the snapshot (`{ bytes, upTo }`: the state after every batch with a key below `upTo`)
 *   and the owner token (see below).
 *
 * Durability and atomicity come from IndexedDB's transactions, which are all-or-nothing:
 * - an append resolves only once the transaction holding its batch fired `complete`, opened with
 *   `durability: 'strict'` (where supported): the browser then reports completion only after the
 *   data is flushed to disk, so an acknowledged request survives an OS crash or a power cut. The
 *   default elsewhere (`relaxed` in Chrome and Firefox) may report it before the flush.
 * - batches that arrive while a transaction is in flight go together in the next one: one
 *   flush serves them all (group commit). A transaction that aborts stores none of its batches,
 *   and nothing queued after it is stored until the sandbox has reloaded (`ordered`).
 * - a compaction writes the snapshot and deletes the batches it covers in one transaction: a
 *   crash leaves the old contents or the new, never a mix.
 *
 * One owner per database: two pages appending to the same log would fork it. Two locks:
 * - a Web Lock (`navigator.locks`), held from the first `load` until `close`/`clear` or the
 *   page goes away: a second page waits `timeout` ms for it, then fails with `storage_locked`;
 * - an owner token in the database, bumped by every `load`, and checked by every write inside
 *   its own transaction: a page whose token is stale cannot write at all (its transaction
 *   aborts). This fences writes even where Web Locks are missing (an insecure context) or
 *   disabled (`locks: null`): the page that loaded last owns the log, the other fails cleanly.
 *
 * `clear()` deletes the database. Every adapter closes its connection when another one asks to
 * delete or upgrade the database (`versionchange`), so a reset in one tab is never blocked by
 * another tab's open sandbox; that sandbox fails its next request with `storage_closed`.
 */
import { messageOf, VinrError, VinrInvalidInputError, VinrStorageError } from '../errors.js';
import { checkOptions, closedError, deleteDatabase, storageError, takeLock, transact, type Resolved } from './indexeddb-host.js';
import type { SandboxStorage, SandboxStorageContents } from './storage.js';

/**
 * What the adapter uses of an `IDBFactory` (`globalThis.indexedDB`), declared here so that the
 * package's types compile without TypeScript's DOM library, in a Node-only project.
 */
export interface IndexedDbFactory {
  open(name: string, version?: number): object;
  deleteDatabase(name: string): object;
}

/** What the adapter uses of a `LockManager` (`navigator.locks`); see `IndexedDbFactory`. */
export interface IndexedDbLocks {
  request(name: string, options: object, callback: (lock: never) => unknown): Promise<unknown>;
}

/** Options of `indexedDb(name, options)`. Every option is checked; an unknown one is an error. */
export interface IndexedDbOptions {
  /** The IndexedDB to use (an `IDBFactory`). Default `globalThis.indexedDB`. */
  indexedDB?: IndexedDbFactory | undefined;
  /**
   * The Web Locks manager that makes one page the database's owner. Default
   * `globalThis.navigator?.locks`; `null` goes without (the owner token alone then fences
   * writes: the page that loaded last wins, the other fails).
   */
  locks?: IndexedDbLocks | null | undefined;
  /**
   * Milliseconds to wait for another page to let go: for the Web Lock on `load` (a reloading
   * page may still hold it for a moment), and for other connections on `clear`. Default 3000.
   * 0 does not wait.
   */
  timeout?: number | undefined;
  /**
   * Compact once the batches stored since the last snapshot exceed this many bytes and the
   * snapshot's size: the snapshot then replaces them. Default 4 MiB (4194304); `Infinity` never
   * compacts. Compaction bounds the database's size and the time a reload spends replaying.
   */
  compactAfterBytes?: number | undefined;
  /**
   * `'strict'` (the default): an append resolves once the browser flushed it to disk.
   * `'relaxed'`: once it is written, perhaps not flushed (faster; an OS crash may lose it).
   */
  durability?: 'strict' | 'relaxed' | undefined;
}

/** What an `IndexedDbStorage` did since it was created: see `IndexedDbStorage.stats()`. */
export interface IndexedDbStats {
  /** Batches stored. */
  appends: number;
  /** Write transactions committed for batches: fewer than `appends` when requests shared one. */
  transactions: number;
  /** Bytes of the batches stored after the snapshot (as of the last load and the appends since). */
  logBytes: number;
  /** Compactions completed: snapshots written. */
  snapshots: number;
  /** Compactions that failed; nothing is lost (the batches stay), and it is tried again later. */
  failedCompactions: number;
}

/** The adapter `indexedDb(name)` returns: a `SandboxStorage` in IndexedDB, with `clear` and `close`. */
export interface IndexedDbStorage extends SandboxStorage {
  /** The database's name. */
  readonly name: string;
  /** Writes are queued by the adapter, in call order: the sandbox hands each batch over at once. */
  readonly ordered: true;
  load(): Promise<SandboxStorageContents>;
  append(batch: Uint8Array): Promise<void>;
  appendMany(batches: readonly Uint8Array[]): Promise<void>;
  wantsSnapshot(): boolean;
  compact(snapshot: Uint8Array): Promise<void>;
  /** Counters, for tests and monitoring (e.g. that concurrent requests share transactions). */
  stats(): IndexedDbStats;
  /**
   * Waits for the writes in flight, closes the database and releases the lock. Every call
   * after it rejects with `VinrStorageError` (`storage_closed`). Calling it again is harmless.
   */
  close(): Promise<void>;
  /**
   * Deletes the database (the "reset sandbox" action): closes this adapter as `close` does, then
   * deletes. Other pages' adapters on it close themselves; a connection that does not (not an
   * adapter's) makes this reject with `storage_blocked` after `timeout` ms, and the deletion
   * then happens once it closes. A sandbox on this adapter is unusable afterwards: reload the
   * page (or create a new sandbox on a new adapter) to start a new account.
   */
  clear(): Promise<void>;
}

const VERSION = 1;
const BATCHES = 'batches';
const META = 'meta';
const SNAPSHOT_KEY = 'snapshot';
const OWNER_KEY = 'owner';

/**
 * Durable storage for a sandbox in the IndexedDB database `name` (created if missing): every
 * request's changes are committed before its response is released, and a sandbox opened on the
 * same database later (after a reload, in a new tab) holds the same state.
 *
 * ```ts
 * import { createSandbox, indexedDb } from '@vinr/sdk/sandbox';
 * const storage = indexedDb('my-app-sandbox');
 * const sandbox = createSandbox({ storage });
 * await sandbox.ready; // rejects (cause: `storage_locked`) while another tab has it open
 * ```
 *
 * Throws `VinrConfigurationError` for malformed options, or when there is no IndexedDB
 * (`indexeddb_unavailable`: pass `options.indexedDB`).
 */
export function indexedDb(name = 'vinr-sandbox', options?: IndexedDbOptions): IndexedDbStorage {
  return new IndexedDbStorageImpl(name, checkOptions(name, options));
}


/** A write waiting for (or in) a transaction. */
type Write =
  | { kind: 'batch'; bytes: Uint8Array; settle: Settle }
  | { kind: 'snapshot'; bytes: Uint8Array; settle: Settle };

interface Settle {
  resolve(): void;
  reject(error: unknown): void;
}

interface StoredSnapshot {
  bytes: Uint8Array;
  upTo: number;
}

class IndexedDbStorageImpl implements IndexedDbStorage {
  readonly name: string;
  readonly ordered = true;
  readonly #options: Resolved;

  #db: IDBDatabase | undefined;
  /** The connection being opened, so that concurrent loads share it. */
  #opening: Promise<IDBDatabase> | undefined;
  /** Set once the Web Lock is held (or there is none to take); reset when taking it failed. */
  #locking: Promise<void> | undefined;
  #releaseLock: (() => void) | undefined;
  /** Why this adapter refuses everything: closed, cleared, or another page took the database. */
  #closed: VinrStorageError | undefined;
  /** The owner token this adapter wrote at its last load; every write checks it. */
  #token = 0;
  /** Whether the contents were loaded and writes may go out. */
  #loaded = false;
  /** The first write that failed since the last load: nothing after it is stored (`ordered`). */
  #failure: unknown;
  /** Writes waiting behind the transaction in flight. */
  #queue: Write[] = [];
  #writing = false;
  #idle: (() => void)[] = [];
  /** The key the next batch gets, and the first key after the snapshot: the log is [base, next). */
  #next = 0;
  #base = 0;

  /** Bytes of batches after the snapshot, and the snapshot's size: `wantsSnapshot`'s counters. */
  #logBytes = 0;
  #snapshotBytes = 0;
  /** Log size at which to compact next (raised after a failed compaction, so it backs off). */
  #compactAt: number;
  #compacting = false;

  #appends = 0;
  #transactions = 0;
  #snapshots = 0;
  #failedCompactions = 0;

  constructor(name: string, options: Resolved) {
    this.name = name;
    this.#options = options;
    this.#compactAt = options.compactAfterBytes;
  }

  async load(): Promise<SandboxStorageContents> {
    this.#throwIfClosed();
    await this.#lock();
    // The sandbox reloads only after its appends settled; another caller may not have waited.
    await this.#whenIdle();
    this.#throwIfClosed();
    this.#loaded = false;
    const db = await this.#connection();
    let token = 0;
    const read = await transact(db, [BATCHES, META], 'readwrite', 'relaxed', (tx) => {
      const meta = tx.objectStore(META);
      const batches = tx.objectStore(BATCHES);
      const snapshot = meta.get(SNAPSHOT_KEY);
      const owner = meta.get(OWNER_KEY);
      const keys = batches.getAllKeys();
      const values = batches.getAll();
      // A new token, greater than any before: a page that loaded earlier can no longer write.
      owner.onsuccess = () => {
        token = (typeof owner.result === 'number' ? owner.result : 0) + 1;
        meta.put(token, OWNER_KEY);
      };
      return () => ({
        snapshot: snapshot.result as StoredSnapshot | undefined,
        keys: keys.result as IDBValidKey[],
        values: values.result as unknown[],
      });
    }).catch((e: unknown) => {
      throw storageError(`could not read the IndexedDB database '${this.name}'`, 'storage_io_failed', e);
    });
    this.#token = token;
    const batches: Uint8Array[] = [];
    for (const value of read.values) {
      if (!(value instanceof Uint8Array)) {
        throw storageError(`the IndexedDB database '${this.name}' holds a batch that is not bytes`, 'storage_contents_invalid', undefined);
      }
      batches.push(value);
    }
    const snapshot = read.snapshot;
    if (snapshot !== undefined && !(snapshot.bytes instanceof Uint8Array && typeof snapshot.upTo === 'number')) {
      throw storageError(`the IndexedDB database '${this.name}' holds a malformed snapshot`, 'storage_contents_invalid', undefined);
    }
    const firstKey = read.keys[0];
    const lastKey = read.keys[read.keys.length - 1];
    this.#base = typeof firstKey === 'number' ? firstKey : (snapshot?.upTo ?? 0);
    this.#next = Math.max(typeof lastKey === 'number' ? lastKey + 1 : 0, snapshot?.upTo ?? 0);
    this.#logBytes = batches.reduce((sum, b) => sum + b.length, 0);
    this.#snapshotBytes = snapshot?.bytes.length ?? 0;
    this.#compactAt = this.#options.compactAfterBytes;
    this.#failure = undefined;
    // Closed while reading (another page's clear, say): these contents must not be used.
    this.#throwIfClosed();
    this.#loaded = true;
    return snapshot === undefined ? { batches } : { snapshot: snapshot.bytes, batches };
  }

  append(batch: Uint8Array): Promise<void> {
    return this.appendMany([batch]);
  }

  appendMany(batches: readonly Uint8Array[]): Promise<void> {
    if (!Array.isArray(batches) || !batches.every((b) => b instanceof Uint8Array)) {
      return Promise.reject(new VinrInvalidInputError('indexedDb: a batch must be a Uint8Array', { code: 'storage_batch_invalid' }));
    }
    const refused = this.#refusal();
    if (refused !== undefined) return Promise.reject(refused);
    if (batches.length === 0) return Promise.resolve();
    // Copied now, to an array of their own: the caller may reuse its arrays, and IndexedDB
    // would store the whole buffer behind a view.
    const writes = batches.map((b) => this.#enqueue('batch', b.slice()));
    this.#kick();
    return Promise.all(writes).then(noop);
  }

  wantsSnapshot(): boolean {
    return (
      this.#loaded &&
      !this.#compacting &&
      this.#failure === undefined &&
      this.#logBytes > this.#compactAt &&
      this.#logBytes > this.#snapshotBytes
    );
  }

  compact(snapshot: Uint8Array): Promise<void> {
    const refused = this.#refusal();
    if (refused !== undefined) return Promise.reject(refused);
    this.#compacting = true;
    const done = this.#enqueue('snapshot', snapshot.slice());
    this.#kick();
    return done;
  }

  stats(): IndexedDbStats {
    return {
      appends: this.#appends,
      transactions: this.#transactions,
      logBytes: this.#logBytes,
      snapshots: this.#snapshots,
      failedCompactions: this.#failedCompactions,
    };
  }

  async close(): Promise<void> {
    this.#closed ??= closedError(this.name, 'is closed');
    await this.#whenIdle();
    this.#shut();
  }

  async clear(): Promise<void> {
    this.#closed ??= closedError(this.name, 'was cleared');
    await this.#whenIdle();
    // The lock is kept until the database is gone, so no page of ours opens it meanwhile.
    const release = this.#releaseLock;
    this.#releaseLock = undefined;
    this.#shut();
    try {
      await deleteDatabase(this.#options.factory, this.name, this.#options.timeout);
    } finally {
      release?.();
    }
  }

  // ---- the write queue ----

  #enqueue(kind: Write['kind'], bytes: Uint8Array): Promise<void> {
    return new Promise((resolve, reject) => this.#queue.push({ kind, bytes, settle: { resolve, reject } }));
  }

  /** Why a write is refused now, if it is. */
  #refusal(): unknown {
    if (this.#closed !== undefined) return this.#closed;
    if (this.#failure !== undefined) return this.#failure;
    if (!this.#loaded) {
      return storageError(`the IndexedDB storage '${this.name}' was not loaded: the sandbox loads it first`, 'storage_not_loaded', undefined);
    }
    return undefined;
  }

  /** Starts the next transaction if none is in flight. */
  #kick(): void {
    if (this.#writing) return;
    const head = this.#queue[0];
    if (head === undefined) {
      const idle = this.#idle;
      this.#idle = [];
      for (const resolve of idle) resolve();
      return;
    }
    // A snapshot goes alone: its failure must not fail any batch. Batches go together, up to it.
    const end = head.kind === 'snapshot' ? 1 : this.#queue.findIndex((w) => w.kind === 'snapshot');
    const group = this.#queue.splice(0, end < 0 ? this.#queue.length : end);
    this.#writing = true;
    this.#write(group).then(
      () => this.#written(group, undefined),
      (e: unknown) => this.#written(group, e),
    );
  }

  /** One transaction for `group`, which checks first that this adapter still owns the database. */
  #write(group: Write[]): Promise<void> {
    const db = this.#db;
    if (db === undefined) return Promise.reject(this.#closed ?? closedError(this.name, 'is closed'));
    let key = this.#next;
    let base = this.#base;
    let stale = false;
    return transact(db, [BATCHES, META], 'readwrite', this.#options.durability, (tx) => {
      const meta = tx.objectStore(META);
      const batches = tx.objectStore(BATCHES);
      const owner = meta.get(OWNER_KEY);
      // Requests run in order: this check comes before any write of the transaction commits,
      // and aborting rolls them all back.
      owner.onsuccess = () => {
        if (owner.result !== this.#token) {
          stale = true;
          tx.abort();
        }
      };
      for (const write of group) {
        if (write.kind === 'batch') {
          // `add`, not `put`: an existing key would mean the log forked, and aborts.
          batches.add(write.bytes, key++);
        } else {
          const snapshot: StoredSnapshot = { bytes: write.bytes, upTo: key };
          meta.put(snapshot, SNAPSHOT_KEY);
          // One range delete where the global exists; a factory passed in without it (a
          // polyfill in a test runtime) gets one delete per key.
          const KeyRange = (globalThis as { IDBKeyRange?: typeof IDBKeyRange }).IDBKeyRange;
          if (KeyRange !== undefined) batches.delete(KeyRange.upperBound(key, true));
          else for (let k = base; k < key; k++) batches.delete(k);
          base = key;
        }
      }
      return noop;
    }).then(
      () => {
        this.#next = key;
        this.#base = base;
      },
      (e: unknown) => {
        if (stale) {
          // Another page loaded the database since: this one must never write again.
          this.#closed ??= storageError(
            `another page opened the IndexedDB database '${this.name}' and owns it now: reload this page to use it`,
            'storage_locked',
            undefined,
          );
          this.#shut();
          throw this.#closed;
        }
        throw e;
      },
    );
  }

  #written(group: Write[], error: unknown): void {
    this.#writing = false;
    const head = group[0];
    if (head?.kind === 'snapshot') {
      this.#compacting = false;
      if (error === undefined) {
        this.#snapshots++;
        this.#snapshotBytes = head.bytes.length;
        // The batches it covered were all stored before it (one transaction at a time).
        this.#logBytes = 0;
        this.#compactAt = this.#options.compactAfterBytes;
        head.settle.resolve();
      } else {
        // Nothing lost: the batches stay. Try again after as much log again.
        this.#failedCompactions++;
        this.#compactAt = this.#logBytes + Math.max(this.#options.compactAfterBytes, 1);
        head.settle.reject(storageError(`could not compact the IndexedDB database '${this.name}'`, 'storage_compaction_failed', error));
      }
    } else if (error === undefined) {
      for (const write of group) {
        this.#appends++;
        this.#logBytes += write.bytes.length;
        write.settle.resolve();
      }
      this.#transactions++;
    } else {
      const failure =
        error instanceof VinrError
          ? error
          : storageError(`could not write to the IndexedDB database '${this.name}': ${messageOf(error)}`, 'storage_io_failed', error);
      // None of the group is stored (the transaction aborted), and none after it may be.
      this.#failure ??= failure;
      for (const write of group) write.settle.reject(failure);
      for (const write of this.#queue.splice(0)) {
        if (write.kind === 'snapshot') this.#compacting = false;
        write.settle.reject(this.#failure);
      }
    }
    this.#kick();
  }

  #whenIdle(): Promise<void> {
    if (!this.#writing && this.#queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idle.push(resolve));
  }

  // ---- the lock and the connection ----

  #throwIfClosed(): void {
    if (this.#closed !== undefined) throw this.#closed;
  }

  /** Takes the Web Lock once, for the adapter's life; a failure may be retried by the next load. */
  #lock(): Promise<void> {
    const locks = this.#options.locks;
    if (locks === null) return Promise.resolve();
    this.#locking ??= takeLock(locks, `vinr-sandbox-indexeddb:${this.name}`, this.#options.timeout, this.name).then(
      (release) => {
        if (this.#closed !== undefined) release();
        else this.#releaseLock = release;
      },
      (e: unknown) => {
        this.#locking = undefined;
        throw e;
      },
    );
    return this.#locking;
  }

  #connection(): Promise<IDBDatabase> {
    if (this.#db !== undefined) return Promise.resolve(this.#db);
    this.#opening ??= this.#open().then(
      (db) => {
        this.#opening = undefined;
        this.#db = db;
        return db;
      },
      (e: unknown) => {
        this.#opening = undefined;
        throw e;
      },
    );
    return this.#opening;
  }

  #open(): Promise<IDBDatabase> {
    return new Promise<IDBDatabase>((resolve, reject) => {
      let request: IDBOpenDBRequest;
      try {
        request = this.#options.factory.open(this.name, VERSION);
      } catch (e) {
        reject(e);
        return;
      }
      request.onupgradeneeded = () => {
        const db = request.result;
        if (!db.objectStoreNames.contains(BATCHES)) db.createObjectStore(BATCHES);
        if (!db.objectStoreNames.contains(META)) db.createObjectStore(META);
      };
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
      // Only a connection to an older version blocks version 1's creation: none of ours.
    }).then(
      (db) => {
        if (this.#closed !== undefined) {
          db.close();
          throw this.#closed;
        }
        // Another page deletes (or upgrades) the database: let it, and refuse everything after.
        db.onversionchange = () => {
          this.#closed ??= closedError(this.name, 'was deleted or upgraded by another page');
          this.#shut();
        };
        // The browser closed it (the user cleared the site's data, say).
        db.onclose = () => {
          this.#closed ??= closedError(this.name, 'was closed by the browser');
          this.#shut();
        };
        return db;
      },
      (e: unknown) => {
        throw storageError(`could not open the IndexedDB database '${this.name}': ${messageOf(e)}`, 'storage_unavailable', e);
      },
    );
  }

  /** Closes the connection and releases the lock (writes in flight still complete or abort). */
  #shut(): void {
    this.#db?.close();
    this.#db = undefined;
    this.#loaded = false;
    this.#releaseLock?.();
    this.#releaseLock = undefined;
  }
}

function noop(): void {}
