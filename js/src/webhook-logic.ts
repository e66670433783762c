/**
 * Webhook verification and signing: the one implementation behind both `vinr.webhooks` (full
 * SDK) and `@vinr/sdk/webhooks` (the webhook-only edge entry). Each passes a `WebhookRunner`
 * that calls into its own Wasm build; both builds export the same status-number functions
 * (`src/webhook/status.rs`), so option parsing and payload handling live here once. The core
 * decides every failure of a header or a secret and reports it as one number; this module
 * fills in that code's message and knows of the core only what `webhook-facts.ts` (generated
 * from it, the message templates included) says.
 */
import { SignatureVerificationError, VinrConfigurationError } from './errors.js';
import {
  DEFAULT_TOLERANCE,
  ERROR_CODES,
  HEADERS,
  MAX_HEADER_BYTES,
  MESSAGES,
  MIN_SECRET_BYTES,
  PROBLEMS,
  REASONS,
  SECRET_SEPARATOR,
  SIGNATURE_HEADER,
  STANDARD_ID_HEADER,
  STANDARD_SIGNATURE_HEADER,
  STANDARD_TIMESTAMP_HEADER,
  type WebhookCoreErrorCode,
} from './webhook-facts.js';
import type { Event } from './api-types.js';

/**
 * The functions both Wasm builds export (`webhook_wasm_exports!` in `src/webhook/status.rs`).
 * Payloads travel in a buffer from `webhookAlloc` that this module fills directly in linear
 * memory (one copy, or one `encodeInto` for a string) and that the next call takes back; or,
 * when the host brings its own HMAC, they stay here and the core calls `host.mac` instead.
 */
export interface WebhookCoreFunctions {
  webhookAlloc(cap: number): number;
  webhookMemory(): WebAssembly.Memory;
  webhookVerify(
    ptr: number,
    len: number,
    cap: number,
    header: string,
    secrets: string,
    tolerance: number,
    ignoreTimestamp: boolean,
    now: number,
    host: HostMac | undefined,
  ): number;
  webhookVerifyStandard(
    ptr: number,
    len: number,
    cap: number,
    msgId: string,
    timestamp: string,
    signature: string,
    secrets: string,
    tolerance: number,
    ignoreTimestamp: boolean,
    now: number,
    host: HostMac | undefined,
  ): number;
  webhookSign(ptr: number, len: number, cap: number, secrets: string, timestamp: number, host: HostMac | undefined): string;
}

/**
 * What the core calls for each MAC when the host computes it (`node-hmac.ts`): `mac` reads the
 * key and prefix at their addresses in linear memory and writes the 32 bytes at `out`. It must
 * not throw through Wasm (the call's buffers would leak): it returns false, and `done`, called
 * once the core has returned, rethrows.
 */
export interface HostMac {
  mac(key: number, keyLen: number, prefix: number, prefixLen: number, out: number): boolean;
  done(): void;
}

/** Makes the `HostMac` of one call, over the payload it keeps and the instance's memory. */
export type HostMacFactory = (memory: WebAssembly.Memory, payload: string | Uint8Array) => HostMac;

let hostMac: HostMacFactory | undefined;

/**
 * Has the core take its HMAC from the host (`node-hmac.ts`, in the Node entries only) instead of
 * computing it in Wasm. Idempotent: the first one wins.
 */
export function provideHostMac(factory: HostMacFactory): void {
  hostMac ??= factory;
}

/** Runs `fn` against a live Wasm instance, translating a trap or panic into `VinrInternalError`. */
export type WebhookRunner = <T>(fn: (core: WebhookCoreFunctions) => T) => T;

/** The raw request body, exactly as received. A Node `Buffer` is a `Uint8Array`. */
export type WebhookPayload = string | Uint8Array | ArrayBuffer | ArrayBufferView;

/** Anything with a `get(name)` like the Fetch API's `Headers`. */
export interface HeadersLike {
  get(name: string): string | null;
}

/** Node's `req.headers` and other plain header records (names are matched case-insensitively). */
export type HeadersRecord = Readonly<Record<string, string | readonly string[] | undefined>>;

/** The `x-vinr-signature` value, or the request's headers to read it from. */
export type SignatureHeaderSource = string | null | undefined | HeadersLike | HeadersRecord;

/** One `whsec_…` secret, or several while rotating (any of them may match). */
export type WebhookSecretInput = string | readonly string[];

/** A moment: a `Date` or Unix seconds. */
export type WebhookTime = Date | number;

export interface WebhookVerifyOptions {
  /** The endpoint's secret(s). Default: the client's `webhookSecret`, then `VINR_WEBHOOK_SECRET`. */
  secret?: WebhookSecretInput;
  /** Allowed distance between the signed time and now, seconds, both directions (default 300; 0 = exact). */
  tolerance?: number;
  /** Skip the time check (no replay protection). For re-processing stored deliveries only. */
  ignoreTimestamp?: boolean;
  /** The current time, for tests. Default: the system clock. */
  now?: WebhookTime;
}

/** A VINR event as delivered to webhook endpoints. `data` is the object the event is about. */
export interface WebhookEvent<TData = Record<string, unknown>> {
  id: string;
  object: 'event';
  /** Dotted event type, e.g. `payment.completed`. */
  type: string;
  /** RFC 3339 UTC time the event happened. */
  createdAt: string;
  livemode: boolean;
  data: TData;
}

export interface GenerateTestHeaderOptions {
  payload: WebhookPayload;
  secret: WebhookSecretInput;
  /** Signing time. Default: now. */
  timestamp?: WebhookTime;
}

export interface WebhookFunctions {
  /**
   * Verifies a delivery's `x-vinr-signature` against the raw body and returns the parsed event.
   * Throws `SignatureVerificationError` (answer 400) if it does not verify.
   */
  verify<TEvent = Event>(payload: WebhookPayload, header: SignatureHeaderSource, options?: WebhookVerifyOptions): TEvent;
  /**
   * Verifies the Standard Webhooks headers (`webhook-id`, `webhook-timestamp`,
   * `webhook-signature`) and returns the parsed JSON body. The secret may omit `whsec_`.
   */
  verifyStandard<TEvent = Event>(
    payload: WebhookPayload,
    headers: HeadersLike | HeadersRecord,
    secret: WebhookSecretInput,
    options?: Omit<WebhookVerifyOptions, 'secret'>,
  ): TEvent;
  /** A valid `x-vinr-signature` value (`t=…,v1=…`) for tests: one `v1` per secret. */
  generateTestHeader(options: GenerateTestHeaderOptions): string;
}

const KNOWN_VERIFY_OPTIONS: ReadonlySet<string> = new Set(['secret', 'tolerance', 'ignoreTimestamp', 'now']);
const utf8 = /* @__PURE__ */ new TextEncoder();
// `fatal`: a body that is not UTF-8 is not JSON, rather than JSON with U+FFFD in it.
const strictUtf8 = /* @__PURE__ */ new TextDecoder('utf-8', { fatal: true });

/**
 * The webhook functions over one Wasm build. `defaultSecret` supplies the client's
 * `webhookSecret` (the edge entry has none); the environment is consulted after it.
 */
export function createWebhookFunctions(run: WebhookRunner, defaultSecret: () => WebhookSecretInput | undefined = noSecret): WebhookFunctions {
  return {
    verify<TEvent>(payload: WebhookPayload, header: SignatureHeaderSource, options?: WebhookVerifyOptions): TEvent {
      const policy = readOptions(options, KNOWN_VERIFY_OPTIONS);
      const body = payloadOf(payload);
      const value = readHeader(header, SIGNATURE_HEADER);
      const secrets = secretList(policy.secret ?? defaultSecret() ?? envSecret());
      const failed = run((c) =>
        withPayload(c, body, (ptr, len, cap, host) => c.webhookVerify(ptr, len, cap, value, secrets.joined, policy.tolerance, policy.ignoreTimestamp, policy.now, host)),
      );
      if (failed !== 0) throw coreFailure(failed, secrets.count, policy);
      return parseEvent(body) as TEvent;
    },

    verifyStandard<TEvent>(
      payload: WebhookPayload,
      headers: HeadersLike | HeadersRecord,
      secret: WebhookSecretInput,
      options?: Omit<WebhookVerifyOptions, 'secret'>,
    ): TEvent {
      const policy = readOptions(options, KNOWN_STANDARD_OPTIONS);
      const body = payloadOf(payload);
      const id = readHeader(headers, STANDARD_ID_HEADER);
      const timestamp = readHeader(headers, STANDARD_TIMESTAMP_HEADER);
      const signature = readHeader(headers, STANDARD_SIGNATURE_HEADER);
      const secrets = secretList(secret);
      const failed = run((c) =>
        withPayload(c, body, (ptr, len, cap, host) =>
          c.webhookVerifyStandard(ptr, len, cap, id, timestamp, signature, secrets.joined, policy.tolerance, policy.ignoreTimestamp, policy.now, host),
        ),
      );
      if (failed !== 0) throw coreFailure(failed, secrets.count, policy);
      return parseEvent(body) as TEvent;
    },

    generateTestHeader(options: GenerateTestHeaderOptions): string {
      if (typeof options !== 'object' || options === null) {
        throw configError('generateTestHeader takes { payload, secret, timestamp? }', 'options');
      }
      const body = payloadOf(options.payload);
      const secrets = secretList(options.secret);
      const timestamp = options.timestamp === undefined ? nowSeconds() : seconds(options.timestamp, 'timestamp');
      const header = run((c) => withPayload(c, body, (ptr, len, cap, host) => c.webhookSign(ptr, len, cap, secrets.joined, timestamp, host)));
      if (header !== '') return header;
      // Signing fails only on an invalid secret (the list is not empty): verifying with the
      // same list reports which, before it looks at the header.
      throw coreFailure(
        run((c) => c.webhookVerify(0, 0, 0, 't=1,v1=x', secrets.joined, 0, true, 0, undefined)),
        secrets.count,
        undefined,
      );
    },
  };
}

const KNOWN_STANDARD_OPTIONS: ReadonlySet<string> = new Set(['tolerance', 'ignoreTimestamp', 'now']);

function noSecret(): undefined {
  return undefined;
}

interface Policy {
  secret: WebhookSecretInput | undefined;
  tolerance: number;
  ignoreTimestamp: boolean;
  now: number;
}

function readOptions(options: WebhookVerifyOptions | undefined, known: ReadonlySet<string>): Policy {
  if (options === undefined) {
    return { secret: undefined, tolerance: DEFAULT_TOLERANCE, ignoreTimestamp: false, now: nowSeconds() };
  }
  if (typeof options !== 'object' || options === null) throw configError('options must be an object', 'options');
  for (const name in options) {
    if (!known.has(name)) throw configError(`unknown option '${name}'; known options: ${[...known].join(', ')}`, name);
  }
  const { tolerance = DEFAULT_TOLERANCE, ignoreTimestamp = false } = options;
  if (typeof tolerance !== 'number' || !Number.isSafeInteger(tolerance) || tolerance < 0) {
    throw configError('tolerance must be a whole number of seconds, 0 or more (0 means the timestamp must equal now)', 'tolerance');
  }
  if (typeof ignoreTimestamp !== 'boolean') throw configError('ignoreTimestamp must be a boolean', 'ignoreTimestamp');
  return {
    secret: options.secret,
    tolerance,
    ignoreTimestamp,
    now: options.now === undefined ? nowSeconds() : seconds(options.now, 'now'),
  };
}

function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

function seconds(value: WebhookTime, param: string): number {
  const s = value instanceof Date ? value.getTime() / 1000 : value;
  if (typeof s !== 'number' || !Number.isFinite(s) || s < 0 || s > Number.MAX_SAFE_INTEGER) {
    throw configError(`${param} must be a Date or Unix seconds`, param);
  }
  return Math.floor(s);
}

function configError(message: string, param: string): VinrConfigurationError {
  return new VinrConfigurationError(message, { code: 'option_invalid', param });
}

/** The body as the core takes it: a string (encoded once, by the glue) or a byte view. */
function payloadOf(payload: WebhookPayload): string | Uint8Array {
  if (typeof payload === 'string' || payload instanceof Uint8Array) return payload;
  if (payload instanceof ArrayBuffer) return new Uint8Array(payload);
  if (ArrayBuffer.isView(payload)) return new Uint8Array(payload.buffer, payload.byteOffset, payload.byteLength);
  const what = payload === null ? 'null' : Array.isArray(payload) ? 'an array' : typeof payload;
  const parsed = what === 'object' || what === 'an array';
  throw new SignatureVerificationError(
    (parsed ? 'the payload is a parsed object; the signature covers the raw body bytes, which re-serialising changes. ' : `the payload is ${what}. `) +
      'Pass the raw body (string, Buffer, Uint8Array or ArrayBuffer): await request.text(), or req.body under express.raw()',
    { code: 'invalid_payload_type' },
  );
}

const memories = /* @__PURE__ */ new WeakMap<WebhookCoreFunctions, WebAssembly.Memory>();

/**
 * Calls `fn` with the payload where the core takes it: with the host's HMAC, kept here (no
 * buffer); else copied (bytes) or encoded (a string, UTF-8, straight into linear memory) into a
 * fresh `webhookAlloc` buffer, whose address, length and capacity `fn` passes to the core, which
 * frees it. Nothing between the allocation and that call can throw.
 */
function withPayload<T>(c: WebhookCoreFunctions, body: string | Uint8Array, fn: (ptr: number, len: number, cap: number, host: HostMac | undefined) => T): T {
  let memory = memories.get(c);
  if (memory === undefined) {
    memory = c.webhookMemory();
    memories.set(c, memory);
  }
  if (hostMac !== undefined) {
    const host = hostMac(memory, body);
    const result = fn(0, 0, 0, host);
    host.done();
    return result;
  }
  if (typeof body === 'string') {
    // A UTF-16 unit never takes more than 3 UTF-8 bytes.
    const cap = body.length * 3;
    const ptr = c.webhookAlloc(cap);
    // `buffer` is read after the allocation, which may have grown (and replaced) it.
    const { written } = utf8.encodeInto(body, new Uint8Array(memory.buffer, ptr, cap));
    return fn(ptr, written, cap, undefined);
  }
  const ptr = c.webhookAlloc(body.length);
  new Uint8Array(memory.buffer, ptr, body.length).set(body);
  return fn(ptr, body.length, body.length, undefined);
}

/**
 * The header's value ('' when absent): a string as is, or looked up in headers. A value over
 * the core's limit is cut to one character more than the limit, which the core still refuses
 * as too large, so that an oversized header costs no more than that to pass into Wasm.
 */
function readHeader(source: SignatureHeaderSource, name: string): string {
  const value = headerValue(source, name);
  return value.length > MAX_HEADER_BYTES ? value.slice(0, MAX_HEADER_BYTES + 1) : value;
}

function headerValue(source: SignatureHeaderSource, name: string): string {
  if (typeof source === 'string') return source;
  if (source === null || source === undefined) return '';
  if (typeof source !== 'object') {
    throw new SignatureVerificationError(`${name}: pass a string, Headers or a headers record`, { code: 'malformed_header' });
  }
  if (typeof (source as HeadersLike).get === 'function') return (source as HeadersLike).get(name) ?? '';
  const record = source as HeadersRecord;
  let value = record[name];
  if (value === undefined) {
    for (const key in record) {
      if (key.toLowerCase() === name) {
        value = record[key];
        break;
      }
    }
  }
  // A repeated header arrives as an array; HTTP's rule for combining repeats is a comma.
  if (Array.isArray(value)) return value.join(',');
  return typeof value === 'string' ? value : '';
}

interface Secrets {
  /** As the core takes them: one string, `SECRET_SEPARATOR` between them. */
  joined: string;
  /** How many the core sees (it skips empty ones). */
  count: number;
}

function secretList(input: WebhookSecretInput | undefined): Secrets {
  const list: readonly unknown[] = input === undefined ? [] : typeof input === 'string' ? [input] : Array.isArray(input) ? input : [input];
  if (list.length === 0 || list.every((s) => s === '')) {
    throw new SignatureVerificationError(
      "no webhook secret: pass options.secret, new Vinr({ webhookSecret }) or set VINR_WEBHOOK_SECRET (the endpoint's whsec_… secret)",
      { code: 'no_secret' },
    );
  }
  list.forEach((s, i) => {
    // The separator inside a secret would split it in two on the way in; base64 has none, so
    // such a secret is invalid anyway. What is not a string never reaches the core.
    if (typeof s !== 'string' || s.includes(SECRET_SEPARATOR)) {
      const which = list.length > 1 ? `secret ${i + 1} of ${list.length}` : 'the webhook secret';
      const why = typeof s === 'string' ? 'it contains a space' : `it is ${typeof s}`;
      throw new SignatureVerificationError(`${which} is invalid (${why}); copy the whsec_… secret from the dashboard, without quotes or whitespace`, {
        code: 'invalid_secret',
      });
    }
  });
  const strings = list as readonly string[];
  return { joined: strings.join(SECRET_SEPARATOR), count: strings.filter((s) => s !== '').length };
}

/** `VINR_WEBHOOK_SECRET` where the runtime has an environment; never throws. */
function envSecret(): string | undefined {
  const g = globalThis as {
    process?: { env?: Record<string, string | undefined> };
    Deno?: { env?: { get(name: string): string | undefined } };
  };
  try {
    const value = g.process?.env?.VINR_WEBHOOK_SECRET ?? g.Deno?.env?.get('VINR_WEBHOOK_SECRET');
    return value === '' ? undefined : value;
  } catch {
    // Deno without --allow-env throws here; no environment then.
    return undefined;
  }
}

/**
 * The error for a failure the core reported: `status + 16 × detail`, where the detail carries
 * what only the core knows (see `encode` in status.rs, whose vectors the tests replay), and
 * `secrets` and `policy` the rest. Runs only on failure.
 */
function coreFailure(report: number, secrets: number, policy: Policy | undefined): SignatureVerificationError {
  const index = (report % 16) - 1;
  const detail = Math.floor(report / 16);
  const code = ERROR_CODES[index] as WebhookCoreErrorCode;
  const now = policy?.now ?? 0;
  const position = Math.floor(detail / 64);
  const values: Record<string, string> = {
    header: HEADERS[detail % 4] ?? '',
    limit: String(MAX_HEADER_BYTES),
    reason: REASONS[code === 'missing_timestamp' ? detail : Math.floor(detail / 4)] ?? '',
    secrets: String(secrets),
    timestamp: String(code === 'timestamp_too_old' ? now - detail : now + detail),
    age: String(detail),
    ahead: String(detail),
    tolerance: String(policy?.tolerance ?? DEFAULT_TOLERANCE),
    which: secrets > 1 ? ` ${position} of ${secrets}` : '',
    problem: fill(PROBLEMS[detail % 4] ?? '', { len: String(Math.floor(detail / 4) % 16), min: String(MIN_SECRET_BYTES) }),
  };
  return new SignatureVerificationError(fill(MESSAGES[index] ?? '', values), { code });
}

/** `template` with each `{name}` replaced by `values[name]`, as the core's `Display` does. */
function fill(template: string, values: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (_, name: string) => values[name] ?? '');
}

/** The verified body as JSON; must be an object (every VINR event is). */
function parseEvent(body: string | Uint8Array): unknown {
  let value: unknown;
  try {
    value = JSON.parse(typeof body === 'string' ? body : strictUtf8.decode(body));
  } catch {
    throw new SignatureVerificationError('the payload is signed correctly but is not UTF-8 JSON', { code: 'invalid_json' });
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new SignatureVerificationError('the payload is signed correctly but is not a JSON object', { code: 'invalid_json' });
  }
  return value;
}
