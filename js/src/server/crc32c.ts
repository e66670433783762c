/**
 * CRC-32C (Castagnoli), the checksum of the file storage's frames: the polynomial storage
 * formats use (iSCSI, ext4, LevelDB, Kafka), better at catching the burst errors a disk makes
 * than the zlib CRC-32.
 *
 * Slicing-by-8: eight 256-entry tables let the loop take eight bytes per step instead of one,
 * several times faster in V8 than the byte-at-a-time loop (every append and every load checks
 * every byte it stores).
 */

/** The reflected Castagnoli polynomial 0x1EDC6F41. */
const POLYNOMIAL = 0x82f63b78;

/** Table k (entries k*256 … k*256+255): the CRC of a byte followed by k zero bytes. */
let tables: Uint32Array | undefined;

function makeTables(): Uint32Array {
  const t = new Uint32Array(8 * 256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ POLYNOMIAL : c >>> 1;
    t[n] = c;
  }
  for (let n = 0; n < 256; n++) {
    let c = t[n] as number;
    for (let k = 1; k < 8; k++) {
      c = (t[c & 0xff] as number) ^ (c >>> 8);
      t[k * 256 + n] = c;
    }
  }
  return t;
}

/**
 * The CRC-32C of `bytes[start, end)`, as an unsigned 32-bit number; with `crc`, the CRC-32C of
 * the bytes whose CRC-32C that is followed by these (so a file written in pieces is checksummed
 * piece by piece).
 * `crc32c(new TextEncoder().encode('123456789')) === 0xe3069283`.
 */
export function crc32c(bytes: Uint8Array, start = 0, end = bytes.length, crc = 0): number {
  // Built on first use, not at import: a module that only imports the server entry pays nothing.
  tables ??= makeTables();
  // Typed-array reads past the end give undefined, never a wrong number, and every index here
  // is masked to 0…255 or bounded by `end`: the casts only tell the compiler so.
  const t = tables;
  const b = bytes;
  let c = ~crc;
  let i = start;
  for (const stop = end - 7; i < stop; i += 8) {
    const lo = c ^ ((b[i] as number) | ((b[i + 1] as number) << 8) | ((b[i + 2] as number) << 16) | ((b[i + 3] as number) << 24));
    c =
      (t[0x700 + (lo & 0xff)] as number) ^
      (t[0x600 + ((lo >>> 8) & 0xff)] as number) ^
      (t[0x500 + ((lo >>> 16) & 0xff)] as number) ^
      (t[0x400 + (lo >>> 24)] as number) ^
      (t[0x300 + (b[i + 4] as number)] as number) ^
      (t[0x200 + (b[i + 5] as number)] as number) ^
      (t[0x100 + (b[i + 6] as number)] as number) ^
      (t[b[i + 7] as number] as number);
  }
  for (; i < end; i++) c = (t[(c ^ (b[i] as number)) & 0xff] as number) ^ (c >>> 8);
  return ~c >>> 0;
}
