/** `vinr.webhooks`: the shared webhook functions over the full SDK's core, plus secret generation. */
import { callCore } from './core.js';
import type { RandomFill } from './ids.js';
import { createWebhookFunctions, type WebhookFunctions, type WebhookSecretInput } from './webhook-logic.js';

export interface Webhooks extends WebhookFunctions {
  /** A new endpoint secret: `whsec_` + base64 of 32 random bytes. Show it once; store it safely. */
  generateSecret(): string;
}

export function createWebhooks(defaultSecret: () => WebhookSecretInput | undefined, random: RandomFill): Webhooks {
  // callCore maps a panic to VinrInternalError (and a fresh instance); the webhook functions
  // return status numbers rather than throwing core errors, so no error mapping is needed here.
  const functions = createWebhookFunctions((fn) => callCore(fn), defaultSecret);
  return {
    ...functions,
    generateSecret: () => callCore((c) => c.webhookGenerateSecret(random)),
  };
}
