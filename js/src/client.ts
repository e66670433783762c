/** `new Vinr(options)`: the SDK's entry object. */
import { callCore } from './core.js';
import { VinrConfigurationError, type VinrError } from './errors.js';
import { createIds, cryptoRandom, type Ids, type RandomFill } from './ids.js';
import { money } from './money.js';
import { createWebhooks, type Webhooks } from './webhooks-client.js';

export const LIVE_API_BASE = 'https://api.vinr.com/v1';
export const SANDBOX_API_BASE = 'https://sandbox.api.vinr.com/v1';

/** Options of `new Vinr(...)`. Every option is checked; an unknown one is an error. */
export interface VinrOptions {
  /** A secret API key: `sk_live_…` or `sk_test_…` (sandbox). Needed for API calls. */
  secretKey?: string;
  /** Base URL of the API. Default: the live or sandbox URL that the key's mode selects. */
  apiBase?: string;
  /** How many times a failed request is retried (0–10, default 2). */
  maxNetworkRetries?: number;
  /** Per-request timeout in milliseconds (default 80000). */
  timeout?: number;
  /** Host random source (default: `crypto.getRandomValues`). Tests may pass a seeded one. */
  random?: RandomFill;
  /**
   * The webhook endpoint's signing secret (`whsec_…`), or several while rotating, used by
   * `vinr.webhooks.verify`. Default: the `VINR_WEBHOOK_SECRET` environment variable.
   */
  webhookSecret?: string | readonly string[];
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
]);

export class Vinr {
  /** `'live'` or `'test'`, from the secret key; `undefined` without a key. */
  readonly mode: Mode | undefined;
  readonly apiBase: string;
  readonly maxNetworkRetries: number;
  readonly timeout: number;
  /** Currencies and amounts in minor units. */
  readonly money = money;
  /** Object ids (`pay_…`, `re_…`). */
  readonly ids: Ids;
  /** Verifying (and, for tests, signing) webhook deliveries; synchronous on every runtime. */
  readonly webhooks: Webhooks;
  readonly #secretKey: string | undefined;

  /** `new Vinr({ secretKey })`, or `new Vinr(secretKey, options)` as a shorthand. */
  constructor(optionsOrKey?: VinrOptions | string, maybeOptions?: Omit<VinrOptions, 'secretKey'>) {
    const options = normalizeArguments(optionsOrKey, maybeOptions);
    for (const name of Object.keys(options)) {
      if (!KNOWN_OPTIONS.has(name)) {
        throw configError(`unknown option '${name}'; known options: ${[...KNOWN_OPTIONS].join(', ')}`, 'option_unknown', name);
      }
    }
    const key = options.secretKey === undefined ? undefined : checkSecretKey(options.secretKey);
    this.#secretKey = key?.key;
    this.mode = key?.mode;
    this.apiBase = checkApiBase(options.apiBase ?? (this.mode === 'live' ? LIVE_API_BASE : SANDBOX_API_BASE));
    this.maxNetworkRetries = checkInteger(options.maxNetworkRetries ?? 2, 'maxNetworkRetries', 0, 10);
    this.timeout = checkInteger(options.timeout ?? 80_000, 'timeout', 1, 600_000);
    const random = options.random ?? cryptoRandom;
    if (typeof random !== 'function') {
      throw configError('random must be a function (bytes: Uint8Array) => void', 'option_invalid', 'random');
    }
    this.ids = createIds(random);
    const webhookSecret = checkWebhookSecret(options.webhookSecret);
    this.webhooks = createWebhooks(() => webhookSecret, random);
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
function checkSecretKey(key: unknown): { key: string; mode: Mode } {
  if (typeof key !== 'string') {
    throw configError(`secretKey must be a string, got ${key === null ? 'null' : typeof key}`, 'option_invalid', 'secretKey');
  }
  const parsed = JSON.parse(callCore((c) => c.parseApiKey(key, 'secretKey'), configFromCore)) as { kind: string; mode: Mode };
  if (parsed.kind !== 'secret') {
    throw configError(
      'secretKey is a publishable key (pk_…); the server-side SDK needs a secret key (sk_live_… or sk_test_…)',
      'api_key_not_secret',
      'secretKey',
    );
  }
  return { key, mode: parsed.mode };
}

function checkWebhookSecret(value: unknown): string | readonly string[] | undefined {
  if (value === undefined || typeof value === 'string') return value;
  if (Array.isArray(value) && value.every((s) => typeof s === 'string')) return Object.freeze([...(value as string[])]);
  throw configError('webhookSecret must be a whsec_… string or an array of them', 'option_invalid', 'webhookSecret');
}

function checkApiBase(value: unknown): string {
  if (typeof value !== 'string') throw configError('apiBase must be a URL string', 'option_invalid', 'apiBase');
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw configError('apiBase must be an absolute http(s) URL', 'option_invalid', 'apiBase');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw configError('apiBase must be an absolute http(s) URL', 'option_invalid', 'apiBase');
  }
  return value.replace(/\/+$/, '');
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
