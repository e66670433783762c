/**
 * The file storage's two threads, the code that runs in them (`entry/storage-worker.ts` starts
 * one or the other). Everything here blocks: that is what the threads are for, so that the
 * thread serving requests never waits on a disk.
 *
 * - The **log writer** owns the data directory's log. It takes operations in order from the
 *   serving thread (load, append, rotate, close) and answers each by message. An append also
 *   marks its outcome in shared memory, so the serving thread learns of it at its next request
 *   (`LogWriter.poll`) instead of at its event loop's next turn, which under load can be a few
 *   milliseconds and dozens of requests later.
 * - The **compactor** turns the snapshot and the old log into the next snapshot (the engine's
 *   `RecordMerger`, which reads only the records' keys), replaces the snapshot and deletes the
 *   old log, then ends.
 */
import { closeSync, fdatasyncSync, ftruncateSync, openSync, renameSync } from 'node:fs';
import { constants, setPriority } from 'node:os';
import { join } from 'node:path';
import { receiveMessageOnPort, type MessagePort } from 'node:worker_threads';
import { messageOf, VinrError } from '../errors.js';
import { LOG, OLD_LOG, OldLogFile, readDataDirectory, SNAPSHOT, SnapshotFile, type DataDirectory } from './data-dir.js';
import { crc32c } from './crc32c.js';
import { removeInSlices, replaceFileWith, syncDirectory, TMP, writeAll, writeFileSynced } from './durable-fs.js';
import { encodeFileHeader, encodeSnapshotPrefix, FILE_HEADER_BYTES, FRAME_HEADER_BYTES, sealFrame, SNAPSHOT_PREFIX_BYTES } from './log-format.js';

/** Why an operation failed: a `VinrStorageError`'s code and message, or an I/O error's message (no code). */
export interface StorageFailure {
  message: string;
  code: string | undefined;
}

export interface WriterData {
  role: 'writer';
  dir: string;
  sync: boolean;
  /** Directories whose new entries must be synced with the first log created. */
  parents: string[];
  /** `STATUS_SLOTS` Int32 slots: slot `seq % STATUS_SLOTS` holds `seq` once that operation succeeded. */
  status: SharedArrayBuffer;
}

export type WriterRequest = { seq: number } & ({ op: 'load' } | { op: 'append'; frame: Uint8Array } | { op: 'rotate' } | { op: 'close' });
type AppendRequest = Extract<WriterRequest, { op: 'append' }>;

/** The outcome of every request up to `seq` not answered yet (a group of appends is answered once). */
export interface WriterReply {
  seq: number;
  failure?: StorageFailure | undefined;
  loaded?: DataDirectory | undefined;
}

export interface CompactorData {
  role: 'compactor';
  dir: string;
  sync: boolean;
}

export interface CompactorReply {
  failure?: StorageFailure | undefined;
  generation?: number;
  snapshotBytes?: number;
}

export const STATUS_SLOTS = 1024;

/** The log writer's loop: one operation at a time, in the order they were posted. */
export function runLogWriter(port: MessagePort, data: WriterData): void {
  const status = new Int32Array(data.status);
  const logPath = join(data.dir, LOG);
  let parents = data.parents;
  /** The open log; undefined before the first load, and after a failure that may have left the files other than believed. */
  let fd: number | undefined;
  let size = 0;
  let generation = 0;

  const opened = (what: string): number => {
    if (fd === undefined) throw new Error(`${what}: an earlier write failed, and the directory must be read again first`);
    return fd;
  };
  const closeLog = (): void => {
    const open = fd;
    fd = undefined;
    if (open !== undefined) closeSync(open);
  };

  /**
   * Appends the frames of consecutive append requests as one frame: one write and one sync for
   * all of them (group commit), and a crash can only tear that one frame, the last.
   */
  const appendAll = (requests: AppendRequest[]): void => {
    const log = opened(`could not append to ${logPath}`);
    const frame = sealFrame(joinFrames(requests.map((r) => r.frame)));
    try {
      writeAll(log, frame);
      if (data.sync) fdatasyncSync(log);
    } catch (e) {
      undo(log, size);
      throw e;
    }
    size += frame.length;
  };

  const run = (request: Exclude<WriterRequest, AppendRequest>): WriterReply => {
    switch (request.op) {
      case 'load': {
        closeLog();
        const loaded = readDataDirectory(data.dir, data.sync, parents);
        parents = [];
        fd = openSync(logPath, 'a');
        size = loaded.logBytes;
        generation = loaded.oldLog ? loaded.generation + 1 : loaded.generation;
        return { seq: request.seq, loaded };
      }
      case 'rotate': {
        opened(`could not rotate ${logPath}`);
        // The new log is whole on disk before the old one moves: a crash leaves the old log in
        // place, the old log renamed and no log (readDataDirectory makes an empty one), or both.
        const next = generation + 1;
        writeFileSynced(logPath + TMP, data.sync, (file) => file.append(encodeFileHeader('log', next)));
        closeLog();
        renameSync(logPath, join(data.dir, OLD_LOG));
        renameSync(logPath + TMP, logPath);
        if (data.sync) syncDirectory(data.dir);
        fd = openSync(logPath, 'a');
        size = FILE_HEADER_BYTES;
        generation = next;
        return { seq: request.seq };
      }
      case 'close':
        closeLog();
        return { seq: request.seq };
    }
  };

  /**
   * After a failed write: cut what it may have written, so that no frame lands behind a partial
   * one (which would make it middle damage), and close the log. Appends already posted behind
   * the failed one are refused until the serving thread loads again: storing any of them would
   * break the storage's promise (`ordered`: nothing after a failed batch). If the cut fails too,
   * that load cuts the partial frame itself.
   */
  const undo = (log: number, before: number): void => {
    try {
      ftruncateSync(log, before);
      if (data.sync) fdatasyncSync(log);
    } catch {
      // The load that must come next cuts it.
    }
    closeLog();
  };

  const mark = (seq: number): void => {
    Atomics.store(status, seq & (STATUS_SLOTS - 1), seq);
  };

  /** Runs `requests` in order, appends in groups; one reply per group or other request. */
  const runAll = (requests: WriterRequest[]): void => {
    for (let i = 0; i < requests.length; ) {
      const request = requests[i] as WriterRequest;
      let reply: WriterReply;
      if (request.op === 'append') {
        let end = i + 1;
        while (requests[end]?.op === 'append') end++;
        const group = requests.slice(i, end) as AppendRequest[];
        const last = (group[group.length - 1] as AppendRequest).seq;
        try {
          appendAll(group);
          for (const r of group) mark(r.seq);
          reply = { seq: last };
        } catch (e) {
          reply = { seq: last, failure: failureOf(e) };
        }
        i = end;
      } else {
        try {
          reply = run(request);
          mark(request.seq);
        } catch (e) {
          closeLog();
          reply = { seq: request.seq, failure: failureOf(e) };
        }
        i++;
      }
      port.postMessage(reply, reply.loaded === undefined ? [] : buffersOf(reply.loaded));
    }
  };

  // Everything that queued up while the last sync ran goes into the next one.
  port.on('message', (first: WriterRequest) => {
    const requests = [first];
    for (let next = receiveMessageOnPort(port); next !== undefined; next = receiveMessageOnPort(port)) {
      requests.push(next.message as WriterRequest);
    }
    runAll(requests);
  });
}

/** One unsealed frame holding the bodies of `frames` (each a `FrameBuilder`'s), in order. */
function joinFrames(frames: Uint8Array[]): Buffer {
  const first = frames[0] as Uint8Array;
  if (frames.length === 1) return Buffer.from(first.buffer, first.byteOffset, first.byteLength);
  let length = FRAME_HEADER_BYTES;
  for (const f of frames) length += f.length - FRAME_HEADER_BYTES;
  const joined = Buffer.allocUnsafe(length);
  let at = FRAME_HEADER_BYTES;
  for (const f of frames) {
    joined.set(f.subarray(FRAME_HEADER_BYTES), at);
    at += f.length - FRAME_HEADER_BYTES;
  }
  return joined;
}

/** The engine's compaction (its `RecordMerger`): two passes over the same pieces of whole lines. */
export interface RecordMerger {
  scan(piece: Uint8Array): void;
  /** The records of `piece` that survive. */
  keep(piece: Uint8Array): Uint8Array;
  /** Throws unless `keep` saw every record `scan` did. */
  finish(): void;
}

/**
 * The compactor: the snapshot (generation `S`, or none) and the old log (which follows `S`)
 * become snapshot `S + 1`, written beside and renamed over the old one; then the old log goes.
 * The engine sees them a piece at a time, twice (see `RecordMerger`): the new snapshot is
 * written as it comes, and nothing the size of the state is made besides the two files read.
 */
export function runCompactor(port: MessagePort, data: CompactorData, newMerger: () => RecordMerger): void {
  yieldTheCores();
  let reply: CompactorReply;
  try {
    reply = compact(data, newMerger);
  } catch (e) {
    reply = { failure: failureOf(e) };
  }
  port.postMessage(reply);
}

function compact(data: CompactorData, newMerger: () => RecordMerger): CompactorReply {
  const snapshotPath = join(data.dir, SNAPSHOT);
  const oldPath = join(data.dir, OLD_LOG);
  const snapshot = SnapshotFile.open(snapshotPath);
  let oldLog: OldLogFile | undefined;
  try {
    const generation = snapshot?.generation ?? 0;
    const log = OldLogFile.open(oldPath, generation, snapshotPath);
    if (log === undefined) throw new Error(`${oldPath}, the log to compact, is missing`);
    oldLog = log;
    const merger = newMerger();
    // The first pass checks the files' checksums; the second reads what it checked.
    for (const piece of piecesOf(snapshot, log, true)) {
      merger.scan(piece);
      giveWay();
    }
    let length = 0;
    let crc = 0;
    replaceFileWith(snapshotPath, data.sync, (file) => {
      // The prefix holds the snapshot's length and checksum: written over once they are known.
      file.append(Buffer.alloc(SNAPSHOT_PREFIX_BYTES));
      for (const piece of piecesOf(snapshot, log, false)) {
        const kept = merger.keep(piece);
        crc = crc32c(kept, 0, kept.length, crc);
        length += kept.length;
        file.append(kept);
        giveWay();
      }
      merger.finish();
      file.overwrite(encodeSnapshotPrefix(generation + 1, length, crc), 0);
    });
    // From here the snapshot holds the old log: a crash before it is gone leaves a log (its
    // header at least) that the next load recognises by its generation and deletes.
    removeInSlices(oldPath, FILE_HEADER_BYTES, data.sync);
    if (data.sync) syncDirectory(data.dir);
    return { generation: generation + 1, snapshotBytes: length };
  } finally {
    snapshot?.close();
    oldLog?.close();
  }
}

/**
 * About how much the engine is handed at a time: a piece in, the records kept of it out. Small
 * enough that the compactor gives way often (~0.5 ms of work per piece, see `giveWay`).
 */
const PIECE_BYTES = 128 * 1024;

const giveWayCell = new Int32Array(new SharedArrayBuffer(4));
const GIVE_WAY_MS = 0.02;

/**
 * Sleeps for a moment (20 µs, plus the kernel's timer slack), after each piece, so that a
 * serving or writing thread that woke meanwhile gets this core now: a thread that wakes on a
 * core busy with a nice-19 thread may otherwise wait for the scheduler's next tick (4 ms on the
 * machine measured). Measured with the `benches/server` flow (2 cores, 50 connections,
 * durable, 10 s runs): requests answered while the snapshot was written had a p99 of 11–16 ms
 * with 1 MiB pieces and no pause (six runs), 7.6–9.2 ms with 128 KiB pieces and this pause
 * (three); whole runs 9.0–11.8 ms against 8.1–9.1 ms. Smaller pieces without the pause did
 * nothing (9.7–10.0 ms). The compaction takes longer, ~3.5 s instead of ~2.5 s.
 */
function giveWay(): void {
  Atomics.wait(giveWayCell, 0, 0, GIVE_WAY_MS);
}

/**
 * The snapshot and the old log's batches as pieces of whole lines, of about `PIECE_BYTES` each:
 * the snapshot's (see `SnapshotFile.pieces`), then the batches (a few KB each) joined by
 * newlines (records are lines, so any number of batches joined is lines). Each pass walks the
 * same pieces, and with `verify` checks the files' checksums. A piece may be a view of a
 * buffer that the next one reuses.
 */
function* piecesOf(snapshot: SnapshotFile | undefined, oldLog: OldLogFile, verify: boolean): Generator<Uint8Array> {
  if (snapshot !== undefined) yield* snapshot.pieces(PIECE_BYTES, verify);
  const joined = Buffer.allocUnsafe(PIECE_BYTES);
  let used = 0;
  for (const batch of oldLog.batches(PIECE_BYTES, verify)) {
    if (used + batch.length + 1 > joined.length) {
      if (used > 0) yield joined.subarray(0, used);
      used = 0;
      if (batch.length + 1 > joined.length) {
        yield batch;
        continue;
      }
    }
    joined.set(batch, used);
    joined[used + batch.length] = 0x0a;
    used += batch.length + 1;
  }
  if (used > 0) yield joined.subarray(0, used);
}

/**
 * Makes this thread give way to the serving and writing threads, on Linux, where each thread
 * has its own nice value: a compaction can wait, the requests it would take a core from cannot.
 * Elsewhere a nice value is the whole process's, so it is left alone.
 *
 * Nice 19 only, and not also the SCHED_IDLE policy, which `chrt` set here before: in five
 * alternating pairs of 10 s runs of the `benches/server` flow (2 cores, kernel 6.18, 50
 * connections), the durable server's p99 was 8.3–9.4 ms with the compactor at nice 19 and
 * 10.3–11.7 ms with it under SCHED_IDLE, whose compaction also took longer (~3.3 s, not
 * ~2.3 s). Beside two busy loops, a thread woken by its `fdatasync` sometimes waited out a
 * scheduler tick (4 ms) before it ran: in three runs of four with SCHED_IDLE loops, one of
 * four with nice-19 ones.
 */
function yieldTheCores(): void {
  if (process.platform !== 'linux') return;
  try {
    setPriority(0, constants.priority.PRIORITY_LOW);
  } catch {
    // Not allowed (a sandboxed process): the compaction runs as it can.
  }
}

function failureOf(e: unknown): StorageFailure {
  return { message: messageOf(e), code: e instanceof VinrError ? e.code : undefined };
}

/**
 * The buffers under the snapshot and batches that are moved to the serving thread rather than
 * copied: the files' own. A small file's bytes may sit in Node's shared buffer pool, which must
 * not move (and is cheap to copy).
 */
function buffersOf(loaded: DataDirectory): ArrayBuffer[] {
  const buffers = new Set<ArrayBuffer>();
  for (const view of [loaded.snapshot, ...loaded.batches]) {
    if (view !== undefined && view.buffer.byteLength > POOLED_BELOW) buffers.add(view.buffer as ArrayBuffer);
  }
  return [...buffers];
}

/** Node pools the buffers of allocations under 4 KiB (`Buffer.poolSize >>> 1`); 8 KiB leaves room. */
export const POOLED_BELOW = 8192;
