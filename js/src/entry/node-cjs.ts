// Node, CommonJS (`require('@vinr/sdk')`): the same synchronous load as node.ts.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { provideModule } from '../core.js';
import '../node-hmac.js';

provideModule(new WebAssembly.Module(readFileSync(join(__dirname, 'vinr_bg.wasm'))));

export * from '../index.js';
