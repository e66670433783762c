// `@vinr/sdk/settlement` on Vercel Edge: like workerd, with the `?module` import spelling.
import wasm from './vinr_engine_bg.wasm?module';
import { provideEngineModule } from '../engine-core.js';

provideEngineModule(wasm);

export * from '../settlement.js';
