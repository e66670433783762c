/**
 * Settlement netting, offline: run an account's settlement engine over activity and a
 * simulated clock ("when will this payment reach my bank, and how much?"), read its
 * settlements, entries and payouts, render statements, and reconcile settlements or statement
 * CSVs against your own records. All of it runs in the engine's Wasm (`engine-core.ts`), on
 * every runtime; `settlement.ts` is the `@vinr/sdk/settlement` entry over it.
 *
 * ```ts
 * const engine = settlement.engine({ payoutCurrency: 'EUR', start: '2026-04-01T00:00:00Z' });
 * const pay = engine.recordPayment({ amount: 10_000, currency: 'EUR', capturedAt: '2026-04-02T10:00:00Z' });
 * engine.track(pay); // { status: 'unsettled', expectedArrival: '2026-04-14', amount: 9835, … }
 * ```
 */
import { requireString } from './checks.js';
import { engineWasm, type CoreSettlementEngine, type EngineExports } from './engine-core.js';
import { VinrError, VinrInternalError, VinrSettlementError } from './errors.js';
import { cryptoRandom, type RandomFill } from './random.js';
import type { CoreErrorFields } from './wasm-instance.js';
import type {
  BalanceEntry,
  DecimalInput,
  FxRateInput,
  HeldItem,
  Payout,
  ReconcileInput,
  ReconciliationReport,
  ReserveStatus,
  Settlement,
  SettlementEngineOptions,
  SettlementEvent,
  TimeInput,
  Tracking,
} from './settlement-types.js';

type CoreEngine = CoreSettlementEngine;

/** Options that the TS layer handles itself; every other key goes to the core's config. */
const LOCAL_OPTIONS: ReadonlySet<string> = new Set(['start', 'fxRates', 'random']);

function settlementError({ message, code, param }: CoreErrorFields): VinrError {
  return new VinrSettlementError(message, { code, param });
}

/** Runs `fn` against the engine's Wasm; core errors become `VinrSettlementError`s. */
function callEngine<T>(fn: (w: EngineExports) => T): T {
  return engineWasm.call(fn, settlementError);
}

function invalid(param: string, message: string, code = 'parameter_invalid'): VinrSettlementError {
  return new VinrSettlementError(message, { code, param });
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The argument of every method is an object; say so rather than fail on a property read. */
function requireObject(value: unknown, what: string): Record<string, unknown> {
  if (!isObject(value)) throw invalid(what, `${what} must be an object`);
  return value;
}

function requireText(value: unknown, param: string): string {
  return requireString(value, param, VinrSettlementError);
}

/**
 * Amounts must be JS numbers; the core checks they are exact integers. (A string would be
 * coerced by the Wasm boundary, so it is refused here.)
 */
function requireAmount(value: unknown, param: string): number {
  if (typeof value !== 'number') throw invalid(param, `${param} must be an integer number of minor units`, 'amount_invalid');
  return value;
}

/** A `Date` or RFC 3339 string as the core's RFC 3339 text. */
function timeText(value: unknown, param: string): string {
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw invalid(param, `${param} is an invalid Date`, 'time_invalid');
    return value.toISOString();
  }
  if (typeof value === 'string') return value;
  throw invalid(param, `${param} must be a Date or an RFC 3339 string such as 2026-04-15T10:30:00Z`, 'time_invalid');
}

/** A `Date` (its UTC day) or a `YYYY-MM-DD` string. */
function dateText(value: unknown, param: string): string {
  if (value instanceof Date) return timeText(value, param).slice(0, 10);
  if (typeof value === 'string') return value;
  throw invalid(param, `${param} must be a Date or a date such as 2026-04-15`, 'date_invalid');
}

function decimalText(value: DecimalInput | unknown, param: string): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  throw invalid(param, `${param} must be a decimal string such as "1.4" or a finite number`);
}

/** Decimal fields of the config go to the core as strings (it never parses a float). */
function configJson(options: Record<string, unknown>): string {
  const config: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(options)) {
    if (!LOCAL_OPTIONS.has(key) && value !== undefined) config[key] = value;
  }
  const fee = (model: unknown, param: string): unknown =>
    isObject(model) && 'percent' in model ? { ...model, percent: decimalText(model.percent, `${param}.percent`) } : model;
  if (config.defaultFees !== undefined) config.defaultFees = fee(config.defaultFees, 'defaultFees');
  if (isObject(config.fees)) {
    config.fees = Object.fromEntries(Object.entries(config.fees).map(([c, m]) => [c, fee(m, `fees.${c}`)]));
  }
  if (isObject(config.reserve)) {
    const { type, ...reserve } = config.reserve;
    if (type !== undefined && type !== 'rolling') throw invalid('reserve.type', "reserve.type must be 'rolling'");
    config.reserve = 'percent' in reserve ? { ...reserve, percent: decimalText(reserve.percent, 'reserve.percent') } : reserve;
  }
  if (config.fxSpread !== undefined) config.fxSpread = decimalText(config.fxSpread, 'fxSpread');
  return JSON.stringify(config);
}

function holdingsJson(items: readonly HeldItem[] | undefined, param: string): string {
  if (items === undefined) return '[]';
  if (!Array.isArray(items)) throw invalid(param, `${param} must be an array of { id, amount, currency }`);
  return JSON.stringify(items);
}

/** Reconciles a settlement (or several), or a statement CSV, against your records. */
export function reconcile(input: ReconcileInput): ReconciliationReport {
  const args = requireObject(input, 'input') as ReconcileInput;
  const payments = holdingsJson(args.payments, 'payments');
  const refunds = holdingsJson(args.refunds, 'refunds');
  const disputes = holdingsJson(args.disputes, 'disputes');
  const hasSettlement = args.settlement !== undefined;
  if (hasSettlement === (args.statementCsv !== undefined)) {
    throw invalid('settlement', 'pass exactly one of settlement (or an array of them) and statementCsv');
  }
  const json = hasSettlement
    ? callEngine((c) => {
        const list = Array.isArray(args.settlement) ? args.settlement : [args.settlement];
        return c.reconcileSettlements(JSON.stringify(list), payments, refunds, disputes);
      })
    : callEngine((c) => c.reconcileStatementCsv(requireText(args.statementCsv, 'statementCsv'), payments, refunds, disputes));
  return JSON.parse(json) as ReconciliationReport;
}

/** Input of `recordPayment`; `id` is generated (`pay_…`) when omitted. */
export interface PaymentInput {
  id?: string;
  amount: number;
  currency: string;
  capturedAt: TimeInput;
}

/** Input of `recordRefund` / `openDispute`; `id` is generated when omitted. */
export interface ClaimInput {
  id?: string;
  paymentId: string;
  amount: number;
  currency: string;
  createdAt: TimeInput;
}

export interface DisputeResolutionInput {
  id: string;
  outcome: 'won' | 'lost';
  resolvedAt: TimeInput;
}

export interface PayoutFailureInput {
  id: string;
  /** A short machine word, default `stale_bank_details`. */
  reason?: string;
  failedAt: TimeInput;
}

export type StatementFormat = 'csv' | 'pdf';

/**
 * One account's settlement engine: pure and deterministic (same inputs and random source,
 * byte-identical results). Holds Wasm memory: call `free()` when done with it.
 */
export class SettlementEngine {
  #inner: CoreEngine | undefined;
  readonly #random: RandomFill;

  constructor(options: SettlementEngineOptions) {
    const opts = requireObject(options, 'options');
    const random = opts.random ?? cryptoRandom;
    if (typeof random !== 'function') throw invalid('random', 'random must be a function (bytes: Uint8Array) => void');
    this.#random = random as RandomFill;
    const start = timeText(opts.start, 'start');
    const config = configJson(opts);
    this.#inner = callEngine((c) => new c.SettlementEngine(config, start));
    const rates = opts.fxRates ?? [];
    if (!Array.isArray(rates)) throw invalid('fxRates', 'fxRates must be an array');
    for (const rate of rates as readonly FxRateInput[]) this.setFxRate(rate);
  }

  /**
   * Calls the core engine. A panic (`VinrInternalError`) leaves its state undefined, so the
   * engine refuses every later call rather than answer from half-updated state.
   */
  #call<T>(fn: (engine: CoreEngine) => T): T {
    const inner = this.#inner;
    if (inner === undefined) {
      throw new VinrSettlementError('this settlement engine was freed or failed; create a new one', { code: 'engine_unavailable' });
    }
    try {
      return callEngine(() => fn(inner));
    } catch (e) {
      if (e instanceof VinrInternalError) this.#inner = undefined;
      throw e;
    }
  }

  #id(prefix: 'pay' | 're' | 'dp', given: unknown): string {
    if (given !== undefined) return requireText(given, 'id');
    return callEngine((c) => c.generateId(prefix, this.#random));
  }

  /** The engine's clock (RFC 3339). */
  clock(): string {
    return this.#call((e) => e.clock());
  }

  /** A captured payment: its `payment` entry and `fee`. Returns its id. */
  recordPayment(input: PaymentInput): string {
    const a = requireObject(input, 'payment');
    const amount = requireAmount(a.amount, 'amount');
    const currency = requireText(a.currency, 'currency');
    const at = timeText(a.capturedAt, 'capturedAt');
    const id = this.#id('pay', a.id);
    this.#call((e) => e.recordPayment(id, amount, currency, at, this.#random));
    return id;
  }

  /** A refund of (part of) a payment; refunds + disputes never exceed it. Returns its id. */
  recordRefund(input: ClaimInput): string {
    const a = requireObject(input, 'refund');
    const paymentId = requireText(a.paymentId, 'paymentId');
    const amount = requireAmount(a.amount, 'amount');
    const currency = requireText(a.currency, 'currency');
    const at = timeText(a.createdAt, 'createdAt');
    const id = this.#id('re', a.id);
    this.#call((e) => e.recordRefund(id, paymentId, amount, currency, at, this.#random));
    return id;
  }

  /** A dispute: the amount and dispute fee are held until it resolves. Returns its id. */
  openDispute(input: ClaimInput): string {
    const a = requireObject(input, 'dispute');
    const paymentId = requireText(a.paymentId, 'paymentId');
    const amount = requireAmount(a.amount, 'amount');
    const currency = requireText(a.currency, 'currency');
    const at = timeText(a.createdAt, 'createdAt');
    const id = this.#id('dp', a.id);
    this.#call((e) => e.openDispute(id, paymentId, amount, currency, at, this.#random));
    return id;
  }

  /** A win credits the hold and its fee back; a loss keeps them. */
  resolveDispute(input: DisputeResolutionInput): void {
    const a = requireObject(input, 'resolution');
    const id = requireText(a.id, 'id');
    const outcome = requireText(a.outcome, 'outcome');
    const at = timeText(a.resolvedAt, 'resolvedAt');
    this.#call((e) => e.resolveDispute(id, outcome, at, this.#random));
  }

  /** The bank rejected a payout: `payout.failed`, and its money returns to the balance. */
  failPayout(input: PayoutFailureInput): void {
    const a = requireObject(input, 'failure');
    const id = requireText(a.id, 'id');
    const reason = a.reason === undefined ? 'stale_bank_details' : requireText(a.reason, 'reason');
    const at = timeText(a.failedAt, 'failedAt');
    this.#call((e) => e.failPayout(id, reason, at, this.#random));
  }

  /** Sets a mid-market rate from `asOf` on (conversion uses the rate in force when a window closes). */
  setFxRate(rate: FxRateInput): void {
    const r = requireObject(rate, 'fxRate');
    const from = requireText(r.from, 'from');
    const to = requireText(r.to, 'to');
    const asOf = dateText(r.asOf, 'asOf');
    const value = decimalText(r.rate, 'rate');
    this.#call((e) => e.setFxRate(from, to, asOf, value));
  }

  /** While set, payouts fail on their date. */
  setBankDetailsStale(stale: boolean): void {
    if (typeof stale !== 'boolean') throw invalid('stale', 'stale must be a boolean');
    this.#call((e) => e.setBankDetailsStale(stale));
  }

  /** Moves the clock forward, closing every window and paying every payout due on the way. */
  advanceTo(to: TimeInput): void {
    const text = timeText(to, 'to');
    this.#call((e) => e.advanceTo(text, this.#random));
  }

  /** Every settlement, oldest first. */
  settlements(): Settlement[] {
    return JSON.parse(this.#call((e) => e.settlements())) as Settlement[];
  }

  settlement(settlementId: string): Settlement {
    const id = requireText(settlementId, 'settlementId');
    return JSON.parse(this.#call((e) => e.settlement(id))) as Settlement;
  }

  /** A settlement's balance entries: each `{ type, source, amount }` traces to one source. */
  entries(settlementId: string): BalanceEntry[] {
    return this.settlement(settlementId).entries;
  }

  payouts(): Payout[] {
    return JSON.parse(this.#call((e) => e.payouts())) as Payout[];
  }

  /** Every balance entry ever made: activity (in its own currency), settlement lines, payouts. */
  ledger(): BalanceEntry[] {
    return JSON.parse(this.#call((e) => e.ledger())) as BalanceEntry[];
  }

  /** Events since the last call, oldest first (each is returned once). */
  events(): SettlementEvent[] {
    return JSON.parse(this.#call((e) => e.takeEvents())) as SettlementEvent[];
  }

  /** Seed 004's `account.reserve` for a payout currency; `null` without a reserve. */
  reserve(currency: string): ReserveStatus | null {
    const code = requireText(currency, 'currency');
    return JSON.parse(this.#call((e) => e.reserve(code))) as ReserveStatus | null;
  }

  /** What is rolling forward below the minimum payout, in minor units of `currency`. */
  carriedForward(currency: string): number {
    const code = requireText(currency, 'currency');
    return this.#call((e) => e.carriedForward(code));
  }

  /** "When will this reach my bank, and how much?" for a `pay_`, `re_`, `dp_` or `po_` id. */
  track(sourceId: string): Tracking {
    const id = requireText(sourceId, 'source');
    return JSON.parse(this.#call((e) => e.track(id))) as Tracking;
  }

  /** A settlement's statement: CSV text (RFC 4180) or PDF bytes. */
  statement(settlementId: string, options: { format: 'pdf' }): Uint8Array;
  statement(settlementId: string, options?: { format?: 'csv' }): string;
  statement(settlementId: string, options?: { format?: StatementFormat }): string | Uint8Array;
  statement(settlementId: string, options: { format?: StatementFormat } = {}): string | Uint8Array {
    const id = requireText(settlementId, 'settlementId');
    const format = requireObject(options, 'options').format ?? 'csv';
    if (format === 'csv') return this.#call((e) => e.statementCsv(id));
    if (format === 'pdf') return this.#call((e) => e.statementPdf(id));
    throw invalid('format', "format must be 'csv' or 'pdf'");
  }

  /**
   * Reconciles this engine's settlements (or the `settlement` / `statementCsv` given) against
   * your payments, refunds and disputes: every missing entry, amount mismatch, entry in two
   * settlements, source settled twice, unexpected entry and total mismatch.
   */
  reconcile(input: ReconcileInput): ReconciliationReport {
    const args = requireObject(input, 'input') as ReconcileInput;
    if (args.settlement === undefined && args.statementCsv === undefined) {
      return reconcile({ ...args, settlement: this.settlements() });
    }
    return reconcile(args);
  }

  /** Releases the engine's Wasm memory now; the engine cannot be used afterwards. */
  free(): void {
    this.#inner?.free();
    this.#inner = undefined;
  }
}

/** Options of `createSettlement`. */
export interface SettlementApiOptions {
  /** Host random source for generated ids (default: `crypto.getRandomValues`). Tests may pass a seeded one. */
  random?: RandomFill;
}

/**
 * Engines that draw ids from one random source, and `reconcile`: `settlement` for the default
 * source, `createSettlement({ random })` for a seeded one.
 */
export function createSettlement(options: SettlementApiOptions = {}) {
  const { random = cryptoRandom } = requireObject(options, 'options') as SettlementApiOptions;
  if (typeof random !== 'function') throw invalid('random', 'random must be a function (bytes: Uint8Array) => void');
  return {
    /** A settlement engine for one account (see `SettlementEngineOptions`). */
    engine(engineOptions: SettlementEngineOptions): SettlementEngine {
      return new SettlementEngine({ random, ...requireObject(engineOptions, 'options') } as SettlementEngineOptions);
    },
    reconcile,
  } as const;
}

export type SettlementApi = ReturnType<typeof createSettlement>;

/** Engines drawing ids from `crypto.getRandomValues`, and `reconcile`. */
export const settlement: SettlementApi = /* @__PURE__ */ createSettlement();
