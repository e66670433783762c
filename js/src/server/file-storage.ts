/**
 * `fileStorage(dir)`: the sandbox's durable storage on Node, for the local server. A directory
 * holds a log of change batches (appended, and synced before each append resolves), a snapshot
 * the log is compacted into, and a lock file; `data-dir.ts` says how they fit together and
 * `log-format.ts` what their bytes mean.
 *
 * The serving thread never touches the disk: a writer thread appends and syncs (and tells the
 * serving thread it is done through shared memory, see `log-writer.ts`), and a compactor thread
 * replays snapshot and old log into the next snapshot while appends go on to a fresh log. So a
 * request waits for its own sync, never for a snapshot of the whole state.
 *
 * Crash safety rests on three rules:
 * - the log is only ever appended to, one frame per write, so a crash can damage only the last
 *   frame, which was never acknowledged: loading cuts it;
 * - a file is replaced only by renaming a complete, synced one over it, so it is always either
 *   wholly old or wholly new;
 * - every file carries the generation it belongs to, so a crash at any step of a compaction is
 *   recognised, and no batch is replayed twice or lost.
 */
import { checkCompactAfterBytes, checkKnownOptions } from '../checks.js';
import { mkdirSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { messageOf, VinrConfigurationError, VinrError, VinrInvalidInputError, VinrStorageError } from '../errors.js';
import type { SandboxStorage, SandboxStorageContents } from '../sandbox/storage.js';
import { LOG, OLD_LOG, SNAPSHOT } from './data-dir.js';
import { acquireLock, releaseLock } from './dir-lock.js';
import { FILE_HEADER_BYTES, FRAME_HEADER_BYTES, FrameBuilder } from './log-format.js';
import { LogWriter, runCompaction } from './log-writer.js';

/** Options of `fileStorage(dir, options)`. Every option is checked; an unknown one is an error. */
export interface FileStorageOptions {
  /**
   * Compact once the log has grown by more than this many bytes since the last snapshot, and by
   * at least twice the snapshot's size: a thread of its own then replays snapshot and log into
   * the next snapshot, while appends go on to a new log. Default 8 MiB (8388608). `Infinity`
   * never compacts. Compaction bounds both the disk use and the time a restart spends replaying
   * the log. A compaction due waits for a quiet moment (no append for 200 ms), so that it does
   * not slow the requests of a burst, unless the log has grown to four times the threshold.
   */
  compactAfterBytes?: number | undefined;
  /**
   * `true` (the default): an append resolves only once its bytes are on disk (`fdatasync`), so
   * an acknowledged request survives a crash or a power cut. `false` skips every sync: faster,
   * but NOT durable (an OS crash or power cut may lose acknowledged changes, or leave a log that
   * refuses to load). For benchmarks only.
   */
  sync?: boolean | undefined;
  /**
   * Start empty: the stored state (log and snapshot) is deleted once the lock is taken, so a
   * directory another server is using is refused, never wiped. `vinr sandbox --reset`.
   */
  reset?: boolean | undefined;
}

/** What a `FileStorage` did since it was created: see `FileStorage.stats()`. */
export interface FileStorageStats {
  /** Batches stored. */
  appends: number;
  /** Writes to the log: one per `append` or `appendMany`, whatever the number of batches. */
  writes: number;
  /** Syncs of those writes: fewer than `appends` when concurrent requests shared one (group commit). */
  syncs: number;
  /** The log file's size in bytes (0 until the first `load`). */
  logBytes: number;
  /** Compactions completed: snapshots written. */
  snapshots: number;
  /**
   * Compactions that failed (a full disk, say). Nothing is lost: the log still holds every
   * batch, and the compaction is tried again after as much log again.
   */
  failedCompactions: number;
  /** The directory's generation: how many snapshots it has had over its life. */
  generation: number;
  /** Bytes of an unfinished write cut from the log's tail by the last `load` (0 when none). */
  truncatedBytes: number;
  /** `waiting`: due, and waiting for a quiet moment (see `compactAfterBytes`). */
  compaction: 'idle' | 'waiting' | 'running';
}

/** The adapter `fileStorage(dir)` returns: a `SandboxStorage` on files, with its own `close`. */
export interface FileStorage extends SandboxStorage {
  /** The data directory, as an absolute path. */
  readonly dir: string;
  /** Appends are written in call order by the writer thread: the sandbox hands each over at once. */
  readonly ordered: true;
  load(): Promise<SandboxStorageContents>;
  append(batch: Uint8Array): Promise<void>;
  appendMany(batches: readonly Uint8Array[]): Promise<void>;
  poll(): void;
  /** Counters, for tests and monitoring (e.g. that group commit shares syncs). */
  stats(): FileStorageStats;
  /**
   * Resolves when no compaction is running (at once if none is), starting the one that waits
   * for a quiet moment, if any; never rejects. A failed compaction loses nothing (the log still
   * holds every batch) and is tried again later.
   */
  compacted(): Promise<void>;
  /**
   * Waits for the appends in flight and a running compaction, closes the files and releases the
   * directory's lock. Every call after it rejects with `VinrStorageError` (`storage_closed`).
   * Calling it again is harmless.
   */
  close(): Promise<void>;
}

const DEFAULT_COMPACT_AFTER_BYTES = 8 * 1024 * 1024;
/**
 * A compaction due starts once the log has had no append for this long, as it still slows the
 * requests beside it. Measured under the server benchmark (50 connections, 2 cores): while a
 * compaction read, replayed and wrote ~100 MB, the requests' p99 went from ~9 ms to ~11 ms;
 * with the compactor at nice 19 and giving way after each piece (`storage-threads.ts`), from
 * 7.4–8.0 ms to up to 10.4 ms in some of its phases.
 */
const QUIET_MS = 200;
/** ...unless the log has grown past the threshold by this factor: it then starts at once. */
const OVERDUE_FACTOR = 4;
const KNOWN_OPTIONS: ReadonlySet<string> = new Set(['compactAfterBytes', 'sync', 'reset']);

/**
 * Durable storage for a sandbox in the directory `dir` (created if missing): every request's
 * changes are on disk before its response is released, and a sandbox opened on the same
 * directory later, in this process or another, holds the same state.
 *
 * ```ts
 * import { createSandbox, fileStorage } from '@vinr/sdk/server';
 * const storage = fileStorage('./.vinr-sandbox');
 * const sandbox = createSandbox({ storage });
 * await sandbox.ready;
 * // … requests …
 * await storage.close();
 * ```
 *
 * One process at a time may use a directory: this takes its lock at once, and throws
 * `VinrStorageError` (`storage_locked`, naming the holding process) if a live process holds it.
 * A lock left by a process that died is taken over. Throws `VinrConfigurationError` for
 * malformed options.
 */
export function fileStorage(dir: string, options?: FileStorageOptions): FileStorage {
  const { compactAfterBytes, sync, reset } = checkOptions(dir, options);
  const path = resolve(dir);
  let created: string | undefined;
  try {
    created = mkdirSync(path, { recursive: true });
  } catch (e) {
    throw new VinrStorageError(`cannot use ${path} as the sandbox data directory: ${messageOf(e)}`, {
      code: 'storage_unavailable',
      cause: e,
    });
  }
  acquireLock(path);
  if (reset) {
    try {
      for (const file of [LOG, OLD_LOG, SNAPSHOT]) rmSync(join(path, file), { force: true });
    } catch (e) {
      releaseLock(path);
      throw new VinrStorageError(`cannot reset ${path}: ${messageOf(e)}`, { code: 'storage_io_failed', cause: e });
    }
  }
  return new FileStorageImpl(path, compactAfterBytes, sync, created === undefined ? [] : createdEntries(path, created));
}

/**
 * The directories whose entries `mkdir -p` added, when `created` is the first one it made: a new
 * directory is durable only once its parent is synced, and so are the files in it.
 */
function createdEntries(path: string, created: string): string[] {
  const parents: string[] = [];
  for (let d = path; ; d = dirname(d)) {
    parents.push(dirname(d));
    if (d === created || dirname(d) === d) return parents;
  }
}

class FileStorageImpl implements FileStorage {
  readonly dir: string;
  /** The writer thread takes appends in call order, and refuses every one after a failure. */
  readonly ordered = true;
  readonly #compactAfterBytes: number;
  readonly #sync: boolean;
  readonly #writer: LogWriter;

  /**
   * Whether the directory was read and the writer appends to the right log. False before the
   * first load, and after a failure that may have left the files other than this object
   * believes: the next append then reads the directory again first, as a load would.
   */
  #opened = false;
  /** Loads and closes, one at a time (appends are ordered by the writer); never rejects. */
  #queue: Promise<void> = Promise.resolve();
  #closing: Promise<void> | undefined;
  #reopening: Promise<unknown> | undefined;
  /** The appends of this event-loop turn, not yet handed to the writer. */
  #group: Group | undefined;

  #generation = 0;
  /** The log's length, header included, as of the appends settled so far. */
  #logBytes = 0;
  /** Bytes of frames posted to the writer and not yet settled. */
  #bytesAhead = 0;
  /** Log bytes (after the header) beyond which the log is rotated and compacted. */
  #compactAt: number;
  /** Whether `sandbox.log.old` is waiting for (or in) a compaction. */
  #oldLog = false;
  /** The rotation and compaction running, if any; never rejects. */
  #compaction: Promise<void> | undefined;
  /** Set while a compaction is due and waits for the log to be quiet. */
  #quietTimer: ReturnType<typeof setTimeout> | undefined;
  /** `performance.now()` when the last group went to the writer. */
  #lastFlushAt = 0;

  #appends = 0;
  #writes = 0;
  #syncs = 0;
  #snapshots = 0;
  #failedCompactions = 0;
  #truncatedBytes = 0;

  constructor(dir: string, compactAfterBytes: number, sync: boolean, unsyncedParents: string[]) {
    this.dir = dir;
    this.#compactAfterBytes = compactAfterBytes;
    this.#compactAt = compactAfterBytes;
    this.#sync = sync;
    this.#writer = new LogWriter(dir, sync, unsyncedParents);
  }

  load(): Promise<SandboxStorageContents> {
    return this.#enqueue(() => this.#open());
  }

  append(batch: Uint8Array): Promise<void> {
    return this.appendMany([batch]);
  }

  appendMany(batches: readonly Uint8Array[]): Promise<void> {
    if (this.#closing !== undefined) return Promise.reject(closed(this.dir));
    if (!Array.isArray(batches) || !batches.every((b) => b instanceof Uint8Array)) {
      return Promise.reject(
        new VinrInvalidInputError('fileStorage: a batch must be a Uint8Array', { code: 'storage_batch_invalid' }),
      );
    }
    if (batches.length === 0) return Promise.resolve();
    if (this.#opened) return this.#post(batches);
    // After a failure (or before any load): read the directory again first, once for all the
    // appends that arrive meanwhile, which then go out in the order they came. Copied now: the
    // caller may reuse its arrays once this returns.
    const copies = batches.map((b) => b.slice());
    this.#reopening ??= this.#enqueue(() => this.#open()).finally(() => (this.#reopening = undefined));
    return this.#reopening.then(() => this.#post(copies));
  }

  poll(): void {
    this.#writer.poll();
  }

  stats(): FileStorageStats {
    return {
      appends: this.#appends,
      writes: this.#writes,
      syncs: this.#syncs,
      logBytes: this.#logBytes,
      snapshots: this.#snapshots,
      failedCompactions: this.#failedCompactions,
      generation: this.#generation,
      truncatedBytes: this.#truncatedBytes,
      compaction: this.#compaction !== undefined ? 'running' : this.#quietTimer !== undefined ? 'waiting' : 'idle',
    };
  }

  compacted(): Promise<void> {
    if (this.#quietTimer !== undefined) this.#startCompaction();
    return this.#compaction ?? Promise.resolve();
  }

  close(): Promise<void> {
    // This turn's appends go to the writer before the close does.
    if (this.#closing === undefined) this.#flush();
    // A compaction still waiting is left to the next open, which finds the log as long.
    this.#stopWaitingForQuiet();
    this.#closing ??= this.#queue.then(async () => {
      try {
        await this.#compaction;
        await this.#writer.close();
      } finally {
        releaseLock(this.dir);
      }
    });
    return this.#closing;
  }

  /**
   * Runs `task` after every load or close queued before it. Errors that are not the SDK's own
   * (the file system's) become `VinrStorageError`s that keep the original as `cause`.
   */
  #enqueue<T>(task: () => Promise<T>): Promise<T> {
    if (this.#closing !== undefined) return Promise.reject(closed(this.dir));
    const run = this.#queue.then(task).catch((e: unknown) => {
      if (e instanceof VinrError) throw e;
      throw new VinrStorageError(`could not read ${this.dir}: ${messageOf(e)}`, { code: 'storage_io_failed', cause: e });
    });
    this.#queue = run.then(noop, noop);
    return run;
  }

  /** Reads the directory through the writer, which repairs what a crash left and opens the log. */
  async #open(): Promise<SandboxStorageContents> {
    this.#opened = false;
    // The compactor and a load both read the old log and the snapshot: one at a time.
    await this.#compaction;
    const loaded = await this.#writer.load();
    this.#generation = loaded.generation;
    this.#logBytes = loaded.logBytes;
    this.#truncatedBytes = loaded.truncatedBytes;
    this.#oldLog = loaded.oldLog;
    this.#compactAt = this.#compactThreshold(loaded.snapshot?.length ?? 0);
    this.#opened = true;
    // A compaction a crash interrupted is finished now, in the background like any other.
    if (loaded.oldLog) this.#compaction = this.#compactOldLog().finally(() => (this.#compaction = undefined));
    const { snapshot, batches } = loaded;
    return snapshot === undefined ? { batches } : { snapshot, batches };
  }

  /**
   * Adds `frame` to the group this event-loop turn is filling: the group goes to the writer once
   * the turn's requests are all handled (`setImmediate`), one message and one sync for all of
   * them, while the next turn's requests are handled. Each request in it waits for its turn's
   * sync, whether it came first or last, so the answers' latency hardly varies.
   */
  #post(batches: readonly Uint8Array[]): Promise<void> {
    let group = this.#group;
    if (group === undefined) {
      let settle: Group['settle'] | undefined;
      const written = new Promise<void>((resolve, reject) => (settle = { resolve, reject }));
      group = this.#group = { frame: new FrameBuilder(), bytes: FRAME_HEADER_BYTES, batches: 0, written, settle: settle as Group['settle'] };
      this.#bytesAhead += FRAME_HEADER_BYTES;
      setImmediate(() => this.#flush());
    }
    for (const batch of batches) {
      // Copied into the group's frame now: the caller may reuse its arrays once this returns.
      group.frame.add(batch);
      group.bytes += 4 + batch.length;
      this.#bytesAhead += 4 + batch.length;
    }
    group.batches += batches.length;
    return group.written;
  }

  #flush(): void {
    const group = this.#group;
    if (group === undefined) return;
    this.#group = undefined;
    this.#lastFlushAt = performance.now();
    this.#writer.append(group.frame.take()).then(
      () => {
        this.#bytesAhead -= group.bytes;
        this.#logBytes += group.bytes;
        this.#appends += group.batches;
        this.#writes++;
        if (this.#sync) this.#syncs++;
        group.settle.resolve();
      },
      (e: unknown) => {
        this.#bytesAhead -= group.bytes;
        // The writer cut what it may have written, or closed the log: read the directory again.
        this.#opened = false;
        group.settle.reject(e);
      },
    );
    // After the group: the rotated log then holds it (a log rotated empty would leave the
    // compactor nothing to start from).
    this.#maybeCompact();
  }

  /**
   * Once the log is past the threshold: compact it at the next quiet moment, or at once when it
   * is overdue (see `QUIET_MS`).
   */
  #maybeCompact(): void {
    if (this.#compaction !== undefined || this.#closing !== undefined) return;
    const logged = this.#logBytes - FILE_HEADER_BYTES + this.#bytesAhead;
    if (logged <= this.#compactAt) return;
    if (logged > this.#compactAt * OVERDUE_FACTOR) this.#startCompaction();
    else if (this.#quietTimer === undefined) this.#waitForQuiet(QUIET_MS);
  }

  #waitForQuiet(ms: number): void {
    this.#quietTimer = setTimeout(() => {
      this.#quietTimer = undefined;
      const quietFor = performance.now() - this.#lastFlushAt;
      if (quietFor >= QUIET_MS) this.#startCompaction();
      else this.#waitForQuiet(QUIET_MS - quietFor);
    }, ms);
    // Not a reason to keep the process alive: the next open compacts a log left long.
    this.#quietTimer.unref();
  }

  #stopWaitingForQuiet(): void {
    clearTimeout(this.#quietTimer);
    this.#quietTimer = undefined;
  }

  /**
   * Rotates the log (queued behind the appends handed to the writer so far, so the old log
   * holds exactly them) and compacts the old one in a thread.
   */
  #startCompaction(): void {
    this.#stopWaitingForQuiet();
    if (this.#compaction !== undefined || this.#closing !== undefined) return;
    // After a failed compaction the old log is still there: that one is compacted again first.
    const rotated = this.#oldLog
      ? Promise.resolve(true)
      : this.#writer.rotate().then(
          () => {
            this.#oldLog = true;
            this.#logBytes = FILE_HEADER_BYTES;
            return true;
          },
          () => {
            // The directory is in one of the states a load understands: read it before the next append.
            this.#opened = false;
            return false;
          },
        );
    this.#compaction = rotated
      .then((ready) => (ready ? this.#compactOldLog() : undefined))
      .finally(() => (this.#compaction = undefined));
  }

  /** Runs the compactor on the old log; never rejects (a failure loses nothing and is tried again later). */
  async #compactOldLog(): Promise<void> {
    try {
      const { generation, snapshotBytes } = await runCompaction(this.dir, this.#sync);
      this.#oldLog = false;
      this.#generation = generation;
      this.#snapshots++;
      this.#compactAt = this.#compactThreshold(snapshotBytes);
    } catch {
      this.#failedCompactions++;
      this.#compactAt = this.#logBytes - FILE_HEADER_BYTES + this.#compactAfterBytes;
    }
  }

  /**
   * How much log may follow a snapshot of `snapshotBytes` before the next compaction: the option,
   * and at least twice the snapshot. The state (so each snapshot) keeps growing; compacting every
   * fixed number of bytes would rewrite an ever larger snapshot as often, a cost that grows with
   * the square of the bytes written. Twice the snapshot keeps the rewriting to at most half of
   * what was appended, and the log to three times the state at most.
   */
  #compactThreshold(snapshotBytes: number): number {
    return Math.max(this.#compactAfterBytes, 2 * snapshotBytes);
  }
}

/** The appends of one event-loop turn: one message to the writer, one promise for all of them. */
interface Group {
  frame: FrameBuilder;
  bytes: number;
  batches: number;
  written: Promise<void>;
  settle: { resolve(): void; reject(error: unknown): void };
}

function closed(dir: string): VinrStorageError {
  return new VinrStorageError(`the file storage of ${dir} is closed`, { code: 'storage_closed' });
}

function checkOptions(dir: unknown, options: unknown): { compactAfterBytes: number; sync: boolean; reset: boolean } {
  if (typeof dir !== 'string' || dir === '') {
    throw configError('fileStorage(dir) needs the data directory as a non-empty string, e.g. fileStorage(".vinr-sandbox")', 'dir');
  }
  if (options === undefined) return { compactAfterBytes: DEFAULT_COMPACT_AFTER_BYTES, sync: true, reset: false };
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw configError('fileStorage options must be an object such as { compactAfterBytes: 8388608 }', undefined);
  }
  checkKnownOptions(options, KNOWN_OPTIONS);
  const { compactAfterBytes = DEFAULT_COMPACT_AFTER_BYTES, sync = true, reset = false } = options as FileStorageOptions;
  checkCompactAfterBytes(compactAfterBytes);
  if (typeof sync !== 'boolean') throw configError('sync must be true or false', 'sync');
  if (typeof reset !== 'boolean') throw configError('reset must be true or false', 'reset');
  return { compactAfterBytes, sync, reset };
}

function configError(message: string, param: string | undefined): VinrConfigurationError {
  return new VinrConfigurationError(message, { code: 'option_invalid', param });
}

function noop(): void {}
