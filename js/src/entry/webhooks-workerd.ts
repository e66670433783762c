// `@vinr/sdk/webhooks` on Cloudflare Workers (workerd): a `.wasm` module import arrives
// compiled, so instantiation stays synchronous where compiling from bytes is forbidden.
import wasm from './vinr_webhooks_bg.wasm';
import { provideWebhooksModule } from '../webhooks-core.js';

provideWebhooksModule(wasm);

export * from '../webhooks.js';
