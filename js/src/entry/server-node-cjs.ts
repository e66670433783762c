// `@vinr/sdk/server` on Node, CommonJS: the same synchronous load as server-node.ts.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { provideEngineModule } from '../engine-core.js';

provideEngineModule(new WebAssembly.Module(readFileSync(join(__dirname, 'vinr_engine_bg.wasm'))));

export * from '../server/index.js';
