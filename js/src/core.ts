/**
 * The Wasm core: one instance, created synchronously from a compiled `WebAssembly.Module`.
 *
 * Each runtime entry (`entry/*.ts`) obtains the module its own way (a file read in Node, a
 * `.wasm` module import on workerd, bytes inlined in the bundle elsewhere) and hands it to
 * `provideModule`; everything else in the SDK calls `core()`.
 *
 * A Rust panic arrives as a JS error named `VinrPanic` (see `src/wasm/panic.rs`). It leaves
 * the instance's shadow stack and any state the call was updating undefined, so the instance
 * is dropped and the next call gets a fresh one from the same module.
 */
import { createCore, type CoreExports } from '#core';
import type { WasmSource } from './init.js';
import { VinrError, VinrInternalError, VinrInvalidInputError, VinrNotInitializedError } from './errors.js';

export type { CoreExports };

let compiled: WebAssembly.Module | undefined;
let current: CoreExports | undefined;
let pending: Promise<void> | undefined;

/** Gives the SDK its compiled Wasm module. Idempotent: the first module wins. */
export function provideModule(module: WebAssembly.Module): void {
  compiled ??= module;
}

/** Implements `init()` (see `init.ts`). */
export function loadCore(source?: WasmSource): Promise<void> {
  if (compiled !== undefined) return Promise.resolve();
  pending ??= (async () => {
    if (source !== undefined) {
      provideModule(await compileFrom(source));
    } else {
      throw new VinrNotInitializedError(
        'init() needs the Wasm: pass a WebAssembly.Module, its bytes, or a fetch() of vinr_bg.wasm',
        { code: 'wasm_source_missing' },
      );
    }
  })().finally(() => {
    pending = undefined;
  });
  return pending;
}

async function compileFrom(source: WasmSource): Promise<WebAssembly.Module> {
  if (source instanceof WebAssembly.Module) return source;
  if (ArrayBuffer.isView(source) || source instanceof ArrayBuffer) return WebAssembly.compile(source);
  const response = await source;
  if (!response.ok) {
    throw new VinrNotInitializedError(`fetching the Wasm failed with HTTP ${response.status}`, {
      code: 'wasm_fetch_failed',
    });
  }
  return WebAssembly.compile(await response.arrayBuffer());
}

/** The live instance's exports, instantiating on first use. */
export function core(): CoreExports {
  if (current !== undefined) return current;
  if (compiled === undefined) {
    throw new VinrNotInitializedError(
      'the Wasm core is not loaded yet: call `await init()` from @vinr/sdk before using the SDK on this runtime',
      { code: 'not_initialized' },
    );
  }
  const fresh = createCore();
  fresh.initSync({ module: compiled });
  current = fresh;
  return fresh;
}

/** Error shape the core throws (see `src/wasm/error.rs`). */
interface CoreErrorShape {
  name: string;
  message: string;
  code?: unknown;
  param?: unknown;
}

function isCoreError(e: unknown): e is CoreErrorShape {
  return typeof e === 'object' && e !== null && 'name' in e && 'message' in e;
}

/**
 * Runs `fn` against the core and translates its failures: core errors into `VinrError`
 * subclasses (`makeError` chooses), panics into `VinrInternalError` (and a fresh instance).
 */
export function callCore<T>(
  fn: (c: CoreExports) => T,
  makeError: (message: string, code: string, param: string | undefined) => VinrError = invalidInput,
): T {
  const c = core();
  try {
    return fn(c);
  } catch (e) {
    if (!isCoreError(e)) throw e;
    if (e.name === 'VinrPanic' || e instanceof WebAssembly.RuntimeError) {
      if (current === c) current = undefined;
      throw new VinrInternalError(`internal error in the VINR Wasm core: ${e.message}`, {
        code: 'wasm_panic',
        cause: e,
      });
    }
    if (e.name === 'VinrCoreError') {
      const code = typeof e.code === 'string' ? e.code : 'invalid_input';
      const param = typeof e.param === 'string' ? e.param : undefined;
      throw makeError(e.message, code, param);
    }
    throw e;
  }
}

function invalidInput(message: string, code: string, param: string | undefined): VinrError {
  return new VinrInvalidInputError(message, { code, param });
}
