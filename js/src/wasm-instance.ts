/**
 * How the SDK runs a Wasm build: the one scheme behind `core.ts` (the client core's Wasm),
 * `engine-core.ts` (the settlement engine's and the simulator's) and `webhooks-core.ts` (the
 * edge build's).
 *
 * - Each runtime entry (`entry/*.ts`) obtains the compiled `WebAssembly.Module` its own way (a
 *   file read in Node, a `.wasm` module import on workerd, bytes inlined in the bundle
 *   elsewhere) and hands it to `provide`.
 * - One instance is made from it on first use, synchronously.
 * - A Rust panic arrives as a JS error named `VinrPanic` (see `src/wasm/panic.rs`), or, in a
 *   build without the panic hook, as a `WebAssembly.RuntimeError`. Either leaves the instance's
 *   shadow stack and whatever state the call was updating undefined, so the instance is
 *   dropped, the caller gets a `VinrInternalError`, and the next call gets a fresh instance of
 *   the same module (with fresh glue state: see `wrapGlue` in scripts/build-js.mjs).
 * - A `VinrCoreError` (see `src/wasm/error.rs`) becomes the typed error the caller chooses
 *   (`coreInstances`). The webhook build throws none (its functions return statuses), so that
 *   mapping is a layer of its own over `wasmInstances`, which a bundle of the webhook entry
 *   leaves out: the edge entry's 15 KB budget has little room.
 *
 * This module imports no glue, so an entry that loads one Wasm build never pulls in another's.
 */
import { messageOf, VinrError, VinrInternalError, VinrInvalidInputError, VinrNotInitializedError } from './errors.js';

/** What the wrapped wasm-bindgen glue of every build has. */
export interface Glue {
  initSync(input: { module: WebAssembly.Module }): unknown;
}

/** What the SDK accepts as a Wasm source: the compiled module, its bytes, or a `fetch()` of the `.wasm`. */
export type WasmSource = WebAssembly.Module | BufferSource | Response | Promise<Response>;

/** A `VinrCoreError` as the core throws it: its fields, for the caller's `makeError`. */
export interface CoreErrorFields {
  message: string;
  code: string;
  param: string | undefined;
  /** The HTTP status the API answers this error with. */
  status: number | undefined;
  /** The API error `type` (`invalid_request_error`, `api_error`, …). */
  type: string | undefined;
}

/** Builds the typed error for a `VinrCoreError`; `cause` is the core's own error object. */
export type MakeError = (fields: CoreErrorFields, cause: unknown) => VinrError;

/** One Wasm build's instance management. */
export interface WasmInstances<E> {
  /** Gives the build its compiled module. Idempotent: the first module wins. */
  provide(module: WebAssembly.Module): void;
  /** Whether a module was provided. */
  provided(): boolean;
  /** The live instance's exports, instantiating on first use. */
  instance(): E;
  /** Whether `exports` is still the live instance (false once a panic dropped it). */
  isLive(exports: E): boolean;
  /**
   * Runs `fn` against the live instance; a panic becomes a `VinrInternalError` (and a fresh
   * instance for the next call). Other errors pass through unchanged.
   */
  run<T>(fn: (exports: E) => T): T;
}

/** A build whose bindings throw `VinrCoreError`s: `WasmInstances` plus their translation. */
export interface CoreInstances<E> extends WasmInstances<E> {
  /**
   * `run`, and core errors become what `makeError` builds (default: `VinrInvalidInputError`).
   */
  call<T>(fn: (exports: E) => T, makeError?: MakeError): T;
}

export interface WasmInstancesOptions<E> {
  /** Makes fresh glue and instantiates `module` with it. */
  instantiate(module: WebAssembly.Module): E;
  /** Names the build in messages, e.g. `the VINR Wasm core`. */
  label: string;
  /** The message when the build is used before any module was provided. */
  notLoaded: string;
}

/** The instance management of one Wasm build (see the module comment). */
export function wasmInstances<E extends object>(options: WasmInstancesOptions<E>): WasmInstances<E> {
  let compiled: WebAssembly.Module | undefined;
  let current: E | undefined;

  const instance = (): E => {
    if (current !== undefined) return current;
    if (compiled === undefined) throw new VinrNotInitializedError(options.notLoaded, { code: 'not_initialized' });
    current = options.instantiate(compiled);
    return current;
  };

  return {
    provide(module) {
      compiled ??= module;
    },
    provided: () => compiled !== undefined,
    instance,
    isLive: (exports) => exports === current,
    run(fn) {
      const exports = instance();
      try {
        return fn(exports);
      } catch (e) {
        if (isPanic(e)) {
          if (current === exports) current = undefined;
          throw new VinrInternalError(`internal error in ${options.label}: ${messageOf(e)}`, {
            code: 'wasm_panic',
            cause: e,
          });
        }
        throw e;
      }
    },
  };
}

/** `wasmInstances` for a build whose bindings throw `VinrCoreError`s (see the module comment). */
export function coreInstances<E extends object>(options: WasmInstancesOptions<E>): CoreInstances<E> {
  const instances = wasmInstances(options);
  return {
    ...instances,
    call(fn, makeError = invalidInput) {
      try {
        return instances.run(fn);
      } catch (e) {
        // A panic arrives here already a VinrInternalError, which is not a core error.
        const fields = coreErrorFields(e);
        if (fields !== undefined) throw makeError(fields, e);
        throw e;
      }
    },
  };
}

/** Instantiates wasm-bindgen glue made by `createGlue` (the wrapped `createCore` of a build). */
export function instantiateGlue<E extends Glue>(createGlue: () => E): (module: WebAssembly.Module) => E {
  return (module) => {
    const glue = createGlue();
    glue.initSync({ module });
    return glue;
  };
}

function isPanic(e: unknown): boolean {
  return e instanceof WebAssembly.RuntimeError || nameOf(e) === 'VinrPanic';
}


function nameOf(e: unknown): unknown {
  return typeof e === 'object' && e !== null && 'name' in e ? e.name : undefined;
}

/** The fields of a `VinrCoreError`, or `undefined` for any other value. */
function coreErrorFields(e: unknown): CoreErrorFields | undefined {
  if (nameOf(e) !== 'VinrCoreError') return undefined;
  const { message, code, param, status, type } = e as { message?: unknown; code?: unknown; param?: unknown; status?: unknown; type?: unknown };
  return {
    message: typeof message === 'string' ? message : 'error in the VINR Wasm core',
    code: typeof code === 'string' ? code : 'invalid_input',
    param: typeof param === 'string' ? param : undefined,
    status: typeof status === 'number' ? status : undefined,
    type: typeof type === 'string' ? type : undefined,
  };
}

function invalidInput(fields: CoreErrorFields): VinrError {
  return new VinrInvalidInputError(fields.message, { code: fields.code, param: fields.param });
}

/**
 * `init(source)` for a build: compiles `source` and provides it, unless a module was provided
 * already. Idempotent and safe to call concurrently. (Kept out of `WasmInstances` so that
 * builds without an `init()` do not carry it.)
 */
export function wasmLoader(instances: WasmInstances<unknown>, sourceMissing: string): (source?: WasmSource) => Promise<void> {
  let pending: Promise<void> | undefined;
  return (source) => {
    if (instances.provided()) return Promise.resolve();
    pending ??= (async () => {
      if (source === undefined) throw new VinrNotInitializedError(sourceMissing, { code: 'wasm_source_missing' });
      instances.provide(await compileFrom(source));
    })().finally(() => {
      pending = undefined;
    });
    return pending;
  };
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
