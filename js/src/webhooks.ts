/**
 * `@vinr/sdk/webhooks`: webhook verification only, on its own small Wasm build, for edge
 * bundles. Synchronous on every runtime:
 *
 * ```ts
 * import { verify } from '@vinr/sdk/webhooks';
 * const event = verify(await request.text(), request.headers, { secret: env.VINR_WEBHOOK_SECRET });
 * ```
 *
 * The same functions as `vinr.webhooks` on the full client (one implementation, see
 * `webhook-logic.ts`); the secret comes from `options.secret` or `VINR_WEBHOOK_SECRET`.
 */
import { createWebhookFunctions } from './webhook-logic.js';
import { runWebhooks } from './webhooks-core.js';

export {
  SignatureVerificationError,
  VinrError,
  VinrConfigurationError,
  VinrInternalError,
  type SignatureVerificationErrorCode,
} from './errors.js';
export type * from './webhook-types.js';

const functions = /* @__PURE__ */ createWebhookFunctions(runWebhooks);

/**
 * Verifies a delivery's `x-vinr-signature` against the raw body and returns the parsed event.
 * Throws `SignatureVerificationError` (answer 400) if it does not verify.
 */
export const verify: typeof functions.verify = functions.verify;
/** Verifies the Standard Webhooks headers (`webhook-id`, `webhook-timestamp`, `webhook-signature`). */
export const verifyStandard: typeof functions.verifyStandard = functions.verifyStandard;
/** A valid `x-vinr-signature` value (`t=…,v1=…`) for tests: one `v1` per secret. */
export const generateTestHeader: typeof functions.generateTestHeader = functions.generateTestHeader;
