// `@vinr/sdk/webhooks` on Vercel Edge: like workerd, with the `?module` import spelling.
import wasm from './vinr_webhooks_bg.wasm?module';
import { provideWebhooksModule } from '../webhooks-core.js';

provideWebhooksModule(wasm);

export * from '../webhooks.js';
