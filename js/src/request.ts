/**
 * The one request function behind every API method: builds the HTTP request from a resource
 * row, sends it through the client's `fetch` (the platform's, the user's, or an in-process
 * sandbox's), retries what `retry.ts` says is worth retrying, and turns the answer into the
 * parsed body or a typed error.
 *
 * The secret key goes into the `Authorization` header and nowhere else: not into the `request`
 * and `response` events, not into any error (a message that quotes it is redacted).
 */
import {
  VinrAPIError,
  VinrConnectionError,
  VinrInvalidRequestError,
  VinrPermissionError,
  errorFromResponse,
  type VinrRequestError,
} from './api-errors.js';
import { messageOf } from './errors.js';
import type { RandomFill } from './random.js';
import type { HttpMethod, Row } from './resources.js';
import { backoffDelay, isRetryableStatus, MAX_RETRY_AFTER_MS, parseRetryAfter, sleep } from './retry.js';

/** What the client needs of a `fetch`: the platform's signature, or any function like it. */
export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

/** Emitted before each attempt. */
export interface RequestEvent {
  method: HttpMethod;
  /** The full URL, query included. */
  url: string;
  /** 0 for the first attempt, then 1, 2, … for retries. */
  attempt: number;
  idempotencyKey: string | undefined;
  /** How long the client waited before this retry (0 for the first attempt). */
  delayMs: number;
}

/** Emitted after each attempt, answered or not. */
export interface ResponseEvent {
  method: HttpMethod;
  url: string;
  attempt: number;
  /** The HTTP status; `undefined` when no answer came (see `error`). */
  status: number | undefined;
  requestId: string | undefined;
  elapsedMs: number;
  /** The error code when the attempt failed (`request_timeout`, `card_declined`, …). */
  error: string | undefined;
}

export interface ClientEvents {
  request: RequestEvent;
  response: ResponseEvent;
}

/** The key a call is made with, and its mode. */
export interface Credentials {
  key: string;
  mode: 'live' | 'test';
}

/** A call's effective settings: the client's, overridden by the call's options. */
export interface CallSettings {
  fetch: FetchLike;
  apiBase: string;
  credentials: Credentials;
  maxNetworkRetries: number;
  timeout: number;
  idempotencyKey: string | undefined;
  signal: AbortSignal | undefined;
  random: RandomFill;
  emit<E extends keyof ClientEvents>(event: E, payload: ClientEvents[E]): void;
}

/** Sends one API call (with its retries) and returns the parsed answer. */
export async function send(row: Row<unknown, unknown>, ids: readonly string[], params: Record<string, unknown> | undefined, settings: CallSettings): Promise<unknown> {
  const { credentials } = settings;
  if (row.testOnly && credentials.mode === 'live') {
    throw new VinrPermissionError('test helpers work in test mode only; use a sk_test_ key', { code: 'test_mode_only' });
  }
  const url = settings.apiBase + fillPath(row.path, ids) + (row.method === 'GET' || row.method === 'DELETE' ? queryString(params) : '');
  const headers: Record<string, string> = {
    authorization: `Bearer ${credentials.key}`,
    accept: row.kind === 'text' ? 'text/csv, application/json' : 'application/json',
  };
  let body: string | undefined;
  if (row.method === 'POST' || row.method === 'PATCH') {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(params ?? {});
  }
  const idempotencyKey = row.method === 'POST' ? (settings.idempotencyKey ?? newIdempotencyKey(settings.random)) : undefined;
  if (idempotencyKey !== undefined) headers['idempotency-key'] = idempotencyKey;
  const init: RequestInit = { method: row.method, headers, ...(body === undefined ? {} : { body }) };

  let delayMs = 0;
  for (let attempt = 0; ; attempt++) {
    settings.emit('request', { method: row.method, url, attempt, idempotencyKey, delayMs });
    const started = Date.now();
    const outcome = await exchange(settings, url, init);
    const result = outcome.kind === 'answer' ? readAnswer(outcome, row, credentials.key) : outcome;
    settings.emit('response', {
      method: row.method,
      url,
      attempt,
      status: outcome.kind === 'answer' ? outcome.status : undefined,
      requestId: outcome.kind === 'answer' ? outcome.requestId : undefined,
      elapsedMs: Date.now() - started,
      error: result.ok ? undefined : result.error.code,
    });
    if (result.ok) return result.value;
    const failure = result.error;
    const retryable = outcome.kind === 'failed' ? outcome.retryable : isRetryableStatus(outcome.status, failure.code);
    if (!retryable || attempt >= settings.maxNetworkRetries) throw failure;
    const retryAfter = outcome.kind === 'answer' ? outcome.retryAfterMs : undefined;
    if (retryAfter !== undefined && retryAfter > MAX_RETRY_AFTER_MS) throw failure;
    delayMs = retryAfter ?? backoffDelay(attempt, settings.random);
    try {
      await sleep(delayMs, settings.signal);
    } catch (reason) {
      throw aborted(reason);
    }
  }
}

type Answer = { kind: 'answer'; status: number; requestId: string | undefined; retryAfterMs: number | undefined; text: string };
type Outcome = Answer | { kind: 'failed'; ok: false; error: VinrConnectionError; retryable: boolean };
type Result = { ok: true; value: unknown } | { ok: false; error: VinrRequestError };

/**
 * One attempt: the request and its whole response body, within `timeout`. Never throws: a
 * missing answer is an outcome too.
 */
async function exchange(settings: CallSettings, url: string, init: RequestInit): Promise<Outcome> {
  const { signal } = settings;
  if (signal?.aborted) return { kind: 'failed', ok: false, error: aborted(signal.reason), retryable: false };
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, settings.timeout);
  const forwardAbort = () => controller.abort();
  signal?.addEventListener('abort', forwardAbort, { once: true });
  try {
    const response = await settings.fetch(url, { ...init, signal: controller.signal });
    const text = await response.text();
    return {
      kind: 'answer',
      status: response.status,
      requestId: response.headers.get('request-id') ?? undefined,
      retryAfterMs: parseRetryAfter(response.headers.get('retry-after'), Date.now()),
      text,
    };
  } catch (e) {
    if (signal?.aborted) return { kind: 'failed', ok: false, error: aborted(signal.reason), retryable: false };
    if (timedOut) {
      return {
        kind: 'failed',
        ok: false,
        error: new VinrConnectionError(`no complete answer within the timeout of ${settings.timeout} ms`, { code: 'request_timeout', cause: e }),
        retryable: true,
      };
    }
    return {
      kind: 'failed',
      ok: false,
      error: new VinrConnectionError(`could not reach the VINR API: ${messageOf(e)}`, { code: 'connection_failed', cause: e }),
      retryable: true,
    };
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener('abort', forwardAbort);
  }
}

/**
 * The value of a 2xx answer, or the typed error of any other. A 2xx whose body is not what the
 * row promises is an API failure too.
 */
function readAnswer(answer: Answer, row: Row<unknown, unknown>, key: string): Result {
  const { status, requestId } = answer;
  if (status >= 200 && status < 300) {
    if (row.kind === 'text') return { ok: true, value: answer.text };
    try {
      return { ok: true, value: JSON.parse(answer.text) };
    } catch {
      return { ok: false, error: new VinrAPIError(`the API answered HTTP ${status} with a body that is not JSON`, { code: 'invalid_response', status, requestId }) };
    }
  }
  let body: unknown;
  try {
    // No API message quotes a whole key today; redacting keeps it so if one ever does.
    body = JSON.parse(answer.text.split(key).join(`${key.slice(0, 8)}…`));
  } catch {
    body = undefined;
  }
  const retryAfter = answer.retryAfterMs === undefined ? undefined : answer.retryAfterMs / 1000;
  return { ok: false, error: errorFromResponse(status, body, requestId, retryAfter) };
}

/** The path with each `:id` replaced by the next id, percent-encoded. */
function fillPath(path: string, ids: readonly string[]): string {
  let next = 0;
  return path.replace(/:id/g, () => {
    const id = ids[next++];
    if (typeof id !== 'string' || id.length === 0) {
      throw new VinrInvalidRequestError(`an id is required in ${path} (argument ${next}); got ${id === '' ? 'an empty string' : typeof id}`, {
        code: 'parameter_missing',
        param: 'id',
      });
    }
    return encodeURIComponent(id);
  });
}

/** GET and DELETE parameters as a query string; they are flat (strings, numbers, booleans). */
function queryString(params: Record<string, unknown> | undefined): string {
  if (params === undefined) return '';
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    if (value === undefined) continue;
    if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') {
      throw new VinrInvalidRequestError(`${name} must be a string, number or boolean in a query`, { code: 'parameter_invalid', param: name });
    }
    query.append(name, String(value));
  }
  const text = query.toString();
  return text === '' ? '' : `?${text}`;
}

/** A random UUID (version 4) from the host's random source. */
function newIdempotencyKey(random: RandomFill): string {
  const bytes = new Uint8Array(16);
  random(bytes);
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x40;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  let key = '';
  for (let i = 0; i < 16; i++) {
    if (i === 4 || i === 6 || i === 8 || i === 10) key += '-';
    key += HEX[bytes[i] ?? 0];
  }
  return key;
}

const HEX = /* @__PURE__ */ Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, '0'));

function aborted(reason: unknown): VinrConnectionError {
  return new VinrConnectionError('the request was aborted by its signal', { code: 'request_aborted', cause: reason });
}

