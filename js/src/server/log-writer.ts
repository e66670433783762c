/**
 * The serving thread's side of the file storage's threads (`storage-threads.ts`): the log
 * writer, started with the first load, and a compactor per compaction. Operations go to the
 * writer in order and settle in order; an append settles as soon as the serving thread calls
 * `poll()` after the writer marked it done (the sandbox polls before each request), or else
 * when the writer's message arrives.
 */
import { Worker } from 'node:worker_threads';
import { messageOf, VinrConfigurationError, VinrStorageError } from '../errors.js';
import type { DataDirectory } from './data-dir.js';
import { POOLED_BELOW, STATUS_SLOTS, type CompactorData, type CompactorReply, type StorageFailure, type WriterData, type WriterReply, type WriterRequest } from './storage-threads.js';

let workerFile: URL | undefined;

/**
 * Where the storage threads' script is (`storage-worker.mjs`, beside the entry): each Node
 * entry of `@vinr/sdk/server` says, as it provides the engine's Wasm.
 */
export function provideStorageWorker(url: URL): void {
  workerFile ??= url;
}

function startWorker(data: WriterData | CompactorData): Worker {
  if (workerFile === undefined) {
    throw new VinrConfigurationError('the file storage threads were not provided: import fileStorage from @vinr/sdk/server', {
      code: 'storage_unavailable',
    });
  }
  return new Worker(workerFile, { workerData: data });
}

interface Pending {
  seq: number;
  /** A load settles only with the writer's message, which carries the files' contents. */
  carriesData: boolean;
  resolve(reply: WriterReply): void;
  reject(error: VinrStorageError): void;
}

export class LogWriter {
  readonly #data: WriterData;
  readonly #status: Int32Array;
  #worker: Worker | undefined;
  #seq = 0;
  /** In the order posted, which is the order the writer settles them. */
  readonly #pending: Pending[] = [];

  constructor(dir: string, sync: boolean, parents: string[]) {
    const status = new SharedArrayBuffer(STATUS_SLOTS * 4);
    this.#status = new Int32Array(status);
    // No sequence number is 0 (they start at 1 and skip it on wrapping): an untouched slot is never a match.
    this.#data = { role: 'writer', dir, sync, parents, status };
  }

  /** Reads the directory (repairing what a crash left) and opens the log for appending. */
  async load(): Promise<DataDirectory> {
    const reply = await this.#post({ op: 'load' }, true);
    return reply.loaded as DataDirectory;
  }

  /**
   * Appends `frame` (a `FrameBuilder`'s), synced; its buffer moves to the writer, which joins it
   * with any other append queued behind the sync in flight.
   */
  append(frame: Buffer): Promise<unknown> {
    // Only a buffer of its own moves (FrameBuilder's); a view into Node's shared pool is copied.
    const transfer = frame.byteOffset === 0 && frame.buffer.byteLength >= POOLED_BELOW ? [frame.buffer as ArrayBuffer] : [];
    return this.#post({ op: 'append', frame }, false, transfer);
  }

  /** Renames the log to the old log and starts an empty one, for the compactor. */
  rotate(): Promise<unknown> {
    return this.#post({ op: 'rotate' }, false);
  }

  /** Closes the log and ends the thread, once everything posted before is done. */
  async close(): Promise<void> {
    const worker = this.#worker;
    if (worker === undefined) return;
    try {
      await this.#post({ op: 'close' }, false);
    } finally {
      this.#worker = undefined;
      await worker.terminate();
    }
  }

  /** Settles the operations the writer has finished, in order, up to the first it has not. */
  poll(): void {
    const pending = this.#pending;
    for (let head = pending[0]; head !== undefined && !head.carriesData; head = pending[0]) {
      if (Atomics.load(this.#status, head.seq & (STATUS_SLOTS - 1)) !== head.seq) return;
      pending.shift();
      head.resolve({ seq: head.seq });
    }
    if (pending.length === 0) this.#worker?.unref();
  }

  #post(request: { op: 'load' } | { op: 'append'; frame: Buffer } | { op: 'rotate' } | { op: 'close' }, carriesData: boolean, transfer: ArrayBuffer[] = []): Promise<WriterReply> {
    let worker: Worker;
    try {
      worker = this.#worker ?? this.#start();
    } catch (e) {
      return Promise.reject(e);
    }
    this.#seq = (this.#seq + 1) | 0 || 1;
    const seq = this.#seq;
    const message: WriterRequest = { seq, ...request };
    return new Promise<WriterReply>((resolve, reject) => {
      this.#pending.push({ seq, carriesData, resolve, reject });
      worker.ref();
      worker.postMessage(message, transfer);
    });
  }

  #start(): Worker {
    const worker = startWorker(this.#data);
    worker.on('message', (reply: WriterReply) => this.#settle(reply));
    // A thread that stopped (a bug, or memory) fails what it held; the next load starts another.
    const stopped = (why: string): void => {
      if (this.#worker !== worker) return;
      this.#worker = undefined;
      for (const p of this.#pending.splice(0)) {
        p.reject(new VinrStorageError(`the file storage's writer thread stopped: ${why}`, { code: 'storage_io_failed' }));
      }
    };
    worker.on('error', (e: unknown) => stopped(messageOf(e)));
    worker.on('exit', (code) => stopped(`it exited with code ${code}`));
    this.#worker = worker;
    return worker;
  }

  /** The writer's answer to every request up to `reply.seq` that `poll` did not settle. */
  #settle(reply: WriterReply): void {
    this.poll();
    const pending = this.#pending;
    for (let head = pending[0]; head !== undefined && ((reply.seq - head.seq) | 0) >= 0; head = pending[0]) {
      pending.shift();
      if (reply.failure === undefined) head.resolve(reply);
      else head.reject(storageError(reply.failure, 'the file storage could not write its log'));
    }
    if (pending.length === 0) this.#worker?.unref();
  }
}

/**
 * Runs one compaction in a thread of its own: snapshot + old log → the next snapshot, in place,
 * and the old log deleted. Resolves to the new generation and the snapshot's size.
 */
export function runCompaction(dir: string, sync: boolean): Promise<{ generation: number; snapshotBytes: number }> {
  return new Promise((resolve, reject) => {
    let worker: Worker;
    try {
      worker = startWorker({ role: 'compactor', dir, sync });
    } catch (e) {
      reject(e);
      return;
    }
    // Not a reason to keep the process alive: an unfinished compaction is finished by the next load.
    worker.unref();
    let replied = false;
    worker.once('message', (reply: CompactorReply) => {
      replied = true;
      const { failure, generation, snapshotBytes } = reply;
      if (failure !== undefined || generation === undefined || snapshotBytes === undefined) {
        reject(storageError(failure ?? { message: 'no result', code: undefined }, `could not compact ${dir}`));
      } else {
        resolve({ generation, snapshotBytes });
      }
    });
    worker.once('error', (e: unknown) => reject(storageError({ message: messageOf(e), code: undefined }, `could not compact ${dir}`)));
    worker.once('exit', (code) => {
      if (!replied) reject(storageError({ message: `the compactor thread exited with code ${code}`, code: undefined }, `could not compact ${dir}`));
    });
  });
}

/** A thread's failure as the error the storage's caller gets. */
function storageError(failure: StorageFailure, what: string): VinrStorageError {
  if (failure.code !== undefined) return new VinrStorageError(failure.message, { code: failure.code });
  return new VinrStorageError(`${what}: ${failure.message}`, { code: 'storage_io_failed' });
}
