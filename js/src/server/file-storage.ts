/**
 * `fileStorage(dir)`: the sandbox's durable storage on Node, for the local server. A directory
 * holds a log of change batches (appended, fsynced before each append resolves), a snapshot the
 * log is compacted into, and a lock file; `log-format.ts` describes the bytes.
 *
 * Crash safety rests on three rules:
 * - the log is only ever appended to, one frame per write, so a crash can damage only the last
 *   frame, which was never acknowledged: loading cuts it;
 * - the snapshot and a fresh log replace the old files by rename, each file written and synced
 *   under a temporary name first, so a file is always either wholly old or wholly new;
 * - both files carry the generation (how many snapshots the directory has had), so a crash
 *   between the two renames (new snapshot, old log) is recognised: that log is already in the
 *   snapshot, and replaying it again would apply its changes twice.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { open, readFile, rename, unlink, type FileHandle } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { messageOf, VinrConfigurationError, VinrError, VinrInvalidInputError, VinrStorageError } from '../errors.js';
import type { SandboxStorage, SandboxStorageContents } from '../sandbox/storage.js';
import { acquireLock, releaseLock } from './dir-lock.js';
import {
  corrupt,
  decodeSnapshotFile,
  encodeFileHeader,
  encodeFrame,
  encodeSnapshotFile,
  FILE_HEADER_BYTES,
  readFileHeader,
  scanLog,
} from './log-format.js';

/** Options of `fileStorage(dir, options)`. Every option is checked; an unknown one is an error. */
export interface FileStorageOptions {
  /**
   * Compact once the log has grown by more than this many bytes since the last snapshot, and by
   * at least twice the snapshot's size: the sandbox then hands over a snapshot of its state,
   * which replaces the log. Default 8 MiB (8388608). `Infinity` never compacts. Compaction bounds
   * both the disk use and the time a restart spends replaying the log.
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
  /** The directory's generation: how many snapshots it has had over its life. */
  generation: number;
  /** Bytes of an unfinished write cut from the log's tail by the last `load` (0 when none). */
  truncatedBytes: number;
}

/** The adapter `fileStorage(dir)` returns: a `SandboxStorage` on files, with its own `close`. */
export interface FileStorage extends SandboxStorage {
  /** The data directory, as an absolute path. */
  readonly dir: string;
  load(): Promise<SandboxStorageContents>;
  append(batch: Uint8Array): Promise<void>;
  appendMany(batches: readonly Uint8Array[]): Promise<void>;
  wantsSnapshot(): boolean;
  compact(snapshot: Uint8Array): Promise<void>;
  /** Counters, for tests and monitoring (e.g. that group commit shares syncs). */
  stats(): FileStorageStats;
  /**
   * Waits for the call in flight, closes the files and releases the directory's lock. Every
   * call after it rejects with `VinrStorageError` (`storage_closed`). Calling it again is harmless.
   */
  close(): Promise<void>;
}

const DEFAULT_COMPACT_AFTER_BYTES = 8 * 1024 * 1024;
const KNOWN_OPTIONS: ReadonlySet<string> = new Set(['compactAfterBytes', 'sync', 'reset']);

const LOG = 'sandbox.log';
const SNAPSHOT = 'sandbox.snapshot';
/** A rename's source: the next version of a file, written whole and synced before the rename. */
const TMP = '.tmp';

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
      for (const file of [LOG, SNAPSHOT]) rmSync(join(path, file), { force: true });
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
  readonly #compactAfterBytes: number;
  readonly #sync: boolean;
  readonly #logPath: string;
  readonly #snapshotPath: string;

  /** The log, open for appending; present while `#opened`. */
  #log: FileHandle | undefined;
  /**
   * Whether the files were read and repaired and `#log` appends to the right log. False before
   * the first load, and after a failure that may have left the files other than this object
   * believes (a write it could not undo, a compaction that stopped half-way): the next call then
   * reads the directory again, as a load would, before it writes.
   */
  #opened = false;
  /** The last call queued: calls run one at a time, in order; never rejects. */
  #queue: Promise<void> = Promise.resolve();
  #closing: Promise<void> | undefined;

  #generation = 0;
  #logBytes = 0;
  /** Bytes of frames handed over but not yet written: the sandbox asks `wantsSnapshot` right after a hand-over. */
  #bytesAhead = 0;
  /** Log bytes (after the header) beyond which `wantsSnapshot` says yes. */
  #compactAt: number;
  /** Compactions queued and not yet settled: one is enough. */
  #compactsAhead = 0;

  #appends = 0;
  #writes = 0;
  #syncs = 0;
  #snapshots = 0;
  #truncatedBytes = 0;
  /** Parents of the directories `fileStorage` created, synced with the first log. */
  #unsyncedParents: string[];

  constructor(dir: string, compactAfterBytes: number, sync: boolean, unsyncedParents: string[]) {
    this.dir = dir;
    this.#unsyncedParents = unsyncedParents;
    this.#compactAfterBytes = compactAfterBytes;
    this.#compactAt = compactAfterBytes;
    this.#sync = sync;
    this.#logPath = join(dir, LOG);
    this.#snapshotPath = join(dir, SNAPSHOT);
  }

  load(): Promise<SandboxStorageContents> {
    return this.#enqueue(`could not read ${this.dir}`, () => this.#open());
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
    if (batches.length === 0) return this.#enqueue('', () => Promise.resolve());
    // Encoded now, not when the write runs: the caller may reuse its arrays once this returns.
    const frame = encodeFrame(batches);
    this.#bytesAhead += frame.length;
    return this.#enqueue(`could not append to ${this.#logPath}`, async () => {
      try {
        await this.#write(frame, batches.length);
      } finally {
        this.#bytesAhead -= frame.length;
      }
    });
  }

  wantsSnapshot(): boolean {
    return (
      this.#closing === undefined &&
      this.#compactsAhead === 0 &&
      this.#logBytes - FILE_HEADER_BYTES + this.#bytesAhead > this.#compactAt
    );
  }

  compact(snapshot: Uint8Array): Promise<void> {
    if (this.#closing !== undefined) return Promise.reject(closed(this.dir));
    if (!(snapshot instanceof Uint8Array)) {
      return Promise.reject(
        new VinrInvalidInputError('fileStorage: a snapshot must be a Uint8Array', { code: 'storage_snapshot_invalid' }),
      );
    }
    const copy = snapshot.slice();
    this.#compactsAhead++;
    return this.#enqueue(`could not compact ${this.dir}`, async () => {
      try {
        await this.#compact(copy);
      } finally {
        this.#compactsAhead--;
      }
    });
  }

  stats(): FileStorageStats {
    return {
      appends: this.#appends,
      writes: this.#writes,
      syncs: this.#syncs,
      logBytes: this.#logBytes,
      snapshots: this.#snapshots,
      generation: this.#generation,
      truncatedBytes: this.#truncatedBytes,
    };
  }

  close(): Promise<void> {
    this.#closing ??= this.#queue.then(async () => {
      try {
        await this.#closeLog();
      } finally {
        releaseLock(this.dir);
      }
    });
    return this.#closing;
  }

  /**
   * Runs `task` after every call queued before it. Errors that are not the SDK's own (the file
   * system's) become `VinrStorageError`s that start with `what` and keep the original as `cause`.
   */
  #enqueue<T>(what: string, task: () => Promise<T>): Promise<T> {
    if (this.#closing !== undefined) return Promise.reject(closed(this.dir));
    const run = this.#queue.then(task).catch((e: unknown) => {
      if (e instanceof VinrError) throw e;
      throw new VinrStorageError(`${what}: ${messageOf(e)}`, { code: 'storage_io_failed', cause: e });
    });
    this.#queue = run.then(noop, noop);
    return run;
  }

  /**
   * Reads the directory, repairs what a crash may have left (a torn log tail, a log that the
   * snapshot already contains, leftover temporary files), and opens the log for appending.
   */
  async #open(): Promise<SandboxStorageContents> {
    this.#opened = false;
    await this.#closeLog();
    await Promise.all([removeQuietly(this.#logPath + TMP), removeQuietly(this.#snapshotPath + TMP)]);

    const snapshotFile = await readIfPresent(this.#snapshotPath);
    const { generation, snapshot } =
      snapshotFile === undefined ? { generation: 0, snapshot: undefined } : decodeSnapshotFile(snapshotFile, this.#snapshotPath);
    const logFile = await readIfPresent(this.#logPath);
    if (logFile === undefined && snapshotFile !== undefined) {
      // Never left by a crash (a log is only ever replaced by rename): someone removed it, and
      // the changes since the snapshot with it. Starting from the snapshot alone would hide that.
      throw new VinrStorageError(
        `${this.#snapshotPath} is there but ${this.#logPath} is missing: the changes after the snapshot are lost`,
        { code: 'storage_corrupt' },
      );
    }

    let batches: Uint8Array[] = [];
    this.#truncatedBytes = 0;
    const logGeneration = logFile === undefined ? -1 : readFileHeader(logFile, 'log', this.#logPath);
    if (logFile === undefined || logGeneration < generation) {
      // A new directory, or a crash between a compaction's two renames: that log's batches are
      // all in the snapshot (it was taken after them), so it is replaced, not replayed.
      await this.#replace(this.#logPath, encodeFileHeader('log', generation));
      if (this.#sync) for (const parent of this.#unsyncedParents) await syncDirectory(parent);
      this.#unsyncedParents = [];
      this.#logBytes = FILE_HEADER_BYTES;
      this.#compactAt = this.#compactAfterBytes;
    } else if (logGeneration > generation) {
      throw corrupt(
        this.#logPath,
        0,
        `the log follows snapshot generation ${logGeneration}, but ` +
          (snapshotFile === undefined ? `${this.#snapshotPath} is missing` : `${this.#snapshotPath} is generation ${generation}`) +
          ': the state the log starts from is lost',
      );
    } else {
      const scan = scanLog(logFile, this.#logPath);
      if (scan.end < logFile.length) {
        // Only an unfinished, never acknowledged write ends up here (see scanLog).
        await this.#truncate(scan.end);
        this.#truncatedBytes = logFile.length - scan.end;
      }
      batches = scan.batches;
      this.#logBytes = scan.end;
    }

    this.#log = await open(this.#logPath, 'a');
    this.#generation = generation;
    this.#compactAt = this.#compactThreshold(snapshot?.length ?? 0);
    this.#opened = true;
    return snapshot === undefined ? { batches } : { snapshot, batches };
  }

  async #write(frame: Buffer, batches: number): Promise<void> {
    if (!this.#opened) await this.#open();
    const log = this.#log as FileHandle;
    const before = this.#logBytes;
    try {
      await writeAll(log, frame);
      this.#writes++;
      if (this.#sync) {
        await log.datasync();
        this.#syncs++;
      }
    } catch (e) {
      await this.#undo(log, before);
      throw e;
    }
    this.#logBytes = before + frame.length;
    this.#appends += batches;
  }

  /**
   * After a failed write: cut what it may have written, so that the next frame does not land
   * behind a partial one (which would make it middle damage). If even that fails, the next call
   * re-reads the log, which cuts the partial frame (or keeps the whole one) itself.
   */
  async #undo(log: FileHandle, size: number): Promise<void> {
    try {
      await log.truncate(size);
      if (this.#sync) await log.datasync();
    } catch {
      this.#opened = false;
    }
  }

  async #compact(snapshot: Uint8Array): Promise<void> {
    if (!this.#opened) await this.#open();
    const next = this.#generation + 1;
    try {
      await this.#replace(this.#snapshotPath, encodeSnapshotFile(next, snapshot));
      // From here the snapshot holds every batch of the log: its generation says so on disk.
      // Closed before the rename: Windows refuses to rename over a file that is open.
      await this.#closeLog();
      await this.#replace(this.#logPath, encodeFileHeader('log', next));
      this.#log = await open(this.#logPath, 'a');
    } catch (e) {
      // The failed step may or may not have renamed its file: the next call reads the directory
      // to know which generation holds the state, and the log is not written to before that.
      this.#opened = false;
      // Not again at once (it would write the whole snapshot for every request), but after as
      // much log again.
      this.#compactAt = this.#logBytes - FILE_HEADER_BYTES + this.#compactAfterBytes;
      throw e;
    }
    this.#generation = next;
    this.#logBytes = FILE_HEADER_BYTES;
    this.#compactAt = this.#compactThreshold(snapshot.length);
    this.#snapshots++;
    this.#opened = true;
  }

  /**
   * How much log may follow a snapshot of `snapshotBytes` before the next compaction: the option,
   * and at least twice the snapshot. The state (so each snapshot) keeps growing; compacting every
   * fixed number of bytes would rewrite an ever larger snapshot as often, a cost that grows with
   * the square of the bytes written, and each rewrite stalls the server (measured: 470 ms for a
   * 70 MiB state, every ~2,400 requests). Twice the snapshot keeps the rewriting to at most half
   * of what was appended, and the log to three times the state at most.
   */
  #compactThreshold(snapshotBytes: number): number {
    return Math.max(this.#compactAfterBytes, 2 * snapshotBytes);
  }

  /** Atomically replaces `path` with `bytes`: a temporary file, synced, renamed, the rename synced. */
  async #replace(path: string, bytes: Uint8Array): Promise<void> {
    const tmp = path + TMP;
    try {
      const file = await open(tmp, 'w');
      try {
        await writeAll(file, bytes);
        if (this.#sync) await file.datasync();
      } finally {
        await file.close();
      }
      await rename(tmp, path);
    } catch (e) {
      await removeQuietly(tmp);
      throw e;
    }
    if (this.#sync) await syncDirectory(this.dir);
  }

  async #truncate(size: number): Promise<void> {
    const file = await open(this.#logPath, 'r+');
    try {
      await file.truncate(size);
      if (this.#sync) await file.datasync();
    } finally {
      await file.close();
    }
  }

  async #closeLog(): Promise<void> {
    const log = this.#log;
    this.#log = undefined;
    this.#opened = false;
    await log?.close();
  }
}

function closed(dir: string): VinrStorageError {
  return new VinrStorageError(`the file storage of ${dir} is closed`, { code: 'storage_closed' });
}

async function writeAll(file: FileHandle, bytes: Uint8Array): Promise<void> {
  for (let done = 0; done < bytes.length; ) {
    const { bytesWritten } = await file.write(bytes, done, bytes.length - done);
    if (bytesWritten <= 0) throw new Error('the file system accepted no bytes');
    done += bytesWritten;
  }
}

/**
 * Makes renames in `dir` durable: a rename is a change to the directory, which the file's own
 * fsync does not cover on Linux.
 */
async function syncDirectory(dir: string): Promise<void> {
  // Windows cannot open a directory for fsync, and NTFS journals its renames itself.
  if (process.platform === 'win32') return;
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } catch (e) {
    // A file system that cannot sync a directory (some network and FUSE ones) orders its renames
    // itself or not at all: nothing to wait for. A real I/O error is still an error.
    if (!DIRECTORY_SYNC_UNSUPPORTED.has(errorCode(e))) throw e;
  } finally {
    await handle.close();
  }
}

const DIRECTORY_SYNC_UNSUPPORTED: ReadonlySet<unknown> = new Set(['EINVAL', 'ENOTSUP', 'EOPNOTSUPP', 'EISDIR']);

/** The file's bytes as a plain Uint8Array (the batches handed out are views into it), or undefined. */
async function readIfPresent(path: string): Promise<Uint8Array | undefined> {
  try {
    const bytes = await readFile(path);
    return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  } catch (e) {
    if (errorCode(e) === 'ENOENT') return undefined;
    throw e;
  }
}

async function removeQuietly(path: string): Promise<void> {
  await unlink(path).catch(noop);
}

function checkOptions(dir: unknown, options: unknown): { compactAfterBytes: number; sync: boolean; reset: boolean } {
  if (typeof dir !== 'string' || dir === '') {
    throw configError('fileStorage(dir) needs the data directory as a non-empty string, e.g. fileStorage(".vinr-sandbox")', 'dir');
  }
  if (options === undefined) return { compactAfterBytes: DEFAULT_COMPACT_AFTER_BYTES, sync: true, reset: false };
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw configError('fileStorage options must be an object such as { compactAfterBytes: 8388608 }', undefined);
  }
  for (const name of Object.keys(options)) {
    if (!KNOWN_OPTIONS.has(name)) {
      throw new VinrConfigurationError(`unknown option '${name}'; known options: ${[...KNOWN_OPTIONS].join(', ')}`, {
        code: 'option_unknown',
        param: name,
      });
    }
  }
  const { compactAfterBytes = DEFAULT_COMPACT_AFTER_BYTES, sync = true, reset = false } = options as FileStorageOptions;
  if (!(Number.isSafeInteger(compactAfterBytes) && compactAfterBytes >= 0) && compactAfterBytes !== Infinity) {
    throw configError('compactAfterBytes must be a whole number of bytes (0 or more), or Infinity to never compact', 'compactAfterBytes');
  }
  if (typeof sync !== 'boolean') throw configError('sync must be true or false', 'sync');
  if (typeof reset !== 'boolean') throw configError('reset must be true or false', 'reset');
  return { compactAfterBytes, sync, reset };
}

function configError(message: string, param: string | undefined): VinrConfigurationError {
  return new VinrConfigurationError(message, { code: 'option_invalid', param });
}

function errorCode(e: unknown): unknown {
  return typeof e === 'object' && e !== null ? (e as { code?: unknown }).code : undefined;
}

function noop(): void {}
