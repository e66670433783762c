/**
 * The data directory's lock: one process at a time per directory, since two writers appending
 * to one log would interleave their frames. Synchronous, so that a second server on the same
 * directory fails at once, before it serves anything.
 */
import { linkSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { messageOf, VinrStorageError } from '../errors.js';

const LOCK = 'sandbox.lock';
const TMP = '.tmp';

/** Who holds a lock: a process id, and when that process started (ms since the epoch). */
interface Holder {
  pid: number;
  started: number | undefined;
}

let startedAt: number | undefined;
/**
 * When this process started. Written into the lock next to the pid, because a pid alone cannot
 * tell this process from an earlier one that had the same id (a restarted container's server is
 * often pid 1 again), nor from another thread or module copy of this one, which has the same pid.
 */
function processStart(): number {
  return (startedAt ??= Math.round(Date.now() - process.uptime() * 1000));
}

/**
 * Creates `dir/sandbox.lock` holding this process's id. A lock whose process is gone (killed,
 * crashed) is taken over: the lock must not outlive its holder, or a crash would need a person
 * to recover from.
 */
export function acquireLock(dir: string): void {
  const lock = join(dir, LOCK);
  // A few rounds: each ends in success, a live holder, or a race lost to another process that
  // changed the lock meanwhile, which the next round looks at again.
  for (let round = 0; ; round++) {
    if (createExclusive(lock)) return;
    const holder = readHolder(lock);
    if (holder !== 'gone') {
      if (holder === undefined) {
        throw locked(dir, lock, `an unknown process (the lock file names none; delete ${lock} if no server uses the directory)`);
      }
      if (isThisProcess(holder)) throw locked(dir, lock, 'this process (close() the other fileStorage on it first)');
      if (alive(holder.pid)) throw locked(dir, lock, `process ${holder.pid}`);
      if (takeOver(lock, holder)) return;
    }
    if (round === 2) throw locked(dir, lock, 'another process starting on it at the same time');
  }
}

/**
 * Replaces the lock of the dead `holder` with ours. Guarded by a second lock file, so that two
 * processes finding the same stale lock cannot both take it: the second one to get the guard
 * finds the first one's lock, not the dead one's.
 */
function takeOver(lock: string, holder: Holder): boolean {
  const guard = lock + '.takeover';
  if (!createExclusive(guard)) {
    // A guard is held for microseconds; one left behind is from a process that died holding it.
    const guardHolder = readHolder(guard);
    if (typeof guardHolder === 'object' && !isThisProcess(guardHolder) && !alive(guardHolder.pid)) removeQuietlySync(guard);
    return false;
  }
  try {
    const now = readHolder(lock);
    if (typeof now !== 'object' || now.pid !== holder.pid || now.started !== holder.started) return false;
    const tmp = `${lock}.${process.pid}${TMP}`;
    writeFileSync(tmp, lockText());
    renameSync(tmp, lock);
    return true;
  } finally {
    removeQuietlySync(guard);
  }
}

function lockText(): string {
  return `${process.pid} ${processStart()}\n`;
}

/**
 * Creates `path` holding this process's id, unless it exists. Through a hard link to a complete
 * temporary file, so that nobody ever reads the lock empty (half created), which would be
 * neither a live holder nor a dead one.
 */
function createExclusive(path: string): boolean {
  const tmp = `${path}.${process.pid}${TMP}`;
  try {
    writeFileSync(tmp, lockText());
    linkSync(tmp, path);
    return true;
  } catch (e) {
    if (errorCode(e) === 'EEXIST') return false;
    // A file system without hard links: an exclusive create, with its tiny empty window.
    try {
      writeFileSync(path, lockText(), { flag: 'wx' });
      return true;
    } catch (e2) {
      if (errorCode(e2) === 'EEXIST') return false;
      throw new VinrStorageError(`cannot create the lock file ${path}: ${messageOf(e2)}`, { code: 'storage_unavailable', cause: e2 });
    }
  } finally {
    removeQuietlySync(tmp);
  }
}

/** The holder a lock file names; 'gone' if there is no such file; undefined if it names none. */
function readHolder(path: string): Holder | 'gone' | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'latin1');
  } catch (e) {
    if (errorCode(e) === 'ENOENT') return 'gone';
    throw new VinrStorageError(`cannot read the lock file ${path}: ${messageOf(e)}`, { code: 'storage_unavailable', cause: e });
  }
  const [pid, started] = text.trim().split(/\s+/).map(Number);
  if (pid === undefined || !Number.isSafeInteger(pid) || pid <= 0) return undefined;
  return { pid, started: started !== undefined && Number.isSafeInteger(started) ? started : undefined };
}

function isThisProcess(holder: Holder): boolean {
  // Within a second: the start time is derived from the clock, which may have been adjusted.
  return holder.pid === process.pid && holder.started !== undefined && Math.abs(holder.started - processStart()) < 1000;
}

function alive(pid: number): boolean {
  // Our id but not our start time: an earlier process that had the same id.
  if (pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: it exists, under another user. Anything but "no such process" counts as alive.
    return errorCode(e) !== 'ESRCH';
  }
}

export function releaseLock(dir: string): void {
  const lock = join(dir, LOCK);
  const holder = readHolder(lock);
  // Only our own: never remove a lock another process holds.
  if (typeof holder === 'object' && isThisProcess(holder)) removeQuietlySync(lock);
}

function locked(dir: string, lock: string, holder: string): VinrStorageError {
  return new VinrStorageError(
    `the sandbox data directory ${dir} is in use by ${holder}: one process at a time may use it (lock file ${lock})`,
    { code: 'storage_locked' },
  );
}

function removeQuietlySync(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // Already gone, or not ours to remove: either way nothing to do.
  }
}

function errorCode(e: unknown): unknown {
  return typeof e === 'object' && e !== null ? (e as { code?: unknown }).code : undefined;
}
