/**
 * The client core's Wasm (`vinr_bg.wasm`: money, ids, keys, webhooks; no settlement engine, no
 * simulator): one instance, created synchronously from a compiled `WebAssembly.Module` that each
 * runtime entry provides. The scheme (first use instantiates, a panic drops the instance, core
 * errors become typed errors) is `wasm-instance.ts`'s, shared with the engine's and the webhook
 * edge build's Wasm.
 */
import { createCore, type CoreExports } from '#core';
import type { VinrError } from './errors.js';
import { coreInstances, instantiateGlue, wasmLoader, type WasmSource } from './wasm-instance.js';

export type { CoreExports };

const instances = /* @__PURE__ */ coreInstances<CoreExports>({
  instantiate: instantiateGlue(createCore),
  label: 'the VINR Wasm core',
  notLoaded: 'the Wasm core is not loaded yet: call `await init()` from @vinr/sdk before using the SDK on this runtime',
});

/** Gives the SDK its compiled Wasm module. Idempotent: the first module wins. */
export const provideModule: (module: WebAssembly.Module) => void = instances.provide;

/** Implements `init()` (see `init.ts`). */
export const loadCore: (source?: WasmSource) => Promise<void> = /* @__PURE__ */ wasmLoader(
  instances,
  'init() needs the Wasm: pass a WebAssembly.Module, its bytes, or a fetch() of vinr_bg.wasm',
);

/** The live instance's exports, instantiating on first use. */
export function core(): CoreExports {
  return instances.instance();
}

/**
 * Runs `fn` against the core and translates its failures: core errors into `VinrError`
 * subclasses (`makeError` chooses; default `VinrInvalidInputError`), panics into
 * `VinrInternalError` (and a fresh instance).
 */
export function callCore<T>(
  fn: (c: CoreExports) => T,
  makeError?: (message: string, code: string, param: string | undefined) => VinrError,
): T {
  return instances.call(fn, makeError && ((f) => makeError(f.message, f.code, f.param)));
}
