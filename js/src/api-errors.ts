/**
 * The errors of API calls. The API answers every failure with one envelope,
 * `{"error": {"type", "code", "message", "param"?, "paymentId"?, "requestId"}}`; the class is
 * chosen by its `type` (and, where one type covers several statuses, by the status), so code can
 * `catch (e) { if (e instanceof VinrCardError) … }`. Calls that got no answer at all (network
 * failure, timeout, abort) throw `VinrConnectionError`. All are `VinrError`s.
 */
import { VinrError } from './errors.js';

/** The API's error body, as received. */
export interface ApiErrorEnvelope {
  error: {
    type: string;
    code: string;
    message: string;
    param?: string;
    paymentId?: string;
    requestId?: string | null;
    [field: string]: unknown;
  };
}

export interface VinrRequestErrorOptions {
  code: string;
  param?: string | undefined;
  status?: number | undefined;
  requestId?: string | undefined;
  raw?: ApiErrorEnvelope | undefined;
  cause?: unknown;
}

/** A call to the API failed: the base of every error an API method throws. */
export class VinrRequestError extends VinrError {
  /** The HTTP status, when the API answered. */
  readonly status: number | undefined;
  /** The `Request-Id` the API gave this call: quote it to support. */
  readonly requestId: string | undefined;
  /** The error envelope as the API sent it. */
  readonly raw: ApiErrorEnvelope | undefined;
  override get name(): string {
    return 'VinrRequestError';
  }

  constructor(message: string, options: VinrRequestErrorOptions) {
    super(message, options);
    this.status = options.status;
    this.requestId = options.requestId;
    this.raw = options.raw;
  }
}

/** 400 (and other `invalid_request_error`s): a parameter is wrong; `param` names it. */
export class VinrInvalidRequestError extends VinrRequestError {
  override get name(): string {
    return 'VinrInvalidRequestError';
  }
}

/** 404: no object with that id (in this mode). */
export class VinrNotFoundError extends VinrInvalidRequestError {
  override get name(): string {
    return 'VinrNotFoundError';
  }
}

/** 402: the card was declined. `code` is the decline reason; `paymentId` the failed payment. */
export class VinrCardError extends VinrRequestError {
  /** The payment the decline failed. */
  readonly paymentId: string | undefined;
  override get name(): string {
    return 'VinrCardError';
  }

  constructor(message: string, options: VinrRequestErrorOptions & { paymentId?: string | undefined }) {
    super(message, options);
    this.paymentId = options.paymentId;
  }
}

/** 401: the key is missing, malformed, unknown, revoked or rolled. */
export class VinrAuthenticationError extends VinrRequestError {
  override get name(): string {
    return 'VinrAuthenticationError';
  }
}

/** 403: the key's role may not do this (or a test helper was called with a live key). */
export class VinrPermissionError extends VinrRequestError {
  override get name(): string {
    return 'VinrPermissionError';
  }
}

/** 409: the `Idempotency-Key` was used with other parameters, or its first request is still running. */
export class VinrIdempotencyError extends VinrRequestError {
  override get name(): string {
    return 'VinrIdempotencyError';
  }
}

/** 429: too many requests. `retryAfter` is the seconds the API asked to wait. */
export class VinrRateLimitError extends VinrRequestError {
  readonly retryAfter: number | undefined;
  override get name(): string {
    return 'VinrRateLimitError';
  }

  constructor(message: string, options: VinrRequestErrorOptions & { retryAfter?: number | undefined }) {
    super(message, options);
    this.retryAfter = options.retryAfter;
  }
}

/** 5xx, or an answer the SDK could not read: the API failed; retrying later may work. */
export class VinrAPIError extends VinrRequestError {
  override get name(): string {
    return 'VinrAPIError';
  }
}

/**
 * No answer: the network failed, the call timed out (`code: 'request_timeout'`) or its signal
 * aborted it (`code: 'request_aborted'`). A POST may or may not have taken effect: retry it with
 * the same `idempotencyKey`.
 */
export class VinrConnectionError extends VinrRequestError {
  override get name(): string {
    return 'VinrConnectionError';
  }
}

/** The typed error for an API answer with a non-2xx `status`. */
export function errorFromResponse(status: number, body: unknown, requestId: string | undefined, retryAfter: number | undefined): VinrRequestError {
  const raw = readEnvelope(body);
  if (raw === undefined) {
    return new VinrAPIError(`the API answered HTTP ${status} without an error body`, {
      code: status >= 500 ? 'api_error' : 'invalid_response',
      status,
      requestId,
    });
  }
  const { type, code, message, param, paymentId } = raw.error;
  const options: VinrRequestErrorOptions = {
    code,
    param,
    status,
    requestId: typeof raw.error.requestId === 'string' ? raw.error.requestId : requestId,
    raw,
  };
  if (status === 404) return new VinrNotFoundError(message, options);
  switch (type) {
    case 'invalid_request_error':
      return new VinrInvalidRequestError(message, options);
    case 'card_error':
      return new VinrCardError(message, { ...options, paymentId });
    case 'authentication_error':
      return new VinrAuthenticationError(message, options);
    case 'permission_error':
      return new VinrPermissionError(message, options);
    case 'idempotency_error':
      return new VinrIdempotencyError(message, options);
    case 'rate_limit_error':
      return new VinrRateLimitError(message, { ...options, retryAfter });
    default:
      return new VinrAPIError(message, options);
  }
}

function readEnvelope(body: unknown): ApiErrorEnvelope | undefined {
  if (typeof body !== 'object' || body === null || !('error' in body)) return undefined;
  const error: unknown = body.error;
  if (typeof error !== 'object' || error === null) return undefined;
  const { type, code, message } = error as Record<string, unknown>;
  if (typeof type !== 'string' || typeof code !== 'string' || typeof message !== 'string') return undefined;
  return body as ApiErrorEnvelope;
}
