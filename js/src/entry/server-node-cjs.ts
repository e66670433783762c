// `@vinr/sdk/server` on Node, CommonJS: the same synchronous load as server-node.ts.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { provideEngineModule } from '../engine-core.js';
import { provideDashboardDir } from '../server/dashboard-assets.js';
import { provideStorageWorker } from '../server/log-writer.js';

provideEngineModule(new WebAssembly.Module(readFileSync(join(__dirname, 'vinr_engine_bg.wasm'))));
provideStorageWorker(pathToFileURL(join(__dirname, 'storage-worker.mjs')));
provideDashboardDir(pathToFileURL(join(__dirname, '../dashboard/')));

export * from '../server/index.js';
