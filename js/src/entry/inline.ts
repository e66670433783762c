// Browsers, bundlers, Deno and any other ES runtime: the Wasm bytes are inlined (base64) in
// this file and compiled synchronously, so the import works with no bundler plugin, no file
// permission and no top-level await. The cost is ~33% more bytes before gzip.
import wasmBase64 from '#wasm-base64';
import { decodeBase64 } from './base64.js';
import { provideModule } from '../core.js';

provideModule(new WebAssembly.Module(decodeBase64(wasmBase64)));

export * from '../index.js';
