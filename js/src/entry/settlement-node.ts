// `@vinr/sdk/settlement` on Node (and Bun), ES modules: the engine Wasm is read and compiled
// synchronously at import, so a `SettlementEngine` can be made at once.
import { readFileSync } from 'node:fs';
import { provideEngineModule } from '../engine-core.js';

provideEngineModule(new WebAssembly.Module(readFileSync(new URL('./vinr_engine_bg.wasm', import.meta.url))));

export * from '../settlement.js';
