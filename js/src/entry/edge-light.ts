// Vercel Edge: like workerd, but its bundler spells a compiled-module import `?module`.
import wasm from './vinr_bg.wasm?module';
import { provideModule } from '../core.js';

provideModule(wasm);

export * from '../index.js';
