// `@vinr/sdk/sandbox` on Node, CommonJS: the same synchronous load as sandbox-node.ts.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { provideSandboxModule } from '../sandbox/core.js';

provideSandboxModule(new WebAssembly.Module(readFileSync(join(__dirname, 'vinr_sandbox_bg.wasm'))));

export * from '../sandbox/index.js';
