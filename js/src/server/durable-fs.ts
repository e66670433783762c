/**
 * The few file operations the file storage's durability rests on, synchronous: they run on the
 * storage's own threads (the log writer, the compactor), where blocking is the point, and on
 * the main thread only when a sandbox opens.
 */
import { closeSync, fdatasyncSync, fsyncSync, ftruncateSync, linkSync, openSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * Writes all of `bytes` at the file's position, or at `position` (a write may take fewer bytes
 * than asked).
 */
export function writeAll(fd: number, bytes: Uint8Array, position?: number): void {
  for (let done = 0; done < bytes.length; ) {
    const at = position === undefined ? null : position + done;
    const written = writeSync(fd, bytes, done, bytes.length - done, at);
    if (written <= 0) throw new Error('the file system accepted no bytes');
    done += written;
  }
}

/**
 * A new file being written from its start, synced each `syncEvery` bytes as it goes (see
 * `PACED_SYNC_BYTES`), and its first bytes rewritable once the rest is known (a header that
 * holds the length and checksum of what follows it).
 */
export class FileWriter {
  readonly #fd: number;
  readonly #syncEvery: number;
  #unsynced = 0;

  constructor(fd: number, syncEvery: number) {
    this.#fd = fd;
    this.#syncEvery = syncEvery;
  }

  append(bytes: Uint8Array): void {
    for (let done = 0; done < bytes.length; ) {
      const slice = Math.min(bytes.length - done, this.#syncEvery - this.#unsynced);
      writeAll(this.#fd, bytes.subarray(done, done + slice));
      done += slice;
      this.#unsynced += slice;
      if (this.#unsynced >= this.#syncEvery) {
        fdatasyncSync(this.#fd);
        this.#unsynced = 0;
      }
    }
  }

  /** Writes `bytes` over the file's bytes from `position` on (which `append` wrote already). */
  overwrite(bytes: Uint8Array, position: number): void {
    writeAll(this.#fd, bytes, position);
  }
}

/**
 * Atomically replaces `path` with `bytes`: a temporary file (`path` + `.tmp`), written and
 * synced, renamed over `path`, and the rename synced. After a crash, `path` is wholly old or
 * wholly new; a leftover temporary file is never read. The file replaced is kept aside under
 * `path` + `.retired` until then, and freed a slice at a time after (see `removeInSlices`).
 */
export function replaceFile(path: string, bytes: Uint8Array, sync: boolean): void {
  replaceFileWith(path, sync, (file) => file.append(bytes));
}

/** `replaceFile`, with the new file's bytes written by `write` as it makes them. */
export function replaceFileWith(path: string, sync: boolean, write: (file: FileWriter) => void): void {
  const tmp = path + TMP;
  writeFileSynced(tmp, sync, write);
  const retired = sync ? keepAside(path) : undefined;
  try {
    renameSync(tmp, path);
  } catch (e) {
    removeQuietly(tmp);
    if (retired !== undefined) removeQuietly(retired);
    throw e;
  }
  if (sync) syncDirectory(dirname(path));
  if (retired !== undefined) removeInSlices(retired, 0, sync);
}

/**
 * A large file is synced every this many bytes as it is written, and cut by this many bytes at
 * a time as it is removed. On ext4 (and other journaling file systems) an `fdatasync` of the
 * log commits the journal, and a commit first writes out the data of every file whose blocks
 * it allocated, and discards the blocks freed since the last one (on a disk mounted with
 * `discard`). Measured under the server benchmark: a snapshot of tens of megabytes synced only
 * at its end put the slowest request at 55–100 ms (38–55 ms synced in slices); an old log and a
 * snapshot of 110 MB unlinked at once held the log's syncs for 30 ms. In slices, a log sync
 * waits for one slice at most.
 */
const PACED_SYNC_BYTES = 1024 * 1024;

/** The suffix of a replaced file kept aside until it is freed; a leftover one is never read. */
export const RETIRED = '.retired';

/**
 * A second name for `path`'s file, so that renaming over `path` does not free it at once;
 * `undefined` when there is no file (or the file system has no hard links: it is then freed at
 * once).
 */
function keepAside(path: string): string | undefined {
  const aside = path + RETIRED;
  removeQuietly(aside);
  try {
    linkSync(path, aside);
    return aside;
  } catch {
    return undefined;
  }
}

/**
 * Removes `path` from its end a slice at a time (each cut synced: see `PACED_SYNC_BYTES`), down
 * to its first `keep` bytes, then unlinks it. Only for files nothing reads again: a crash or a
 * failure partway leaves a shorter file that the next load deletes, so this never throws.
 */
export function removeInSlices(path: string, keep: number, sync: boolean): void {
  try {
    if (sync) {
      for (let size = statSync(path).size; size > keep; ) {
        size = Math.max(keep, size - PACED_SYNC_BYTES);
        truncateFile(path, size, sync);
      }
    }
    unlinkSync(path);
  } catch {
    removeQuietly(path);
  }
}

/** A new file at `path`, written by `write` and synced (as it goes, and at the end); on failure it is removed. */
export function writeFileSynced(path: string, sync: boolean, write: (file: FileWriter) => void): void {
  try {
    const fd = openSync(path, 'w');
    try {
      write(new FileWriter(fd, sync ? PACED_SYNC_BYTES : Infinity));
      if (sync) fdatasyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch (e) {
    removeQuietly(path);
    throw e;
  }
}

/** Cuts `path` to `size` bytes, synced. */
export function truncateFile(path: string, size: number, sync: boolean): void {
  const fd = openSync(path, 'r+');
  try {
    ftruncateSync(fd, size);
    if (sync) fdatasyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** The suffix of a file written before it is renamed into place. */
export const TMP = '.tmp';

/**
 * Makes renames and unlinks in `dir` durable: they change the directory, which a file's own
 * fsync does not cover on Linux.
 */
export function syncDirectory(dir: string): void {
  // Windows cannot open a directory for fsync, and NTFS journals its renames itself.
  if (process.platform === 'win32') return;
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } catch (e) {
    // A file system that cannot sync a directory (some network and FUSE ones) orders its renames
    // itself or not at all: nothing to wait for. A real I/O error is still an error.
    if (!DIRECTORY_SYNC_UNSUPPORTED.has(errorCode(e))) throw e;
  } finally {
    closeSync(fd);
  }
}

const DIRECTORY_SYNC_UNSUPPORTED: ReadonlySet<unknown> = new Set(['EINVAL', 'ENOTSUP', 'EOPNOTSUPP', 'EISDIR']);

export function removeQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // Already gone, or never written: either way not there to be read.
  }
}

export function errorCode(e: unknown): unknown {
  return typeof e === 'object' && e !== null ? (e as { code?: unknown }).code : undefined;
}
