/**
 * `@vinr/sdk`: the VINR payments SDK. Import `Vinr` and create a client:
 *
 * ```ts
 * import { Vinr } from '@vinr/sdk';
 * const vinr = new Vinr({ secretKey: process.env.VINR_SECRET_KEY });
 * ```
 *
 * Every runtime entry re-exports this module after loading the Wasm core its own way.
 */
import { callCore } from './core.js';

export { Vinr, LIVE_API_BASE, SANDBOX_API_BASE, type VinrOptions, type Mode, type SandboxTransport, type WebhooksResource } from './client.js';
export {
  VinrRequestError,
  VinrInvalidRequestError,
  VinrNotFoundError,
  VinrCardError,
  VinrAuthenticationError,
  VinrPermissionError,
  VinrIdempotencyError,
  VinrRateLimitError,
  VinrAPIError,
  VinrConnectionError,
  type ApiErrorEnvelope,
} from './api-errors.js';
export type { RequestOptions, ListPromise, NoParams } from './resources.js';
export type { FetchLike, RequestEvent, ResponseEvent, ClientEvents } from './request.js';
/** The API's wire types (objects, events narrowed by type, lists, parameters), generated from the Rust structs. */
export type * from './api-types.js';
export type { BalanceEntry, BalanceEntryType, EntryConversion } from './settlement-types.js';
export {
  VinrError,
  VinrConfigurationError,
  VinrInvalidInputError,
  VinrInternalError,
  VinrNotInitializedError,
  SignatureVerificationError,
  type SignatureVerificationErrorCode,
} from './errors.js';
export type { Webhooks } from './webhooks-client.js';
export type * from './webhook-types.js';
export { money, type CurrencyInfo } from './money.js';
export { type IdPrefix, type RandomFill } from './ids.js';
export { init, type WasmSource } from './init.js';

/** The version of the Wasm core this package runs. */
export function coreVersion(): string {
  return callCore((c) => c.coreVersion());
}
