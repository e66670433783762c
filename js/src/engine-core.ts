/**
 * The engine's Wasm build (`vinr_engine_bg.wasm`, from `crates/engine-wasm`), behind
 * `@vinr/sdk/settlement` and `@vinr/sdk/sandbox`: the client core's bindings plus the settlement
 * engine's `SettlementEngine` and the simulator's `SandboxCore`. Managed like the client core
 * (`wasm-instance.ts`): each `settlement-*` and `sandbox-*` entry provides the compiled module,
 * one instance is made on first use, a panic drops it. This module must never import `#core`:
 * those entries would then carry, and compile, the client core's Wasm glue too.
 */
import { createCore, type CoreExports } from '#engine-core';
import { coreInstances, instantiateGlue } from './wasm-instance.js';

export type EngineExports = CoreExports;
/** One simulator inside the Wasm instance (see `src/wasm/sandbox.rs`). */
export type SandboxCore = CoreExports['SandboxCore']['prototype'];
/** One settlement engine inside the Wasm instance (see `src/wasm/settlement/`). */
export type CoreSettlementEngine = CoreExports['SettlementEngine']['prototype'];

/** The engine build's instances. A `SandboxCore` or `SettlementEngine` lives in one instance: see `isLive`. */
export const engineWasm = /* @__PURE__ */ coreInstances<EngineExports>({
  instantiate: instantiateGlue(createCore),
  label: 'the VINR engine Wasm',
  notLoaded: 'the engine Wasm module was not provided: import @vinr/sdk/settlement or @vinr/sdk/sandbox through its package entry',
});

/** Gives the settlement and sandbox entries their compiled Wasm module. Idempotent: the first module wins. */
export const provideEngineModule: (module: WebAssembly.Module) => void = engineWasm.provide;
