/**
 * The sandbox's own Wasm build (`vinr_sandbox_bg.wasm`, from `crates/sandbox-wasm`): every
 * binding of the SDK plus the simulator's `SandboxCore`. Managed like the main core
 * (`wasm-instance.ts`): each `sandbox-*` entry provides the compiled module, one instance is
 * made on first use, a panic drops it. This module must never import `#core`: the sandbox
 * entry would then carry, and compile, the main package's Wasm glue too.
 */
import { createCore, type CoreExports } from '#sandbox-core';
import { instantiateGlue, wasmInstances } from '../wasm-instance.js';

export type SandboxExports = CoreExports;
/** One simulator inside the Wasm instance (see `src/wasm/sandbox.rs`). */
export type SandboxCore = CoreExports['SandboxCore']['prototype'];

/** The sandbox build's instances. A `SandboxCore` lives in one instance: see `isLive`. */
export const sandboxWasm = /* @__PURE__ */ wasmInstances<SandboxExports>({
  instantiate: instantiateGlue(createCore),
  label: 'the VINR sandbox Wasm',
  notLoaded: 'the sandbox Wasm module was not provided: import @vinr/sdk/sandbox through its package entry',
});

/** Gives the sandbox entry its compiled Wasm module. Idempotent: the first module wins. */
export const provideSandboxModule: (module: WebAssembly.Module) => void = sandboxWasm.provide;
