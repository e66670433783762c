/**
 * The webhook-only Wasm build's instance, for `@vinr/sdk/webhooks`: the same scheme as
 * `wasm-instance.ts` (each entry provides a compiled module; one instance, made on first use),
 * without the full SDK's glue. That build has no panic hook (it would link the formatter), so a
 * panic would surface as a `WebAssembly.RuntimeError`; the instance is then replaced, like after
 * a panic in the full SDK.
 *
 * A copy of that scheme rather than a use of it, on purpose: the generic version (core-error
 * mapping this build never needs) measured +0.3 KiB gzip in the 15 KB budget of the bundled
 * `verify`, where ~0.5 KiB of headroom is left.
 */
import { createCore, type CoreExports } from '#webhooks-core';
import { VinrInternalError, VinrNotInitializedError } from './errors.js';
import type { WebhookCoreFunctions } from './webhook-logic.js';

let compiled: WebAssembly.Module | undefined;
type Instance = CoreExports & { webhookMemory(): WebAssembly.Memory };
let current: Instance | undefined;

/** Gives the webhook entry its compiled Wasm module. Idempotent: the first module wins. */
export function provideWebhooksModule(module: WebAssembly.Module): void {
  compiled ??= module;
}

function instance(): Instance {
  if (current !== undefined) return current;
  if (compiled === undefined) {
    throw new VinrNotInitializedError('the webhook Wasm module was not provided: import @vinr/sdk/webhooks through its package entry', {
      code: 'not_initialized',
    });
  }
  const fresh = createCore();
  // initSync returns the instance's raw exports; the full SDK gets its memory from a Rust
  // export instead, which this build leaves out (it would add wasm-bindgen's externref glue).
  const { memory } = fresh.initSync({ module: compiled }) as { memory: WebAssembly.Memory };
  current = Object.assign(fresh, { webhookMemory: () => memory });
  return current;
}

/** The `WebhookRunner` of the edge entry. */
export function runWebhooks<T>(fn: (core: WebhookCoreFunctions) => T): T {
  const c = instance();
  try {
    return fn(c);
  } catch (e) {
    if (e instanceof WebAssembly.RuntimeError) {
      if (current === c) current = undefined;
      throw new VinrInternalError(`internal error in the VINR webhook Wasm: ${e.message}`, { code: 'wasm_panic', cause: e });
    }
    throw e;
  }
}
