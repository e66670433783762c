/**
 * @internal The sandbox benchmark's view of the core (`benches/sandbox/bench.mjs`): the raw
 * `SandboxCore` class, to time the Wasm boundary and core without the `fetch` face, and the
 * size of the Wasm memory. Not API.
 */
import { sandboxWasm } from './core.js';

export function __sandboxBench() {
  return sandboxWasm.call((w) => ({ SandboxCore: w.SandboxCore, wasmMemoryBytes: () => w.wasmMemoryBytes() }));
}
