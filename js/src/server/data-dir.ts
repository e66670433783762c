/**
 * The data directory's files, and how a directory is read back: what a crash may have left is
 * repaired here, and anything else that is not as the storage writes it is an error.
 *
 * - `sandbox.snapshot`: a whole state, and its generation (how many compactions it holds).
 * - `sandbox.log`: the batches after the snapshot, appended and synced one frame per write.
 * - `sandbox.log.old`: while a compaction runs, the log it compacts. The log is rotated (this
 *   file renamed from `sandbox.log`, a new empty log renamed in) so that appends go on while
 *   the compactor turns snapshot + old log into the next snapshot; the old log is deleted once
 *   that snapshot is in place.
 * - `*.tmp` (a file being written, renamed into place once whole) and `*.retired` (a replaced
 *   file kept aside to be freed in slices): never read; a load deletes any left.
 *
 * Generations tie them together: a log's header says which snapshot it follows. With `S` the
 * snapshot's generation, the old log (if any) follows `S` and the log `S + 1`; with no old log,
 * the log follows `S`. Every crash leaves one of the states `readDataDirectory` accepts.
 */
import { closeSync, fstatSync, openSync, readFileSync, readSync } from 'node:fs';
import { join } from 'node:path';
import { VinrStorageError } from '../errors.js';
import { errorCode, removeQuietly, replaceFile, RETIRED, syncDirectory, TMP, truncateFile } from './durable-fs.js';
import { crc32c } from './crc32c.js';
import {
  corrupt,
  decodeSnapshotFile,
  dataView,
  decodeSnapshotPrefix,
  encodeFileHeader,
  FILE_HEADER_BYTES,
  FRAME_BODY_FAILS,
  FRAME_HEADER_BYTES,
  frameBodyFails,
  readFileHeader,
  readFrameHeader,
  scanLog,
  SNAPSHOT_PREFIX_BYTES,
  snapshotChecksumFailed,
  splitBody,
} from './log-format.js';

export const LOG = 'sandbox.log';
export const OLD_LOG = 'sandbox.log.old';
export const SNAPSHOT = 'sandbox.snapshot';

/** What a data directory holds, once read and repaired. */
export interface DataDirectory {
  /** The snapshot's generation (0 without one). */
  generation: number;
  snapshot: Uint8Array | undefined;
  /** The old log's batches (when a compaction is unfinished), then the log's: views into the files' bytes. */
  batches: Uint8Array[];
  /** Whether `sandbox.log.old` is there, waiting for its compaction to finish. */
  oldLog: boolean;
  /** The log's length in bytes, header included: where the next frame goes. */
  logBytes: number;
  /** Bytes of an unfinished write cut from the log's tail (0 when none). */
  truncatedBytes: number;
}

/**
 * Reads `dir`, repairing what a crash may have left: leftover temporary files, a torn log tail
 * (an unfinished write, never acknowledged), an old log that a finished compaction did not get
 * to delete, a log that a compaction's rotation did not get to create. `parents` are directories
 * whose entries `fileStorage` created (synced with the first log written). Throws
 * `storage_corrupt` or `storage_unrecognized` for everything else.
 */
export function readDataDirectory(dir: string, sync: boolean, parents: readonly string[]): DataDirectory {
  const logPath = join(dir, LOG);
  const oldPath = join(dir, OLD_LOG);
  const snapshotPath = join(dir, SNAPSHOT);
  for (const leftover of [logPath + TMP, snapshotPath + TMP, logPath + RETIRED, snapshotPath + RETIRED]) removeQuietly(leftover);

  const { generation, snapshot } = readSnapshot(snapshotPath);

  let oldFile = readIfPresent(oldPath);
  if (oldFile !== undefined && readFileHeader(oldFile, 'log', oldPath) < generation) {
    // The compaction finished (its snapshot holds this log) but did not get to delete it.
    removeQuietly(oldPath);
    if (sync) syncDirectory(dir);
    oldFile = undefined;
  }
  const batches = oldFile === undefined ? [] : oldLogBatches(oldFile, oldPath, generation, snapshotPath);
  const logGeneration = oldFile === undefined ? generation : generation + 1;

  const logFile = readIfPresent(logPath);
  if (logFile === undefined && snapshot !== undefined && oldFile === undefined) {
    // Never left by a crash (a log is only ever replaced by rename): someone removed it, and
    // the changes since the snapshot with it. Starting from the snapshot alone would hide that.
    throw new VinrStorageError(`${snapshotPath} is there but ${logPath} is missing: the changes after the snapshot are lost`, {
      code: 'storage_corrupt',
    });
  }
  const found = logFile === undefined ? -1 : readFileHeader(logFile, 'log', logPath);
  if (found > logGeneration) {
    throw corrupt(logPath, 0, `the log follows snapshot generation ${found}, but ${describeSnapshot(snapshotPath, generation)}: the state the log starts from is lost`);
  }
  if (logFile === undefined || found < logGeneration) {
    if (logFile !== undefined && oldFile !== undefined) {
      throw corrupt(logPath, 0, `the log follows snapshot generation ${found}, but ${oldPath} follows generation ${generation}`);
    }
    // A new directory; a rotation stopped between its two renames (the old log holds every
    // batch); or a log that a finished compaction already holds (a directory written by an
    // earlier version, which replaced the log after the snapshot): an empty log replaces it.
    replaceFile(logPath, encodeFileHeader('log', logGeneration), sync);
    if (sync) for (const parent of parents) syncDirectory(parent);
    return { generation, snapshot, batches, oldLog: oldFile !== undefined, logBytes: FILE_HEADER_BYTES, truncatedBytes: 0 };
  }
  const scan = scanLog(logFile, logPath);
  // Only an unfinished, never acknowledged write ends up past `end` (see scanLog).
  if (scan.end < logFile.length) truncateFile(logPath, scan.end, sync);
  batches.push(...scan.batches);
  return { generation, snapshot, batches, oldLog: oldFile !== undefined, logBytes: scan.end, truncatedBytes: logFile.length - scan.end };
}

/** The snapshot file's state and generation; generation 0 and no state when there is none. */
function readSnapshot(path: string): { generation: number; snapshot: Uint8Array | undefined } {
  const file = readIfPresent(path);
  return file === undefined ? { generation: 0, snapshot: undefined } : decodeSnapshotFile(file, path);
}

/**
 * A snapshot file read a piece at a time, so that a compaction never holds the whole state
 * (see `pieces`). Its prefix is read and checked on open.
 */
export class SnapshotFile {
  readonly path: string;
  readonly generation: number;
  readonly #fd: number;
  readonly #length: number;
  readonly #crc: number;

  /** The snapshot at `path`, or undefined when there is none. */
  static open(path: string): SnapshotFile | undefined {
    return openIfPresent(path, (fd) => new SnapshotFile(path, fd));
  }

  private constructor(path: string, fd: number) {
    const start = Buffer.alloc(SNAPSHOT_PREFIX_BYTES);
    const read = readSync(fd, start, 0, start.length, 0);
    const { generation, length, crc } = decodeSnapshotPrefix(start.subarray(0, read), fstatSync(fd).size, path);
    this.path = path;
    this.generation = generation;
    this.#fd = fd;
    this.#length = length;
    this.#crc = crc;
  }

  /**
   * The snapshot as pieces of whole lines of about `pieceBytes` (a longer line is a piece of its
   * own), each a view of a buffer that the next one reuses. With `verify`, the snapshot's
   * checksum is checked as it is read, and a mismatch throws after the last piece.
   */
  *pieces(pieceBytes: number, verify: boolean): Generator<Uint8Array> {
    let buffer: Buffer = Buffer.allocUnsafe(pieceBytes);
    /** Bytes at the buffer's start, after the last piece's last newline, that the next piece begins with. */
    let held = 0;
    let position = SNAPSHOT_PREFIX_BYTES;
    const end = position + this.#length;
    let crc = 0;
    while (position < end || held > 0) {
      if (held === buffer.length) buffer = grown(buffer, 0, held);
      const read = position < end ? readSync(this.#fd, buffer, held, Math.min(buffer.length - held, end - position), position) : 0;
      if (position < end && read === 0) throw corrupt(this.path, position, 'the file ended while it was read');
      if (verify) crc = crc32c(buffer, held, held + read, crc);
      position += read;
      const filled = held + read;
      const cut = position < end ? buffer.lastIndexOf(0x0a, filled - 1) + 1 : filled;
      if (cut > 0) {
        yield buffer.subarray(0, cut);
        buffer.copy(buffer, 0, cut, filled);
      }
      held = filled - cut;
    }
    if (verify && crc !== this.#crc) throw snapshotChecksumFailed(this.path);
  }

  close(): void {
    closeSync(this.#fd);
  }
}

/**
 * The old log read a frame at a time, for a compaction (see `batches`): under a sustained load
 * the old log is many times the snapshot's size, and reading it whole made the compaction hold
 * it all, plus a view object per batch. Its header is read and checked on open.
 */
export class OldLogFile {
  readonly path: string;
  readonly #fd: number;
  readonly #size: number;

  /** The old log at `path`, which must follow the snapshot of `generation`; undefined when there is none. */
  static open(path: string, generation: number, snapshotPath: string): OldLogFile | undefined {
    return openIfPresent(path, (fd) => new OldLogFile(path, fd, generation, snapshotPath));
  }

  private constructor(path: string, fd: number, generation: number, snapshotPath: string) {
    const header = Buffer.alloc(FILE_HEADER_BYTES);
    const read = readSync(fd, header, 0, header.length, 0);
    checkFollows(readFileHeader(header.subarray(0, read), 'log', path), generation, path, snapshotPath);
    this.path = path;
    this.#fd = fd;
    this.#size = fstatSync(fd).size;
  }

  /**
   * The log's batches in order, each a view of a buffer that later ones reuse: use each before
   * asking for the next. Frame headers are always checked (they say where the next frame is);
   * with `verify`, so is every body. Damage anywhere throws `storage_corrupt`, as in
   * `oldLogBatches`.
   */
  *batches(readBytes: number, verify: boolean): Generator<Uint8Array> {
    let buffer: Buffer = Buffer.allocUnsafe(readBytes);
    let view = dataView(buffer);
    /** The file offset of `buffer[0]`; the next frame starts at `buffer[start]`; bytes read end at `buffer[filled]`. */
    let base = FILE_HEADER_BYTES;
    let start = 0;
    let filled = 0;
    /** Whether the `bytes` from `start` on are in the buffer, after reading more if need be. */
    const holds = (bytes: number): boolean => {
      if (filled - start >= bytes) return true;
      if (bytes > buffer.length) {
        buffer = grown(buffer, start, filled, bytes);
        view = dataView(buffer);
      } else {
        buffer.copy(buffer, 0, start, filled);
      }
      base += start;
      filled -= start;
      start = 0;
      while (filled < bytes) {
        const read = readSync(this.#fd, buffer, filled, buffer.length - filled, base + filled);
        if (read === 0) return false;
        filled += read;
      }
      return true;
    };
    const batches: Uint8Array[] = [];
    while (base + start < this.#size) {
      const at = base + start;
      if (!holds(FRAME_HEADER_BYTES)) throw this.#damaged(at, `a frame header cut short at ${this.#size - at} bytes`);
      const bodyLength = readFrameHeader(buffer, view, start);
      if (typeof bodyLength === 'string') throw this.#damaged(at, bodyLength);
      const frameBytes = FRAME_HEADER_BYTES + bodyLength;
      if (!holds(frameBytes)) throw this.#damaged(at, `a frame of ${frameBytes} bytes with only ${this.#size - at} left in the file`);
      if (verify && frameBodyFails(buffer, view, start)) throw this.#damaged(at, FRAME_BODY_FAILS);
      batches.length = 0;
      splitBody(buffer, view, start + FRAME_HEADER_BYTES, start + frameBytes, batches, this.path, at);
      start += frameBytes;
      yield* batches;
    }
  }

  close(): void {
    closeSync(this.#fd);
  }

  #damaged(offset: number, what: string): VinrStorageError {
    return acknowledgedFrameDamaged(this.path, offset, what);
  }
}

/** `make(fd)` for the file at `path` opened to read (closed again if `make` throws), or undefined when there is none. */
function openIfPresent<T>(path: string, make: (fd: number) => T): T | undefined {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (e) {
    if (errorCode(e) === 'ENOENT') return undefined;
    throw e;
  }
  try {
    return make(fd);
  } catch (e) {
    closeSync(fd);
    throw e;
  }
}

/** A buffer of at least `needed` bytes (and twice `buffer`'s), holding `buffer`'s bytes `[from, to)` at its start. */
function grown(buffer: Buffer, from: number, to: number, needed: number = 0): Buffer {
  const bigger = Buffer.allocUnsafe(Math.max(buffer.length * 2, needed));
  buffer.copy(bigger, 0, from, to);
  return bigger;
}

/** How an error names the snapshot: there is none at generation 0 (a compaction writes 1 and up). */
function describeSnapshot(path: string, generation: number): string {
  return generation === 0 ? `${path} is missing` : `${path} is generation ${generation}`;
}

/**
 * The batches of the old log `file`, which must follow the snapshot of `generation`. Every frame
 * of it was acknowledged before the log was rotated, so damage anywhere in it is lost data,
 * never an unfinished write: `storage_corrupt`, like a generation that does not follow.
 */
function oldLogBatches(file: Uint8Array, path: string, generation: number, snapshotPath: string): Uint8Array[] {
  checkFollows(readFileHeader(file, 'log', path), generation, path, snapshotPath);
  const scan = scanLog(file, path);
  if (scan.damage !== undefined) throw acknowledgedFrameDamaged(path, scan.end, scan.damage);
  return scan.batches;
}

/** An old log (of generation `found`) must follow the snapshot of `generation`. */
function checkFollows(found: number, generation: number, path: string, snapshotPath: string): void {
  if (found !== generation) {
    throw corrupt(path, 0, `the log follows snapshot generation ${found}, but ${describeSnapshot(snapshotPath, generation)}: the state it starts from is lost`);
  }
}

function acknowledgedFrameDamaged(path: string, offset: number, what: string): VinrStorageError {
  return corrupt(path, offset, `${what}, in a log whose every frame was acknowledged`);
}

/** The file's bytes as a plain Uint8Array (the batches handed out are views into it), or undefined. */
function readIfPresent(path: string): Uint8Array | undefined {
  try {
    const bytes = readFileSync(path);
    return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  } catch (e) {
    if (errorCode(e) === 'ENOENT') return undefined;
    throw e;
  }
}
