/**
 * The webhook-only Wasm build's instance, for `@vinr/sdk/webhooks`: managed by
 * `wasm-instance.ts`, like every build (each entry provides a compiled module; one instance,
 * made on first use), without the client core's glue. That build has no panic hook (it would
 * link the formatter), so a panic surfaces as a `WebAssembly.RuntimeError`; the instance is then
 * replaced, like after a panic in the client core. Its functions return statuses rather than
 * throw core errors, so it takes `wasmInstances` without the core-error layer.
 */
import { createCore, type CoreExports } from '#webhooks-core';
import { wasmInstances } from './wasm-instance.js';
import type { WebhookCoreFunctions } from './webhook-logic.js';

type Instance = CoreExports & { webhookMemory(): WebAssembly.Memory };

const instances = /* @__PURE__ */ wasmInstances<Instance>({
  instantiate(module) {
    const fresh = createCore();
    // initSync returns the instance's raw exports; the client core gets its memory from a Rust
    // export instead, which this build leaves out (it would add wasm-bindgen's externref glue).
    const { memory } = fresh.initSync({ module }) as { memory: WebAssembly.Memory };
    return Object.assign(fresh, { webhookMemory: () => memory });
  },
  label: 'the VINR webhook Wasm',
  notLoaded: 'no webhook Wasm: import @vinr/sdk/webhooks through its package entry',
});

/** Gives the webhook entry its compiled Wasm module. Idempotent: the first module wins. */
export const provideWebhooksModule: (module: WebAssembly.Module) => void = instances.provide;

/** The `WebhookRunner` of the edge entry. */
export function runWebhooks<T>(fn: (core: WebhookCoreFunctions) => T): T {
  return instances.run(fn);
}
