/**
 * Every method of the API client, declared once, as data: one row per method (HTTP method,
 * path, parameter type, result type, and what the answer is: an object, a page of a list, or
 * text). `client.ts` turns the table into `vinr.payments.create(...)` and friends, all served
 * by one request function (`request.ts`); nothing here has a body of its own.
 *
 * The types come from the API's generated wire types (`api-types.ts`), so a parameter or field
 * that the API does not have is a compile error in the user's code.
 */
import type * as Api from './api-types.js';
import type { BalanceEntry } from './settlement-types.js';

export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'DELETE';

/** How a method takes its parameters object (after the path's ids). */
export type ParamsArity = 'none' | 'optional' | 'required';

/** What the response body is turned into. */
export type ResultKind = 'object' | 'list' | 'text';

/** One method of the client. `P` and `R` exist only in the types. */
export interface Row<P, R, Path extends string = string, Kind extends ResultKind = ResultKind, A extends ParamsArity = ParamsArity> {
  readonly method: HttpMethod;
  /** Under the API base, with `:id` for each positional id argument, in order. */
  readonly path: Path;
  readonly params: A;
  readonly kind: Kind;
  /** Test helpers: refused before any request when the key is live. */
  readonly testOnly: boolean;
  /** Phantom: the parameter and result types. Never set. */
  readonly types?: { params: P; result: R };
}

/** A parameters object the method does not take. */
export type NoParams = Record<string, never>;

/**
 * Row builders. The types are given first and the path second (`get<Payment>()('/payments/:id')`)
 * so that TypeScript infers the path's literal type, which the method's id arguments come from.
 */
function builder<Kind extends ResultKind, A extends ParamsArity>(method: HttpMethod, kind: Kind, params: A, testOnly = false) {
  return <P, R>() =>
    <Path extends string>(path: Path): Row<P, R, Path, Kind, A> => ({ method, path, params, kind, testOnly });
}
const getObject = builder('GET', 'object', 'none');
const get = <R>() => getObject<NoParams, R>();
const getWith = builder('GET', 'object', 'optional');
const getText = builder('GET', 'text', 'required');
const list = builder('GET', 'list', 'optional');
const post = builder('POST', 'object', 'required');
const postOptional = builder('POST', 'object', 'optional');
const postNone = builder('POST', 'object', 'none');
const patch = builder('PATCH', 'object', 'optional');
const deleteObject = builder('DELETE', 'object', 'none');
const del = <R>() => deleteObject<NoParams, R>();
const testGet = builder('GET', 'object', 'none', true);
const testPost = builder('POST', 'object', 'required', true);
const testPostOptional = builder('POST', 'object', 'optional', true);

/** The client's resources: `vinr.<resource>.<method>`. */
export const RESOURCES = {
  payments: {
    create: post<Api.PaymentCreateParams, Api.Payment>()('/payments'),
    retrieve: get<Api.Payment>()('/payments/:id'),
    list: list<Api.PaymentListParams, Api.Payment>()('/payments'),
    capture: postOptional<Api.PaymentCaptureParams, Api.Payment>()('/payments/:id/capture'),
    cancel: postOptional<Api.PaymentCancelParams, Api.Payment>()('/payments/:id/cancel'),
    /** The whole timeline, oldest first, in one page. */
    timeline: get<Api.List<Api.TimelineEntry>>()('/payments/:id/timeline'),
  },
  paymentMethods: {
    create: post<Api.PaymentMethodCreateParams, Api.PaymentMethod>()('/payment_methods'),
    retrieve: get<Api.PaymentMethod>()('/payment_methods/:id'),
  },
  refunds: {
    create: post<Api.RefundCreateParams, Api.Refund>()('/refunds'),
    retrieve: get<Api.Refund>()('/refunds/:id'),
    list: list<Api.RefundListParams, Api.Refund>()('/refunds'),
  },
  customers: {
    create: postOptional<Api.CustomerCreateParams, Api.Customer>()('/customers'),
    retrieve: get<Api.Customer>()('/customers/:id'),
    list: list<Api.CustomerListParams, Api.Customer>()('/customers'),
    update: patch<Api.CustomerUpdateParams, Api.Customer>()('/customers/:id'),
    del: del<Api.Deleted>()('/customers/:id'),
    listPaymentMethods: list<Api.ListParams, Api.PaymentMethod>()('/customers/:id/payment_methods'),
    attachPaymentMethod: post<Api.PaymentMethodAttachParams, Api.PaymentMethod>()('/customers/:id/payment_methods'),
  },
  disputes: {
    retrieve: get<Api.Dispute>()('/disputes/:id'),
    list: list<Api.DisputeListParams, Api.Dispute>()('/disputes'),
    submitEvidence: post<Api.DisputeEvidenceParams, Api.Dispute>()('/disputes/:id/evidence'),
  },
  events: {
    retrieve: get<Api.Event>()('/events/:id'),
    list: list<Api.EventListParams, Api.Event>()('/events'),
  },
  webhooks: {
    create: post<Api.WebhookEndpointCreateParams, Api.WebhookEndpoint>()('/webhooks'),
    retrieve: get<Api.WebhookEndpoint>()('/webhooks/:id'),
    list: list<Api.ListParams, Api.WebhookEndpoint>()('/webhooks'),
    update: patch<Api.WebhookEndpointUpdateParams, Api.WebhookEndpoint>()('/webhooks/:id'),
    del: del<Api.Deleted>()('/webhooks/:id'),
    rollSecret: postOptional<Api.WebhookSecretRollParams, Api.WebhookEndpoint>()('/webhooks/:id/roll_secret'),
    listDeliveries: list<Api.WebhookDeliveryListParams, Api.WebhookDelivery>()('/webhooks/:id/deliveries'),
    replayDelivery: postNone<NoParams, Api.WebhookDelivery>()('/webhooks/:id/deliveries/:id/replay'),
  },
  settlements: {
    list: list<Api.SettlementListParams, Api.Settlement>()('/settlements'),
    retrieve: get<Api.Settlement>()('/settlements/:id'),
    /**
     * The settlement's balance entries, in its order: seed 004's name for the API reference's
     * `GET /settlements/:id/transactions`, which `listTransactions` calls by its own name.
     */
    listEntries: list<Api.SettlementTransactionListParams, BalanceEntry>()('/settlements/:id/transactions'),
    listTransactions: list<Api.SettlementTransactionListParams, BalanceEntry>()('/settlements/:id/transactions'),
    statement: getWith<Api.StatementParams, Api.StatementLink>()('/settlements/:id/statement'),
  },
  payouts: {
    list: list<Api.PayoutListParams, Api.Payout>()('/payouts'),
    retrieve: get<Api.Payout>()('/payouts/:id'),
  },
  account: {
    retrieve: get<Api.Account>()('/account'),
    update: patch<Api.AccountUpdateParams, Api.Account>()('/account'),
  },
  apiKeys: {
    create: post<Api.ApiKeyCreateParams, Api.ApiKey>()('/api_keys'),
    list: list<Api.ListParams, Api.ApiKey>()('/api_keys'),
    roll: postNone<NoParams, Api.ApiKey>()('/api_keys/:id/roll'),
    revoke: del<Api.ApiKey>()('/api_keys/:id'),
  },
  team: {
    create: post<Api.TeamMemberCreateParams, Api.TeamMember>()('/team/members'),
    list: list<Api.ListParams, Api.TeamMember>()('/team/members'),
    update: patch<Api.TeamMemberUpdateParams, Api.TeamMember>()('/team/members/:id'),
    del: del<Api.Deleted>()('/team/members/:id'),
  },
  reporting: {
    summary: getWith<Api.ReportingSummaryParams, Api.ReportingSummary>()('/reporting/summary'),
    /** RFC 4180 CSV of a list view, with that list's filters. */
    export: getText<Api.ReportingExportParams & ExportFilters, string>()('/reporting/export'),
  },
  testHelpers: {
    clock: {
      retrieve: testGet<NoParams, Api.TestClock>()('/test_helpers/clock'),
      advance: testPost<Api.ClockAdvanceParams, Api.TestClock>()('/test_helpers/clock/advance'),
    },
    payments: {
      authenticate: testPost<Api.PaymentAuthenticateParams, Api.Payment>()('/test_helpers/payments/:id/authenticate'),
      dispute: testPost<Api.PaymentDisputeParams, Api.Dispute>()('/test_helpers/payments/:id/dispute'),
    },
    disputes: {
      close: testPost<Api.DisputeCloseParams, Api.Dispute>()('/test_helpers/disputes/:id/close'),
    },
    payouts: {
      fail: testPostOptional<Api.PayoutFailParams, Api.Payout>()('/test_helpers/payouts/:id/fail'),
    },
  },
} as const;

/** `reporting.export` takes the exported list's own filters (`status`, `currency`, …) besides `view`. */
type ExportFilters = { readonly [filter: string]: string | number };

export type Resources = typeof RESOURCES;

// ---- From rows to method signatures ------------------------------------------------------

/** Options of one call (its last argument). */
export interface RequestOptions {
  /** The `Idempotency-Key` of a POST. Default: a fresh random key, reused across its retries. */
  idempotencyKey?: string | undefined;
  /** Milliseconds for the whole exchange of one attempt, response body included. */
  timeout?: number | undefined;
  /** Retries of this call after a network error, a 5xx, a 429 or a 409 in progress (0–10). */
  maxNetworkRetries?: number | undefined;
  /** Aborts the call (and its retries); it then rejects with `VinrConnectionError`. */
  signal?: AbortSignal | undefined;
  /** Another secret key for this call only (e.g. a restricted role's key). */
  apiKey?: string | undefined;
}

/** Whether `{}` satisfies `P`, i.e. every parameter is optional. */
type AllOptional<P> = object extends P ? true : false;

/** One `string` per `:id` of the path. */
type IdArgs<Path extends string> = Path extends `${string}:id${infer Rest}` ? [id: string, ...IdArgs<Rest>] : [];

type ParamArgs<P, Arity extends ParamsArity> = Arity extends 'none'
  ? [options?: RequestOptions]
  : Arity extends 'required'
    ? AllOptional<P> extends true
      ? [params?: P, options?: RequestOptions]
      : [params: P, options?: RequestOptions]
    : [params?: P, options?: RequestOptions];

/** A page of a list that is also an async iterator over every item (see `list.ts`). */
export interface ListPromise<T> extends Promise<Api.List<T>>, AsyncIterable<T> {
  /** Every item, paging as needed, up to `limit` (required, at most 10,000). */
  autoPagingToArray(options: { limit: number }): Promise<T[]>;
}

type Result<R, Kind extends ResultKind> = Kind extends 'list' ? ListPromise<R> : Promise<R>;

/** The method a row becomes. */
export type MethodOf<X> =
  X extends Row<infer P, infer R, infer Path, infer Kind, infer A> ? (...args: [...IdArgs<Path>, ...ParamArgs<P, A>]) => Result<R, Kind> : never;

/** A resource object (or a nested group such as `testHelpers.clock`) as the user sees it. */
export type ResourceOf<T> = { readonly [K in keyof T]: T[K] extends Row<unknown, unknown, string, ResultKind, ParamsArity> ? MethodOf<T[K]> : ResourceOf<T[K]> };
