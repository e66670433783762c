/**
 * The bytes of the file storage's two files, and the checks that read them back. No I/O here:
 * `file-storage.ts` reads and writes, this module says what the bytes mean.
 *
 * Both files start with the same 24-byte header: an 8-byte magic (`VINR_LOG` or `VINRSNAP`), the
 * format version (u32), the generation (u64: how many snapshots the directory has had) and a
 * CRC-32C of those 20 bytes. All integers are little-endian.
 *
 * The snapshot file: header, u32 length, u32 CRC-32C of the snapshot, the snapshot.
 *
 * The log: header, then frames. A frame is what one append wrote in one write: u32 body length,
 * u32 CRC-32C of the body, u32 CRC-32C of those 8 bytes, then the body: each batch as a u32
 * length and its bytes. One frame per write (not per batch) is what makes the recovery rule
 * sound: a crash mid-write can damage only the last frame, and the rest of a group commit lives
 * or dies with it, as the storage contract asks ("all or a prefix, never part of one").
 *
 * The frame header has its own checksum so that a damaged length is known for what it is: without
 * it, a bit flip that made a middle frame's length run past the end of the file would look like
 * an unfinished write at the tail, and acknowledged frames behind it would be cut away.
 */
import { VinrStorageError } from '../errors.js';
import { crc32c } from './crc32c.js';

export type FileKind = 'log' | 'snapshot';

export const FORMAT_VERSION = 1;
export const FILE_HEADER_BYTES = 24;
export const FRAME_HEADER_BYTES = 12;
export const SNAPSHOT_PREFIX_BYTES = FILE_HEADER_BYTES + 8;

const MAGIC: Readonly<Record<FileKind, string>> = { log: 'VINR_LOG', snapshot: 'VINRSNAP' };

/** A file's header: its magic, the format version and `generation`. */
export function encodeFileHeader(kind: FileKind, generation: number): Buffer {
  const header = Buffer.alloc(FILE_HEADER_BYTES);
  header.write(MAGIC[kind], 0, 'latin1');
  header.writeUInt32LE(FORMAT_VERSION, 8);
  header.writeBigUInt64LE(BigInt(generation), 12);
  header.writeUInt32LE(crc32c(header, 0, 20), 20);
  return header;
}

/**
 * The generation in `file`'s header. Throws `storage_unrecognized` for a file that is not a vinr
 * sandbox file of this kind and version (an unrelated file must never be read as an empty log),
 * and `storage_corrupt` for a damaged header.
 */
export function readFileHeader(file: Uint8Array, kind: FileKind, path: string): number {
  const magic = MAGIC[kind];
  const start = Buffer.from(file.buffer, file.byteOffset, Math.min(file.length, 8)).toString('latin1');
  if (start !== magic) {
    const other: FileKind = kind === 'log' ? 'snapshot' : 'log';
    if (start === MAGIC[other]) {
      throw unrecognized(`${path} is a vinr sandbox ${other} file where the ${kind} should be`);
    }
    // Our magic cut short: our file, damaged (a header is always written whole, then renamed in).
    if (start.length < 8 && start === magic.slice(0, start.length)) {
      throw corrupt(path, 0, `the file is ${file.length} bytes, shorter than its ${FILE_HEADER_BYTES}-byte header`);
    }
    throw unrecognized(
      `${path} is not a vinr sandbox ${kind} file (it does not start with "${magic}"); ` +
        'is this the right data directory? The sandbox never overwrites a file it does not recognise',
    );
  }
  if (file.length < FILE_HEADER_BYTES) {
    throw corrupt(path, 0, `the file is ${file.length} bytes, shorter than its ${FILE_HEADER_BYTES}-byte header`);
  }
  const view = dataView(file);
  if (crc32c(file, 0, 20) !== view.getUint32(20, true)) throw corrupt(path, 0, 'the file header fails its checksum');
  const version = view.getUint32(8, true);
  if (version !== FORMAT_VERSION) {
    throw unrecognized(
      `${path} has format version ${version}, and this version of @vinr/sdk reads version ${FORMAT_VERSION}: ` +
        'it was written by another version of @vinr/sdk',
    );
  }
  return Number(view.getBigUint64(12, true));
}

/** What a snapshot file holds before its snapshot (of `length` bytes whose CRC-32C is `crc`). */
export function encodeSnapshotPrefix(generation: number, length: number, crc: number): Buffer {
  if (length > 0xffff_ffff) {
    throw new VinrStorageError(`a snapshot of ${length} bytes is more than the snapshot file's format holds (4 GiB)`, {
      code: 'storage_io_failed',
    });
  }
  const prefix = Buffer.allocUnsafe(SNAPSHOT_PREFIX_BYTES);
  encodeFileHeader('snapshot', generation).copy(prefix, 0);
  prefix.writeUInt32LE(length, FILE_HEADER_BYTES);
  prefix.writeUInt32LE(crc, FILE_HEADER_BYTES + 4);
  return prefix;
}

/**
 * The snapshot and its generation. Any damage is an error: the snapshot is written whole and
 * renamed into place, so unlike the log's tail it never holds an unfinished write.
 */
export function decodeSnapshotFile(file: Uint8Array, path: string): { generation: number; snapshot: Uint8Array } {
  const { generation, crc } = decodeSnapshotPrefix(file, file.length, path);
  if (crc32c(file, SNAPSHOT_PREFIX_BYTES) !== crc) throw snapshotChecksumFailed(path);
  return { generation, snapshot: file.subarray(SNAPSHOT_PREFIX_BYTES) };
}

/**
 * What the start of a snapshot file of `fileLength` bytes says: its generation, and the
 * length and checksum of the snapshot after the prefix (checked by the caller once it has read
 * the snapshot: see `snapshotChecksumFailed`).
 */
export function decodeSnapshotPrefix(start: Uint8Array, fileLength: number, path: string): { generation: number; length: number; crc: number } {
  const generation = readFileHeader(start, 'snapshot', path);
  if (start.length < SNAPSHOT_PREFIX_BYTES) {
    throw corrupt(path, FILE_HEADER_BYTES, 'the file ends inside the snapshot length and checksum');
  }
  const view = dataView(start);
  const length = view.getUint32(FILE_HEADER_BYTES, true);
  if (SNAPSHOT_PREFIX_BYTES + length !== fileLength) {
    throw corrupt(path, FILE_HEADER_BYTES, `the snapshot is declared as ${length} bytes, but the file holds ${fileLength - SNAPSHOT_PREFIX_BYTES}`);
  }
  return { generation, length, crc: view.getUint32(FILE_HEADER_BYTES + 4, true) };
}

export function snapshotChecksumFailed(path: string): VinrStorageError {
  return corrupt(path, SNAPSHOT_PREFIX_BYTES, 'the snapshot fails its checksum');
}

/**
 * Collects batches into one frame with its header left blank: the log writer's thread seals it
 * (`sealFrame`), so that checksumming is not the serving thread's work. The buffer grows by
 * doubling: one allocation for a whole group commit, not one per batch (each is memory outside
 * V8's heap, and enough of those make V8 collect garbage more often, a pause every request in
 * flight waits out).
 */
export class FrameBuilder {
  #frame = Buffer.allocUnsafeSlow(FRAME_BUILDER_START);
  #used = FRAME_HEADER_BYTES;

  /** Copies `batch` in (the caller may reuse it afterwards). */
  add(batch: Uint8Array): void {
    const needed = this.#used + 4 + batch.length;
    if (needed > this.#frame.length) {
      // Its own memory, not Node's shared pool: the frame moves to the writer's thread.
      const grown = Buffer.allocUnsafeSlow(Math.max(needed, 2 * this.#frame.length));
      this.#frame.copy(grown, 0, 0, this.#used);
      this.#frame = grown;
    }
    this.#frame.writeUInt32LE(batch.length, this.#used);
    this.#frame.set(batch, this.#used + 4);
    this.#used = needed;
  }

  /** The frame so far, as a view whose buffer may be moved to another thread; the builder is spent. */
  take(): Buffer {
    return this.#frame.subarray(0, this.#used);
  }
}

/** Room for a turn's worth of typical batches (a few KB each) before the first doubling. */
const FRAME_BUILDER_START = 64 * 1024;

/** Writes the header of a frame `FrameBuilder` made: the body's length and checksum, and the header's. */
export function sealFrame(frame: Buffer): Buffer {
  frame.writeUInt32LE(frame.length - FRAME_HEADER_BYTES, 0);
  frame.writeUInt32LE(crc32c(frame, FRAME_HEADER_BYTES), 4);
  frame.writeUInt32LE(crc32c(frame, 0, 8), 8);
  return frame;
}

/** What a log file holds. */
export interface LogScan {
  generation: number;
  /** Views into the file's bytes, in append order. */
  batches: Uint8Array[];
  /** Where the last whole frame ends: the file's length, unless its tail must be cut. */
  end: number;
  /** Why the bytes from `end` on are not a frame, when there are such bytes. */
  damage: string | undefined;
}

/**
 * Reads a log. A damaged frame with nothing whole after it is the tail of a write that never
 * completed (so never acknowledged): it is reported in `damage`, for the caller to cut. A damaged
 * frame with a whole frame anywhere after it is not, since that later frame was acknowledged and
 * cutting would lose it: that throws `storage_corrupt`, naming the damaged frame's offset.
 */
export function scanLog(file: Uint8Array, path: string): LogScan {
  const generation = readFileHeader(file, 'log', path);
  const view = dataView(file);
  const batches: Uint8Array[] = [];
  let at = FILE_HEADER_BYTES;
  while (at < file.length) {
    const frame = readFrame(file, view, at);
    if (typeof frame === 'string') {
      const whole = wholeFrameAfter(file, view, at + 1);
      if (whole !== undefined) {
        throw corrupt(
          path,
          at,
          `${frame}, and a whole frame follows at byte ${whole}; the frames after the damage hold acknowledged ` +
            'changes, so the sandbox will not start from the part before it',
        );
      }
      return { generation, batches, end: at, damage: frame };
    }
    splitBody(file, view, at + FRAME_HEADER_BYTES, frame, batches, path, at);
    at = frame;
  }
  return { generation, batches, end: at, damage: undefined };
}

/** The end of the whole frame at `at`, or what is wrong with it. */
function readFrame(file: Uint8Array, view: DataView, at: number): number | string {
  const bodyLength = readFrameHeader(file, view, at);
  if (typeof bodyLength === 'string') return bodyLength;
  const end = at + FRAME_HEADER_BYTES + bodyLength;
  if (end > file.length) return `a frame of ${end - at} bytes with only ${file.length - at} left in the file`;
  return frameBodyFails(file, view, at) ? FRAME_BODY_FAILS : end;
}

/** The body length that the frame header at `at` holds, or what is wrong with the header. */
export function readFrameHeader(bytes: Uint8Array, view: DataView, at: number): number | string {
  if (bytes.length - at < FRAME_HEADER_BYTES) return `a frame header cut short at ${bytes.length - at} bytes`;
  if (crc32c(bytes, at, at + 8) !== view.getUint32(at + 8, true)) return 'a frame header that fails its checksum';
  return view.getUint32(at, true);
}

/** Whether the body of the frame at `at` (whose header passed, and whose bytes are all there) fails its checksum. */
export function frameBodyFails(bytes: Uint8Array, view: DataView, at: number): boolean {
  const start = at + FRAME_HEADER_BYTES;
  return crc32c(bytes, start, start + view.getUint32(at, true)) !== view.getUint32(at + 4, true);
}

export const FRAME_BODY_FAILS = 'a frame that fails its checksum';

/**
 * The offset of the first whole frame (both checksums right) starting at or after `from`, if
 * any. Only read after damage, so its cost (an 8-byte checksum per offset) is paid only then.
 */
function wholeFrameAfter(file: Uint8Array, view: DataView, from: number): number | undefined {
  for (let at = from; at + FRAME_HEADER_BYTES <= file.length; at++) {
    if (typeof readFrame(file, view, at) === 'number') return at;
  }
  return undefined;
}

/** The batches of the body `[at, end)`; its checksum held, so a bad layout is not a torn write. */
export function splitBody(file: Uint8Array, view: DataView, at: number, end: number, into: Uint8Array[], path: string, frame: number): void {
  while (at < end) {
    const length = at + 4 <= end ? view.getUint32(at, true) : -1;
    if (length < 0 || at + 4 + length > end) {
      throw corrupt(path, frame, 'the frame passes its checksums, but its batch lengths do not add up to its body');
    }
    into.push(file.subarray(at + 4, at + 4 + length));
    at += 4 + length;
  }
}

export function dataView(file: Uint8Array): DataView {
  return new DataView(file.buffer, file.byteOffset, file.byteLength);
}

export function corrupt(path: string, offset: number, what: string): VinrStorageError {
  return new VinrStorageError(`${path} is damaged at byte offset ${offset}: ${what}`, { code: 'storage_corrupt' });
}

function unrecognized(message: string): VinrStorageError {
  return new VinrStorageError(message, { code: 'storage_unrecognized' });
}
