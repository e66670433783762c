/**
 * The IndexedDB storage's dealings with the browser (`indexeddb.ts` is the adapter): a
 * transaction as a promise, the Web Lock that makes one page the owner, deleting the database,
 * and the options checked against what the runtime offers.
 */
import { checkCompactAfterBytes, checkKnownOptions } from '../checks.js';
import { messageOf, VinrConfigurationError, VinrStorageError } from '../errors.js';
import type { IndexedDbOptions } from './indexeddb.js';

const DEFAULT_COMPACT_AFTER_BYTES = 4 * 1024 * 1024;
const DEFAULT_TIMEOUT = 3000;
const KNOWN_OPTIONS: ReadonlySet<string> = /* @__PURE__ */ new Set(['indexedDB', 'locks', 'timeout', 'compactAfterBytes', 'durability']);

/** The options, checked, with the runtime's IndexedDB and Web Locks where none were given. */
export interface Resolved {
  factory: IDBFactory;
  locks: LockManager | null;
  timeout: number;
  compactAfterBytes: number;
  durability: 'strict' | 'relaxed';
}

/**
 * Runs `build` in a new transaction and resolves with what its returned reader reads once the
 * transaction completed; rejects with the transaction's error when it aborts (none of it stored).
 */
export function transact<T>(
  db: IDBDatabase,
  stores: string[],
  mode: IDBTransactionMode,
  durability: 'strict' | 'relaxed',
  build: (tx: IDBTransaction) => () => T,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let tx: IDBTransaction;
    let read: () => T;
    try {
      // A browser without the option ignores it: its `complete` then means what it always did.
      tx = db.transaction(stores, mode, { durability });
      read = build(tx);
    } catch (e) {
      reject(e);
      return;
    }
    tx.oncomplete = () => resolve(read());
    tx.onabort = () => reject(tx.error ?? new DOMException('the IndexedDB transaction was aborted', 'AbortError'));
  });
}

/**
 * Waits up to `timeout` ms for the Web Lock `lock`; resolves with its release. The lock is held
 * until then, or until the page goes away.
 */
export function takeLock(locks: LockManager, lock: string, timeout: number, name: string): Promise<() => void> {
  const locked = (): VinrStorageError =>
    storageError(
      `the IndexedDB database '${name}' is in use by another page (tab or worker) of this site: one page at a time may run the sandbox on it`,
      'storage_locked',
      undefined,
    );
  return new Promise((resolve, reject) => {
    const controller = timeout > 0 ? new AbortController() : undefined;
    const timer = controller === undefined ? undefined : setTimeout(() => controller.abort(), timeout);
    const callback = (held: Lock | null): Promise<void> | undefined => {
      clearTimeout(timer);
      if (held === null) {
        reject(locked());
        return undefined;
      }
      return new Promise<void>((release) => resolve(release));
    };
    const options: LockOptions = controller === undefined ? { ifAvailable: true } : { signal: controller.signal };
    locks.request(lock, options, callback).catch((e: unknown) => {
      clearTimeout(timer);
      // Aborted by the timer: the lock was not granted in time. Anything else is the browser's.
      reject(
        controller?.signal.aborted === true
          ? locked()
          : storageError(`could not take the lock of the IndexedDB database '${name}': ${messageOf(e)}`, 'storage_unavailable', e),
      );
    });
  });
}

/**
 * Deletes the database. Other adapters close on `versionchange`; if a connection stays open,
 * `blocked` fires and this rejects after `timeout` ms (the browser deletes once it closes).
 */
export function deleteDatabase(factory: IDBFactory, name: string, timeout: number): Promise<void> {
  return new Promise((resolve, reject) => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    let request: IDBOpenDBRequest;
    try {
      request = factory.deleteDatabase(name);
    } catch (e) {
      reject(storageError(`could not delete the IndexedDB database '${name}': ${messageOf(e)}`, 'storage_io_failed', e));
      return;
    }
    request.onsuccess = () => {
      clearTimeout(timer);
      resolve();
    };
    request.onerror = () => {
      clearTimeout(timer);
      reject(storageError(`could not delete the IndexedDB database '${name}': ${messageOf(request.error)}`, 'storage_io_failed', request.error));
    };
    request.onblocked = () => {
      timer ??= setTimeout(
        () =>
          reject(
            storageError(
              `the IndexedDB database '${name}' is still open in another page, which does not close it: it is deleted once that page closes`,
              'storage_blocked',
              undefined,
            ),
          ),
        timeout,
      );
    };
  });
}

export function storageError(message: string, code: string, cause: unknown): VinrStorageError {
  return new VinrStorageError(message, cause === undefined ? { code } : { code, cause });
}

export function closedError(name: string, why: string): VinrStorageError {
  return storageError(`the IndexedDB storage '${name}' ${why}`, 'storage_closed', undefined);
}

export function checkOptions(name: unknown, options: unknown): Resolved {
  if (typeof name !== 'string' || name === '') {
    throw configError("indexedDb(name) needs the database name as a non-empty string, e.g. indexedDb('my-sandbox')", 'name');
  }
  if (options !== undefined && (typeof options !== 'object' || options === null || Array.isArray(options))) {
    throw configError('indexedDb options must be an object such as { compactAfterBytes: 4194304 }', undefined);
  }
  checkKnownOptions(options ?? {}, KNOWN_OPTIONS);
  const given = (options ?? {}) as IndexedDbOptions;
  // The public option types are structural (no DOM library needed); what is given is a browser's.
  const factory = (given.indexedDB as IDBFactory | undefined) ?? (globalThis as { indexedDB?: IDBFactory }).indexedDB;
  if (factory === undefined || typeof factory.open !== 'function') {
    throw new VinrConfigurationError(
      given.indexedDB === undefined
        ? 'indexedDb() needs IndexedDB, and this runtime has none (globalThis.indexedDB): pass one as { indexedDB }, or use memoryStorage() or, on Node, fileStorage()'
        : 'options.indexedDB must be an IDBFactory (with open and deleteDatabase)',
      { code: given.indexedDB === undefined ? 'indexeddb_unavailable' : 'option_invalid', param: 'indexedDB' },
    );
  }
  // Looked up here, not at import: the entry must load where there is no navigator.
  const locks =
    given.locks === undefined
      ? ((globalThis as { navigator?: { locks?: LockManager } }).navigator?.locks ?? null)
      : (given.locks as LockManager | null);
  if (locks !== null && typeof locks.request !== 'function') {
    throw configError('options.locks must be a LockManager (navigator.locks) or null', 'locks');
  }
  const { timeout = DEFAULT_TIMEOUT, compactAfterBytes = DEFAULT_COMPACT_AFTER_BYTES, durability = 'strict' } = given;
  if (!(Number.isSafeInteger(timeout) && timeout >= 0)) throw configError('timeout must be a whole number of milliseconds (0 or more)', 'timeout');
  checkCompactAfterBytes(compactAfterBytes);
  if (durability !== 'strict' && durability !== 'relaxed') throw configError("durability must be 'strict' or 'relaxed'", 'durability');
  return { factory, locks, timeout, compactAfterBytes, durability };
}

function configError(message: string, param: string | undefined): VinrConfigurationError {
  return new VinrConfigurationError(message, { code: 'option_invalid', param });
}

