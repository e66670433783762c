// The Node entries' webhook HMAC: node:crypto's (OpenSSL, on the CPU's SHA extensions) rather
// than the Wasm core's own SHA-256, which is what kept `verify` below stripe's constructEvent in
// Node (benches/webhooks). Only the MAC moves: the core still parses the header, tries the
// secrets, compares in constant time and applies the time policy (src/webhook/status.rs), and
// the payload goes to OpenSSL from a scratch buffer here, never copied into Wasm. Other runtimes
// keep the core's HMAC: node:crypto is not theirs to import.
//
// HMAC-SHA256 is built here from two one-shot `crypto.hash` calls (RFC 2104: SHA-256 of the
// outer key block and the inner digest, the inner digest being SHA-256 of the inner key block,
// the prefix and the payload) rather than taken from `createHmac`: a `createHmac` object costs
// ~2 µs to set up before it hashes a byte, two `hash` calls ~0.8 µs in all, which for a 0.5 KB
// body is most of the gap to constructEvent (measured on Node 20). `crypto.hash` arrived in Node
// 20.12 and 21.7; before it, `createHash` does the same two digests, slower.
import * as nodeCrypto from 'node:crypto';
import { provideHostMac } from './webhook-logic.js';

/** SHA-256's block size: HMAC pads (or first hashes) the key to it. */
const BLOCK = 64;
const DIGEST = 32;
/** Largest scratch buffer kept between calls; a larger payload gets one of its own, then dropped. */
const KEEP = 1 << 18;

/**
 * SHA-256 of `data` as a latin1 string (one character per byte): `hash` answers with a string
 * in about half the time it takes to make a Buffer. Read through the namespace on each call, so
 * that a replaced `crypto.hash` (the tests' counting and failing stand-ins) is the one called.
 */
function sha256(data: Uint8Array): string {
  return typeof nodeCrypto.hash === 'function'
    ? nodeCrypto.hash('sha256', data, 'latin1')
    : nodeCrypto.createHash('sha256').update(data).digest('latin1');
}

const utf8 = new TextEncoder();
/** Inner key block, prefix and payload, as one buffer for one `hash`; grown on demand. */
let scratch = new Uint8Array(4096);
/** Outer key block and the inner digest. */
const outer = new Uint8Array(BLOCK + DIGEST);
/** Inner key block. */
const ipad = new Uint8Array(BLOCK);
/**
 * The key whose blocks `ipad` and `outer` hold: a receiver MACs with the same key call after
 * call, and comparing it costs less than making the blocks again (~0.2 µs a MAC). Kept like the
 * core keeps the parsed secret list (status.rs): until another key replaces it, then zeroed.
 */
let blockKey: Uint8Array | undefined;

// Plain loops and Uint8Array methods below, not Buffer's `fill` and `write`: their argument
// checks measured ~0.3 µs a MAC.
provideHostMac((memory, payload) => {
  let failure: { thrown: unknown } | undefined;
  return {
    mac(key, keyLen, prefix, prefixLen, out) {
      // A UTF-16 unit never takes more than 3 UTF-8 bytes, so a string fits without measuring it.
      const need = BLOCK + prefixLen + (typeof payload === 'string' ? payload.length * 3 : payload.length);
      let inner = scratch;
      try {
        if (need > inner.length) {
          inner = new Uint8Array(need);
          if (need <= KEEP) scratch = inner;
        }
        const bytes = new Uint8Array(memory.buffer);
        // Not constant time, and need not be: both keys are the receiver's own; the time tells
        // only whether the key changed since the last MAC.
        let same = keyLen === blockKey?.length;
        for (let i = 0; same && i < keyLen; i++) same = bytes[key + i] === blockKey?.[i];
        if (!same) keyBlocks(bytes.subarray(key, key + keyLen));
        inner.set(ipad);
        inner.set(bytes.subarray(prefix, prefix + prefixLen), BLOCK);
        let end = BLOCK + prefixLen;
        if (typeof payload === 'string') {
          end += utf8.encodeInto(payload, inner.subarray(end)).written;
        } else {
          inner.set(payload, end);
          end += payload.length;
        }
        const digest = sha256(inner.subarray(0, end));
        for (let i = 0; i < DIGEST; i++) outer[BLOCK + i] = digest.charCodeAt(i);
        const mac = sha256(outer);
        for (let i = 0; i < DIGEST; i++) bytes[out + i] = mac.charCodeAt(i);
        return true;
      } catch (thrown) {
        failure ??= { thrown };
        return false;
      } finally {
        // A buffer for one large payload is not kept: its copy of the key block goes with it.
        if (inner !== scratch) inner.fill(0, 0, BLOCK);
      }
    },
    done() {
      if (failure !== undefined) throw failure.thrown;
    },
  };
});

/** Makes `ipad` and `outer`'s key block for `key`, and remembers the key (zeroing the last). */
function keyBlocks(key: Uint8Array): void {
  blockKey?.fill(0);
  // No key until the blocks are whole: if this throws, the next MAC makes them again.
  blockKey = undefined;
  // A key longer than a block is replaced by its digest (RFC 2104 §2); the core takes any length.
  const k = key.length > BLOCK ? latin1Bytes(sha256(key)) : key;
  for (let i = 0; i < BLOCK; i++) {
    const b = i < k.length ? (k[i] as number) : 0;
    ipad[i] = b ^ 0x36;
    outer[i] = b ^ 0x5c;
  }
  if (k !== key) k.fill(0);
  blockKey = key.slice();
}

function latin1Bytes(text: string): Uint8Array {
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return bytes;
}
