// `@vinr/sdk/sandbox` on Vercel Edge: like workerd, with the `?module` import spelling.
import wasm from './vinr_sandbox_bg.wasm?module';
import { provideSandboxModule } from '../sandbox/core.js';

provideSandboxModule(wasm);

export * from '../sandbox/index.js';
