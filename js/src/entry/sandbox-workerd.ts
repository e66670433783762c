// `@vinr/sdk/sandbox` on Cloudflare Workers (workerd): a `.wasm` module import arrives
// compiled, so instantiation stays synchronous where compiling from bytes is forbidden.
import wasm from './vinr_sandbox_bg.wasm';
import { provideSandboxModule } from '../sandbox/core.js';

provideSandboxModule(wasm);

export * from '../sandbox/index.js';
