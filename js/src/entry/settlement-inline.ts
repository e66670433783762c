// `@vinr/sdk/settlement` for browsers, bundlers, Deno and other ES runtimes: the engine Wasm is
// inlined (base64) and compiled synchronously; no plugin, no file access, no top-level await.
import wasmBase64 from '#engine-wasm-base64';
import { decodeBase64 } from './base64.js';
import { provideEngineModule } from '../engine-core.js';

provideEngineModule(new WebAssembly.Module(decodeBase64(wasmBase64)));

export * from '../settlement.js';
