// `@vinr/sdk/sandbox` on Cloudflare Workers (workerd): a `.wasm` module import arrives
// compiled, so instantiation stays synchronous where compiling from bytes is forbidden.
import wasm from './vinr_engine_bg.wasm';
import { provideEngineModule } from '../engine-core.js';

provideEngineModule(wasm);

export * from '../sandbox/index.js';
