// Node (and Bun), ES modules: the Wasm file is read and compiled synchronously at import, so
// no `await init()` is needed.
import { readFileSync } from 'node:fs';
import { provideModule } from '../core.js';
import '../node-hmac.js';

provideModule(new WebAssembly.Module(readFileSync(new URL('./vinr_bg.wasm', import.meta.url))));

export * from '../index.js';
