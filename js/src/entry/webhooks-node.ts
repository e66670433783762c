// `@vinr/sdk/webhooks` on Node (and Bun), ES modules: the webhook Wasm is read and compiled
// synchronously at import.
import { readFileSync } from 'node:fs';
import { provideWebhooksModule } from '../webhooks-core.js';
import '../node-hmac.js';

provideWebhooksModule(new WebAssembly.Module(readFileSync(new URL('./vinr_webhooks_bg.wasm', import.meta.url))));

export * from '../webhooks.js';
