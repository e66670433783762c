/**
 * The settlement engine's objects, as the Wasm core returns them (camelCase JSON, seed 004's
 * shapes). Amounts are integers in minor units; a negative amount reduces what the account is
 * owed. Rates, spreads and percentages are decimal strings (`"0.92"`), never floats. Times are
 * RFC 3339 UTC strings, dates `YYYY-MM-DD`.
 */

/** An ISO 4217 code such as `EUR` (any case on input, upper case on output). */
export type CurrencyCode = string;

/** A decimal given as text (`"1.4"`, exact) or a number (converted with `String(n)`). */
export type DecimalInput = string | number;

/** A point in time: a `Date` or an RFC 3339 string (`2026-04-15T10:30:00Z`). */
export type TimeInput = Date | string;

export type WeekdayName = 'monday' | 'tuesday' | 'wednesday' | 'thursday' | 'friday' | 'saturday' | 'sunday';

/**
 * Seed 004's `{ interval, delayDays, anchor }`. Weekly windows start on `anchor` (or
 * `weeklyAnchor`); monthly ones on day `anchor` (or `monthlyAnchor`) 1–28. `delayDays`
 * (default 2) counts business days of the payout currency's calendar.
 */
export type SettlementSchedule =
  | { interval: 'daily'; delayDays?: number; anchor?: null }
  | { interval: 'weekly'; delayDays?: number; anchor?: WeekdayName; weeklyAnchor?: WeekdayName }
  | { interval: 'monthly'; delayDays?: number; anchor?: number; monthlyAnchor?: number };

/** The schedule as the engine reports it. */
export interface ScheduleInfo {
  interval: 'daily' | 'weekly' | 'monthly';
  delayDays: number;
  anchor: WeekdayName | number | null;
}

/** Processing fees of one charge currency: `percent`% (half-up) + `fixed`, and the dispute fee. */
export interface FeeModelInput {
  percent: DecimalInput;
  fixed: number;
  disputeFee: number;
}

/** A rolling reserve: `percent`% of each positive settlement, held `holdDays` days. */
export interface ReserveInput {
  type?: 'rolling';
  percent: DecimalInput;
  holdDays: number;
}

/**
 * The new-account rule. `new` (the default: T+7 until a window closes ≥ 30 days after the
 * first payment with ≥ 10 settlements made) or `established` (the schedule from the start).
 */
export type MaturityInput =
  | { status: 'established' }
  | { status: 'new'; initialDelayDays: number; minAgeDays: number; minSettlements: number };

/** A mid-market rate: `rate` units of `to` per unit of `from`, in force from `asOf` on. */
export interface FxRateInput {
  from: CurrencyCode;
  to: CurrencyCode;
  asOf: Date | string;
  rate: DecimalInput;
}

/** `new SettlementEngine(options)` / `settlement.engine(options)`. */
export interface SettlementEngineOptions {
  /** Where charges settle unless `payoutCurrencies` maps their currency elsewhere. */
  payoutCurrency: CurrencyCode;
  /** Multi-currency accounts: charge currency → payout currency (itself: held, never converted). */
  payoutCurrencies?: Record<CurrencyCode, CurrencyCode>;
  schedule?: SettlementSchedule;
  maturity?: MaturityInput;
  /** Fee models by charge currency; others use `defaultFees` (1.4% + 25, dispute fee 1500). */
  fees?: Record<CurrencyCode, FeeModelInput>;
  defaultFees?: FeeModelInput;
  reserve?: ReserveInput | null;
  /** Below this (minor units of the payout currency) the balance rolls forward. Default 1000. */
  minimumPayout?: number;
  /** The FX spread as a fraction: `0.01` (the default) is 1%. */
  fxSpread?: DecimalInput;
  /** Every payout fails on its date (and its money returns to the balance) while set. */
  bankDetailsStale?: boolean;
  /** The engine's clock at the start. */
  start: TimeInput;
  /** Rates to load before any activity. */
  fxRates?: readonly FxRateInput[];
  /** Random source for ids (default `crypto.getRandomValues`); pass a seeded one for tests. */
  random?: (bytes: Uint8Array) => void;
}

export type BalanceEntryType =
  | 'payment'
  | 'fee'
  | 'refund'
  | 'dispute'
  | 'dispute_fee'
  | 'dispute_reversal'
  | 'reserve_hold'
  | 'reserve_release'
  | 'conversion'
  | 'carry_forward'
  | 'payout'
  | 'payout_failure';

/** How a converted entry's amount was obtained (on a `conversion` line: what it was charged on). */
export interface EntryConversion {
  originalAmount: number;
  originalCurrency: CurrencyCode;
  /** Mid-market rate, settlement-currency units per original unit. */
  rate: string;
}

/** One balance entry; `source` is the `pay_`/`re_`/`dp_`/`po_`/`setl_` it traces to. */
export interface BalanceEntry {
  id: string;
  type: BalanceEntryType;
  source: string;
  amount: number;
  currency: CurrencyCode;
  createdAt: string;
  conversion?: EntryConversion;
}

/** Seed 004's `settlement.summary`, plus the lines that are present only when used. */
export interface SettlementSummary {
  currency: CurrencyCode;
  grossPayments: number;
  refunds: number;
  disputes: number;
  fees: number;
  conversion?: number;
  failedPayouts?: number;
  reserveHeld?: number;
  reserveReleased?: number;
  carriedIn?: number;
  carriedOut?: number;
  net: number;
}

export interface ConversionRecord {
  fromCurrency: CurrencyCode;
  toCurrency: CurrencyCode;
  rate: string;
  spread: string;
  originalAmount: number;
  convertedAmount: number;
  /** The spread charged: the settlement's `conversion` line (≤ 0). */
  fee: number;
}

export interface Settlement {
  id: string;
  object: 'settlement';
  currency: CurrencyCode;
  /** The window `[periodStart, periodEnd)`, UTC. */
  periodStart: string;
  periodEnd: string;
  /** A business day of the payout currency's calendar. */
  payoutDate: string;
  createdAt: string;
  summary: SettlementSummary;
  conversions?: ConversionRecord[];
  /** The payout that moves `net`; `null` when the net rolled forward. */
  payout: string | null;
  entries: BalanceEntry[];
}

export type PayoutStatus = 'pending' | 'paid' | 'failed';

export interface Payout {
  id: string;
  object: 'payout';
  amount: number;
  currency: CurrencyCode;
  arrivalDate: string;
  status: PayoutStatus;
  createdAt: string;
  failureReason?: string;
  /** The settlements it pays, oldest first. */
  settlements: string[];
}

interface EventBase {
  id: string;
  object: 'event';
  createdAt: string;
  livemode: boolean;
}

/** `settlement.created`, `payout.paid` or `payout.failed`; `data` is the object itself. */
export type SettlementEvent =
  | (EventBase & { type: 'settlement.created'; data: Settlement })
  | (EventBase & { type: 'payout.paid' | 'payout.failed'; data: Payout });

/** Seed 004's `account.reserve`. */
export interface ReserveStatus {
  type: 'rolling';
  percent: string;
  holdDays: number;
  currentlyHeld: number;
}

/**
 * `unsettled` (waiting for its window), `scheduled` (payout pending), `paid`,
 * `rolled_forward` (below the minimum payout, waiting for more), `payout_failed` (the
 * money is returning to the balance) or `no_payout` (its settlement netted to zero or less).
 */
export type TrackingStatus = 'unsettled' | 'scheduled' | 'paid' | 'rolled_forward' | 'payout_failed' | 'no_payout';

/** "When will this reach my bank, and how much?" */
export interface Tracking {
  source: string;
  status: TrackingStatus;
  /** Every settlement the money went through (roll-forwards, failed payouts), oldest first. */
  settlements: string[];
  settlementId: string | null;
  payoutId: string | null;
  payoutStatus: PayoutStatus | null;
  /** The payout date (`YYYY-MM-DD`), projected from the schedule while unsettled. */
  expectedArrival: string | null;
  /** Σ of the source's entries: payout currency once settled, charge currency before. */
  amount: number;
  currency: CurrencyCode | null;
}

/** A payment, refund or dispute as your own records hold it (a positive amount). */
export interface HeldItem {
  id: string;
  amount: number;
  currency: CurrencyCode;
}

/** What to reconcile: a settlement (or several), or statement CSV text, against your records. */
export interface ReconcileInput {
  settlement?: Settlement | readonly Settlement[];
  statementCsv?: string;
  payments?: readonly HeldItem[];
  refunds?: readonly HeldItem[];
  disputes?: readonly HeldItem[];
}

export type Difference =
  | { kind: 'entry_in_two_settlements'; entryId: string; settlements: string[] }
  | { kind: 'source_settled_twice'; source: string; type: BalanceEntryType; settlements: string[] }
  | { kind: 'missing_entry'; source: string; type: BalanceEntryType; expectedAmount: number; currency: CurrencyCode }
  | {
      kind: 'amount_mismatch';
      source: string;
      type: BalanceEntryType;
      settlement: string;
      expectedAmount: number;
      expectedCurrency: CurrencyCode;
      actualAmount: number;
      actualCurrency: CurrencyCode;
    }
  | { kind: 'unexpected_entry'; entryId: string; source: string; type: BalanceEntryType; settlement: string; amount: number }
  | { kind: 'total_mismatch'; settlement: string; net: number; entriesTotal: number };

export interface ReconciliationReport {
  /** Held items whose entry was found with the right amount. */
  matched: number;
  differences: Difference[];
}
