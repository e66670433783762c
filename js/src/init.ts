/** `init()`: the explicit, idempotent load step for runtimes that need one. */
import { loadCore } from './core.js';
import type { WasmSource } from './wasm-instance.js';

/** What `init()` accepts: the compiled module, its bytes, or a `fetch()` of the `.wasm`. */
export type { WasmSource };

/**
 * Loads the Wasm core. Every entry of `@vinr/sdk` loads it synchronously at import, so there
 * `init()` resolves at once and is only needed by code that wants to be portable to a host
 * that cannot (pass `source` there). Safe to call any number of times, concurrently.
 */
export function init(source?: WasmSource): Promise<void> {
  return loadCore(source);
}
