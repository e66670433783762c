/**
 * `@vinr/sdk/settlement`: settlement netting, offline, on the engine's Wasm build (shared with
 * `@vinr/sdk/sandbox`; the main `@vinr/sdk` entry never loads it):
 *
 * ```ts
 * import { settlement } from '@vinr/sdk/settlement';
 * const engine = settlement.engine({ payoutCurrency: 'EUR', start: '2026-04-01T00:00:00Z' });
 * const pay = engine.recordPayment({ amount: 10_000, currency: 'EUR', capturedAt: '2026-04-02T10:00:00Z' });
 * engine.track(pay); // { status: 'unsettled', expectedArrival: '2026-04-14', amount: 9835, … }
 * ```
 *
 * Every runtime entry (`entry/settlement-*.ts`) re-exports this module after providing the Wasm.
 * The error classes are this entry's own copies: across `@vinr/sdk` and `@vinr/sdk/settlement`,
 * match on `e.name` or `e.code` rather than `instanceof`.
 */
export {
  SettlementEngine,
  settlement,
  createSettlement,
  reconcile,
  type SettlementApi,
  type SettlementApiOptions,
  type PaymentInput,
  type ClaimInput,
  type DisputeResolutionInput,
  type PayoutFailureInput,
  type StatementFormat,
} from './settlement-engine.js';
export type * from './settlement-types.js';
export {
  VinrError,
  VinrConfigurationError,
  VinrInvalidInputError,
  VinrInternalError,
  VinrNotInitializedError,
  VinrSettlementError,
} from './errors.js';
export type { RandomFill } from './random.js';
