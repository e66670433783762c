// `@vinr/sdk/sandbox` on Node (and Bun), ES modules: the engine Wasm is read and compiled
// synchronously at import, so createSandbox() works at once.
import { readFileSync } from 'node:fs';
import { provideEngineModule } from '../engine-core.js';

provideEngineModule(new WebAssembly.Module(readFileSync(new URL('./vinr_engine_bg.wasm', import.meta.url))));

export * from '../sandbox/index.js';
