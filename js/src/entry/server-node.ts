// `@vinr/sdk/server` on Node, ES modules: the engine Wasm is loaded as `@vinr/sdk/sandbox`'s
// Node entry loads it.
import { readFileSync } from 'node:fs';
import { provideEngineModule } from '../engine-core.js';
import { provideDashboardDir } from '../server/dashboard-assets.js';
import { provideStorageWorker } from '../server/log-writer.js';

provideEngineModule(new WebAssembly.Module(readFileSync(new URL('./vinr_engine_bg.wasm', import.meta.url))));
provideStorageWorker(new URL('./storage-worker.mjs', import.meta.url));
provideDashboardDir(new URL('../dashboard/', import.meta.url));

export * from '../server/index.js';
