// Cloudflare Workers (workerd) and other `worker` runtimes: they forbid compiling Wasm from
// bytes, but a `.wasm` module import arrives already compiled, so instantiation stays sync.
import wasm from './vinr_bg.wasm';
import { provideModule } from '../core.js';

provideModule(wasm);

export * from '../index.js';
