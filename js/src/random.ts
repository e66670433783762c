/**
 * The host's random source. A module of its own, importing nothing, so that entries on another
 * Wasm build (the sandbox) can use it without pulling in the full SDK's glue.
 */

/** Fills its argument with cryptographically strong random bytes. */
export type RandomFill = (bytes: Uint8Array) => void;

/** The platform's CSPRNG: Web Crypto exists in every runtime the SDK supports. */
export const cryptoRandom: RandomFill = (bytes) => {
  globalThis.crypto.getRandomValues(bytes);
};
