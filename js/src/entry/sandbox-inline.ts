// `@vinr/sdk/sandbox` for browsers, bundlers, Deno and other ES runtimes: the sandbox Wasm is
// inlined (base64) and compiled synchronously; no plugin, no file access, no top-level await.
import wasmBase64 from '#sandbox-wasm-base64';
import { decodeBase64 } from './base64.js';
import { provideSandboxModule } from '../sandbox/core.js';

provideSandboxModule(new WebAssembly.Module(decodeBase64(wasmBase64)));

export * from '../sandbox/index.js';
