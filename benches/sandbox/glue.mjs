// `#engine-core` in the benchmark's bundle (sdk.mjs): the package's engine glue, unchanged, but
// remembering the memory of the instance it made, which the glue keeps to itself.
import { createCore as createGlue } from '../../target/bindgen/engine/core.js';

let memory;

export function createCore() {
  const glue = createGlue();
  const initSync = glue.initSync;
  glue.initSync = (input) => {
    // initSync returns the instance's raw exports, the memory among them.
    const raw = initSync(input);
    memory = raw.memory;
    return raw;
  };
  return glue;
}

/** The live instance's linear memory in bytes. */
export function wasmMemoryBytes() {
  return memory.buffer.byteLength;
}
