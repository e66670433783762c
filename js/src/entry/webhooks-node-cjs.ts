// `@vinr/sdk/webhooks` on Node, CommonJS: the same synchronous load as webhooks-node.ts.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { provideWebhooksModule } from '../webhooks-core.js';
import '../node-hmac.js';

provideWebhooksModule(new WebAssembly.Module(readFileSync(join(__dirname, 'vinr_webhooks_bg.wasm'))));

export * from '../webhooks.js';
