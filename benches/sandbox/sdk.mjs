// The sandbox benchmark's build of `@vinr/sdk/sandbox` (bundled by bench.mjs into target/bench/):
// the package's own sources from js/src over the release engine Wasm of pkg/, plus what the
// benchmark reads and the package does not export: the raw `SandboxCore` class (to time the
// boundary and the core without the fetch face) and the size of the instance's memory. The
// `#engine-core` glue it is bundled with is glue.mjs.
import { readFileSync } from 'node:fs';
import { engineWasm, provideEngineModule } from '../../js/src/engine-core.ts';

export * from '../../js/src/sandbox/index.ts';
export { wasmMemoryBytes } from '#engine-core';

/** Provides the release engine Wasm (`pkg/dist/vinr_engine_bg.wasm`) and returns the raw `SandboxCore`. */
export function loadEngine(wasmFile) {
  provideEngineModule(new WebAssembly.Module(readFileSync(wasmFile)));
  return engineWasm.instance().SandboxCore;
}
