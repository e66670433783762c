/**
 * `new Vinr(options)`: the SDK's entry object. Its API resources (`vinr.payments`, …) are made
 * from the table in `resources.ts`; every call goes through `request.ts` over the client's
 * transport: the platform's `fetch`, one passed in, or an in-process sandbox's.
 */
import { VinrAuthenticationError } from './api-errors.js';
import { callCore } from './core.js';
import { VinrConfigurationError, type VinrError } from './errors.js';
import { createIds, cryptoRandom, type Ids, type RandomFill } from './ids.js';
import { pooledCryptoRandom } from './random.js';
import { listPromise, type ListQuery } from './list.js';
import { money } from './money.js';
import { send, type CallSettings, type ClientEvents, type Credentials, type FetchLike } from './request.js';
import { RESOURCES, type RequestOptions, type ResourceOf, type Resources, type Row } from './resources.js';
import { createWebhooks, type Webhooks } from './webhooks-client.js';

export const LIVE_API_BASE = 'https://api.vinr.com/v1';
export const SANDBOX_API_BASE = 'https://sandbox.api.vinr.com/v1';

/** Options of `new Vinr(...)`. Every option is checked; an unknown one is an error. */
export interface VinrOptions {
  /** A secret API key: `sk_live_…` or `sk_test_…` (sandbox). Needed for API calls. */
  secretKey?: string | undefined;
  /** Base URL of the API. Default: the live or sandbox URL that the key's mode selects. */
  apiBase?: string | undefined;
  /** How many times a failed request is retried (0–10, default 2). */
  maxNetworkRetries?: number | undefined;
  /** Per-request timeout in milliseconds (default 80000). */
  timeout?: number | undefined;
  /** Host random source (default: `crypto.getRandomValues`). Tests may pass a seeded one. */
  random?: RandomFill | undefined;
  /**
   * The webhook endpoint's signing secret (`whsec_…`), or several while rotating, used by
   * `vinr.webhooks.verify`. Default: the `VINR_WEBHOOK_SECRET` environment variable.
   */
  webhookSecret?: string | readonly string[] | undefined;
  /** The transport: any function with `fetch`'s signature. Default: the platform's `fetch`. */
  fetch?: FetchLike | undefined;
  /**
   * An in-process sandbox (`createSandbox()` from `@vinr/sdk/sandbox`): every call runs in it,
   * with no network. Without `secretKey`, the sandbox's test-mode Owner key is used.
   */
  sandbox?: SandboxTransport | undefined;
}

/** What the client uses of a sandbox: its `fetch`, and its keys for the default key. */
export interface SandboxTransport {
  fetch(input: string, init?: RequestInit): Promise<Response>;
  readonly keys: { readonly test: { readonly secretKey: string } };
}

/** Whether the key (and so every object the client sees) is live or sandbox. */
export type Mode = 'live' | 'test';

const KNOWN_OPTIONS: ReadonlySet<string> = new Set([
  'secretKey',
  'apiBase',
  'maxNetworkRetries',
  'timeout',
  'random',
  'webhookSecret',
  'fetch',
  'sandbox',
]);

const KNOWN_REQUEST_OPTIONS: ReadonlySet<string> = new Set(['idempotencyKey', 'timeout', 'maxNetworkRetries', 'signal', 'apiKey']);

/** `vinr.<resource>` for every resource of the table but `webhooks`, which adds verification. */
type ApiResources = { readonly [K in Exclude<keyof Resources, 'webhooks'>]: ResourceOf<Resources[K]> };

/** `vinr.webhooks`: the webhook endpoints of the API, and verifying their deliveries. */
export type WebhooksResource = Webhooks & ResourceOf<Resources['webhooks']>;

// The resources are assigned from the table in the constructor; this declares their types.
export interface Vinr extends ApiResources {}

export class Vinr {
  /** `'live'` or `'test'`, from the secret key (`'test'` on a sandbox); `undefined` without a key. */
  readonly mode: Mode | undefined;
  /**
   * Base URL of the API: the `apiBase` option, else the `VINR_API_BASE` environment variable,
   * else the live or sandbox URL of the key's mode. A bare origin gets `/v1`.
   */
  readonly apiBase: string;
  readonly maxNetworkRetries: number;
  readonly timeout: number;
  /** Currencies and amounts in minor units. */
  readonly money = money;
  /** Object ids (`pay_…`, `re_…`). */
  readonly ids: Ids;
  /**
   * The webhook endpoints of the API (`create`, `list`, `rollSecret`, `replayDelivery`, …) and
   * verifying (and, for tests, signing) their deliveries, synchronously on every runtime.
   */
  readonly webhooks: WebhooksResource;
  readonly #credentials: () => Credentials | undefined;
  readonly #fetch: FetchLike;
  readonly #random: RandomFill;
  readonly #listeners: { [E in keyof ClientEvents]: Set<(payload: ClientEvents[E]) => void> } = { request: new Set(), response: new Set() };

  /** `new Vinr({ secretKey })`, or `new Vinr(secretKey, options)` as a shorthand. */
  constructor(optionsOrKey?: VinrOptions | string, maybeOptions?: Omit<VinrOptions, 'secretKey'>) {
    const options = normalizeArguments(optionsOrKey, maybeOptions);
    for (const name of Object.keys(options)) {
      if (!KNOWN_OPTIONS.has(name)) {
        throw configError(`unknown option '${name}'; known options: ${[...KNOWN_OPTIONS].join(', ')}`, 'option_unknown', name);
      }
    }
    const key = options.secretKey === undefined ? undefined : checkSecretKey(options.secretKey, 'secretKey');
    const sandbox = checkSandbox(options.sandbox);
    if (sandbox !== undefined && options.fetch !== undefined) {
      throw configError('pass either fetch or sandbox, not both: a sandbox is its own transport', 'option_invalid', 'fetch');
    }
    this.#credentials = key !== undefined ? () => key : sandbox !== undefined ? () => ({ key: sandbox.keys.test.secretKey, mode: 'test' }) : () => undefined;
    this.mode = key?.mode ?? (sandbox === undefined ? undefined : 'test');
    const fromEnvironment = options.apiBase === undefined ? environmentApiBase() : undefined;
    const apiBase = options.apiBase ?? fromEnvironment ?? (this.mode === 'live' ? LIVE_API_BASE : SANDBOX_API_BASE);
    this.apiBase = checkApiBase(apiBase, fromEnvironment === undefined ? 'apiBase' : 'VINR_API_BASE');
    this.maxNetworkRetries = checkInteger(options.maxNetworkRetries ?? 2, 'maxNetworkRetries', 0, 10);
    this.timeout = checkInteger(options.timeout ?? 80_000, 'timeout', 1, 600_000);
    const random = options.random ?? cryptoRandom;
    if (typeof random !== 'function') {
      throw configError('random must be a function (bytes: Uint8Array) => void', 'option_invalid', 'random');
    }
    // Every POST draws 16 bytes for its Idempotency-Key: from a pool, the platform's CSPRNG is
    // called once per 256 keys instead of once per call (~6.5 µs each on Node).
    this.#random = random === cryptoRandom ? pooledCryptoRandom() : random;
    this.#fetch = sandbox !== undefined ? (input, init) => sandbox.fetch(input, init) : checkFetch(options.fetch);
    this.ids = createIds(random);
    const webhookSecret = checkWebhookSecret(options.webhookSecret);
    const call = (row: Row<unknown, unknown>, args: readonly unknown[]) => this.#call(row, args);
    for (const name of Object.keys(RESOURCES) as (keyof Resources)[]) {
      if (name !== 'webhooks') Object.defineProperty(this, name, { value: bindResource(RESOURCES[name], call), enumerable: false });
    }
    this.webhooks = { ...createWebhooks(() => webhookSecret, random), ...(bindResource(RESOURCES.webhooks, call) as ResourceOf<Resources['webhooks']>) };
  }

  /** Calls `listener` before each attempt of every call (`request`) or after it (`response`). */
  on<E extends keyof ClientEvents>(event: E, listener: (payload: ClientEvents[E]) => void): this {
    this.#listenersOf(event).add(listener);
    return this;
  }

  /** Removes a listener added with `on`. */
  off<E extends keyof ClientEvents>(event: E, listener: (payload: ClientEvents[E]) => void): this {
    this.#listenersOf(event).delete(listener);
    return this;
  }

  #listenersOf<E extends keyof ClientEvents>(event: E): Set<(payload: ClientEvents[E]) => void> {
    const listeners = (this.#listeners as Record<string, Set<(payload: ClientEvents[E]) => void>>)[event];
    if (listeners === undefined) throw configError(`unknown event '${String(event)}'; events: request, response`, 'option_invalid', 'event');
    return listeners;
  }

  /**
   * One method call of a resource: its arguments read by its row, then `send`. Bad arguments
   * reject the returned promise (they never throw synchronously), like every other failure.
   */
  #call(row: Row<unknown, unknown>, args: readonly unknown[]): unknown {
    let params: Record<string, unknown> | undefined;
    let settings: CallSettings;
    const idCount = row.path.split(':id').length - 1;
    const ids = args.slice(0, idCount) as string[];
    try {
      const rest = args.slice(idCount);
      params = row.params === 'none' ? undefined : checkParams(rest[0], row);
      settings = this.#settings(checkRequestOptions(row.params === 'none' ? rest[0] : rest[1]));
    } catch (e) {
      return row.kind === 'list' ? listPromise({}, () => Promise.reject(e)) : Promise.reject(e);
    }
    if (row.kind === 'list') {
      return listPromise(params ?? {}, (query: ListQuery) => send(row, ids, query, settings) as never);
    }
    return send(row, ids, params, settings);
  }

  #settings(options: RequestOptions): CallSettings {
    const credentials = options.apiKey === undefined ? this.#credentials() : checkSecretKey(options.apiKey, 'apiKey');
    if (credentials === undefined) {
      throw new VinrAuthenticationError('no API key: pass new Vinr({ secretKey }) or the apiKey request option', { code: 'api_key_missing' });
    }
    const listeners = this.#listeners;
    return {
      fetch: this.#fetch,
      apiBase: this.apiBase,
      credentials,
      maxNetworkRetries: options.maxNetworkRetries ?? this.maxNetworkRetries,
      timeout: options.timeout ?? this.timeout,
      idempotencyKey: options.idempotencyKey,
      signal: options.signal,
      random: this.#random,
      emit(event, payload) {
        for (const listener of listeners[event]) {
          try {
            (listener as (p: typeof payload) => void)(payload);
          } catch {
            // A logging hook must not fail the payment it logs.
          }
        }
      },
    };
  }

  /** Keeps the key out of `console.log(vinr)` and JSON. */
  toJSON(): Record<string, unknown> {
    return { mode: this.mode, apiBase: this.apiBase, maxNetworkRetries: this.maxNetworkRetries, timeout: this.timeout };
  }
}

function normalizeArguments(optionsOrKey: VinrOptions | string | undefined, maybeOptions: object | undefined): VinrOptions {
  if (typeof optionsOrKey === 'string') {
    if (maybeOptions !== undefined && (typeof maybeOptions !== 'object' || maybeOptions === null)) {
      throw configError('the second argument must be an options object', 'option_invalid', undefined);
    }
    if (maybeOptions !== undefined && 'secretKey' in maybeOptions) {
      throw configError('secretKey was given twice: as the first argument and in the options', 'option_invalid', 'secretKey');
    }
    return { ...maybeOptions, secretKey: optionsOrKey };
  }
  if (maybeOptions !== undefined) {
    throw configError('pass one options object: new Vinr({ secretKey, ... })', 'option_invalid', undefined);
  }
  if (optionsOrKey === undefined) return {};
  if (typeof optionsOrKey !== 'object' || optionsOrKey === null || Array.isArray(optionsOrKey)) {
    throw configError('options must be an object such as { secretKey: "sk_test_..." }', 'option_invalid', undefined);
  }
  return optionsOrKey;
}

/** The key and its mode, as the core reads them; only secret keys pass. */
function checkSecretKey(key: unknown, param: 'secretKey' | 'apiKey'): Credentials {
  if (typeof key !== 'string') {
    throw configError(`${param} must be a string, got ${key === null ? 'null' : typeof key}`, 'option_invalid', param);
  }
  const parsed = JSON.parse(callCore((c) => c.parseApiKey(key, param), configFromCore)) as { kind: string; mode: Mode };
  if (parsed.kind !== 'secret') {
    throw configError(
      `${param} is a publishable key (pk_…); the server-side SDK needs a secret key (sk_live_… or sk_test_…)`,
      'api_key_not_secret',
      param,
    );
  }
  return { key, mode: parsed.mode };
}

/** `VINR_API_BASE`, where the runtime has environment variables readable without a prompt. */
function environmentApiBase(): string | undefined {
  try {
    const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
    const value = env?.['VINR_API_BASE'];
    return value === undefined || value === '' ? undefined : value;
  } catch {
    // Deno without --allow-env throws on reading the environment: there is none to use.
    return undefined;
  }
}

function checkSandbox(value: unknown): SandboxTransport | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'object' || value === null || typeof (value as { fetch?: unknown }).fetch !== 'function') {
    throw configError('sandbox must be a sandbox from createSandbox() (@vinr/sdk/sandbox)', 'option_invalid', 'sandbox');
  }
  return value as SandboxTransport;
}

/** The transport: the given `fetch`, or the platform's, looked up at each call (so a later polyfill counts). */
function checkFetch(value: unknown): FetchLike {
  if (value !== undefined) {
    if (typeof value !== 'function') throw configError('fetch must be a function with the signature of fetch', 'option_invalid', 'fetch');
    const fetch = value as FetchLike;
    return (input, init) => fetch(input, init);
  }
  return (input, init) => {
    if (typeof globalThis.fetch !== 'function') {
      throw configError('this runtime has no global fetch: pass one with new Vinr({ fetch })', 'option_invalid', 'fetch');
    }
    return globalThis.fetch(input, init);
  };
}

function checkParams(value: unknown, row: Row<unknown, unknown>): Record<string, unknown> | undefined {
  if (value === undefined) {
    if (row.params === 'required') return {};
    return undefined;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw configError(`the parameters of ${row.method} ${row.path} must be an object`, 'option_invalid', 'params');
  }
  return value as Record<string, unknown>;
}

function checkRequestOptions(value: unknown): RequestOptions {
  if (value === undefined) return {};
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw configError('request options must be an object such as { idempotencyKey, timeout }', 'option_invalid', undefined);
  }
  const options = value as Record<string, unknown>;
  for (const name of Object.keys(options)) {
    if (!KNOWN_REQUEST_OPTIONS.has(name)) {
      throw configError(`unknown request option '${name}'; known options: ${[...KNOWN_REQUEST_OPTIONS].join(', ')}`, 'option_unknown', name);
    }
  }
  const { idempotencyKey, timeout, maxNetworkRetries, signal, apiKey } = options;
  if (idempotencyKey !== undefined && (typeof idempotencyKey !== 'string' || idempotencyKey.length === 0 || idempotencyKey.length > 255)) {
    throw configError('idempotencyKey must be a string of 1 to 255 characters', 'option_invalid', 'idempotencyKey');
  }
  if (signal !== undefined && !(typeof signal === 'object' && signal !== null && 'aborted' in signal && 'addEventListener' in signal)) {
    throw configError('signal must be an AbortSignal', 'option_invalid', 'signal');
  }
  return {
    ...(idempotencyKey === undefined ? {} : { idempotencyKey: idempotencyKey as string }),
    ...(timeout === undefined ? {} : { timeout: checkInteger(timeout, 'timeout', 1, 600_000) }),
    ...(maxNetworkRetries === undefined ? {} : { maxNetworkRetries: checkInteger(maxNetworkRetries, 'maxNetworkRetries', 0, 10) }),
    ...(signal === undefined ? {} : { signal: signal as AbortSignal }),
    ...(apiKey === undefined ? {} : { apiKey: apiKey as string }),
  };
}

/** A resource object (nested groups too) whose methods call `call(row, args)`. */
function bindResource<T extends object>(table: T, call: (row: Row<unknown, unknown>, args: readonly unknown[]) => unknown): ResourceOf<T> {
  const resource: Record<string, unknown> = {};
  for (const [name, entry] of Object.entries(table)) {
    resource[name] = isRow(entry) ? (...args: unknown[]) => call(entry, args) : bindResource(entry as object, call);
  }
  return resource as ResourceOf<T>;
}

function isRow(entry: unknown): entry is Row<unknown, unknown> {
  return typeof entry === 'object' && entry !== null && 'method' in entry && 'path' in entry;
}

function checkWebhookSecret(value: unknown): string | readonly string[] | undefined {
  if (value === undefined || typeof value === 'string') return value;
  if (Array.isArray(value) && value.every((s) => typeof s === 'string')) return Object.freeze([...(value as string[])]);
  throw configError('webhookSecret must be a whsec_… string or an array of them', 'option_invalid', 'webhookSecret');
}

/** The API base without a trailing slash; a bare origin (`http://127.0.0.1:12111`) gets `/v1`. */
function checkApiBase(value: unknown, param: 'apiBase' | 'VINR_API_BASE'): string {
  if (typeof value !== 'string') throw configError(`${param} must be a URL string`, 'option_invalid', param);
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw configError(`${param} must be an absolute http(s) URL, got ${JSON.stringify(value)}`, 'option_invalid', param);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw configError(`${param} must be an absolute http(s) URL, got ${JSON.stringify(value)}`, 'option_invalid', param);
  }
  const base = value.replace(/\/+$/, '');
  return url.pathname === '/' ? `${base}/v1` : base;
}

function checkInteger(value: unknown, param: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw configError(`${param} must be an integer from ${min} to ${max}`, 'option_invalid', param);
  }
  return value;
}

function configError(message: string, code: string, param: string | undefined): VinrConfigurationError {
  return new VinrConfigurationError(message, { code, param });
}

function configFromCore(message: string, code: string, param: string | undefined): VinrError {
  return configError(message, code, param);
}
