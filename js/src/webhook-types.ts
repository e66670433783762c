// The public types of webhook verification, listed once for both entries that export them
// (`@vinr/sdk` and `@vinr/sdk/webhooks`).
export type {
  WebhookEvent,
  WebhookPayload,
  WebhookVerifyOptions,
  WebhookSecretInput,
  WebhookTime,
  SignatureHeaderSource,
  HeadersLike,
  HeadersRecord,
  GenerateTestHeaderOptions,
  WebhookFunctions,
} from './webhook-logic.js';
