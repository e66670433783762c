// `@vinr/sdk/sandbox` on Node (and Bun), ES modules: the sandbox Wasm is read and compiled
// synchronously at import, so createSandbox() works at once.
import { readFileSync } from 'node:fs';
import { provideSandboxModule } from '../sandbox/core.js';

provideSandboxModule(new WebAssembly.Module(readFileSync(new URL('./vinr_sandbox_bg.wasm', import.meta.url))));

export * from '../sandbox/index.js';
