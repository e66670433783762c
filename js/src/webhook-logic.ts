/**
 * Webhook verification and signing: the one implementation behind both `vinr.webhooks` (full
 * SDK) and `@vinr/sdk/webhooks` (the webhook-only edge entry). Each passes a `WebhookRunner`
 * that calls into its own Wasm build; both builds export the same status-number functions
 * (`src/webhook/status.rs`), so option parsing, payload handling and error mapping live here
 * once.
 */
import { SignatureVerificationError, VinrConfigurationError, type SignatureVerificationErrorCode } from './errors.js';
import type { Event } from './api-types.js';

/**
 * The functions both Wasm builds export (`webhook_wasm_exports!` in `src/webhook/status.rs`).
 * Payloads travel in a buffer from `webhookAlloc` that this module fills directly in linear
 * memory (one copy, or one `encodeInto` for a string) and that the next call takes back.
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
  ): number;
  webhookSign(ptr: number, len: number, cap: number, secrets: string, timestamp: number): string;
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

export const SIGNATURE_HEADER = 'x-vinr-signature';
/** Same limit as the core's `MAX_HEADER_BYTES`, checked here before anything is encoded. */
export const MAX_HEADER_BYTES = 8192;
const DEFAULT_TOLERANCE = 300;

/** Status number n (n ≥ 1) is CODES[n - 1]; the order of `ERROR_CODES` in the Rust core. */
const CODES: readonly SignatureVerificationErrorCode[] = [
  'missing_header',
  'header_too_large',
  'malformed_header',
  'missing_timestamp',
  'invalid_timestamp',
  'no_supported_signature',
  'signature_mismatch',
  'timestamp_too_old',
  'timestamp_too_new',
  'invalid_secret',
  'no_secret',
];

const INVALID_SECRET = 10;
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
      checkSize(value, SIGNATURE_HEADER);
      const secrets = secretList(policy.secret ?? defaultSecret() ?? envSecret());
      const status = run((c) => {
        const [ptr, len, cap] = passPayload(c, body);
        return c.webhookVerify(ptr, len, cap, value, secrets.joined, policy.tolerance, policy.ignoreTimestamp, policy.now);
      });
      if (status !== 0) throw failure(status, { run, secrets, header: SIGNATURE_HEADER, value, policy, standard: false });
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
      if (typeof headers !== 'object' || headers === null) {
        throw new SignatureVerificationError('verifyStandard needs the request headers (a Headers object or a headers record)', {
          code: 'missing_header',
        });
      }
      const id = readHeader(headers, 'webhook-id');
      const timestamp = readHeader(headers, 'webhook-timestamp');
      const signature = readHeader(headers, 'webhook-signature');
      checkSize(id, 'webhook-id');
      checkSize(timestamp, 'webhook-timestamp');
      checkSize(signature, 'webhook-signature');
      const secrets = secretList(secret);
      const status = run((c) => {
        const [ptr, len, cap] = passPayload(c, body);
        return c.webhookVerifyStandard(ptr, len, cap, id, timestamp, signature, secrets.joined, policy.tolerance, policy.ignoreTimestamp, policy.now);
      });
      if (status !== 0) {
        const header = id.trim() === '' ? 'webhook-id' : 'webhook-signature';
        throw failure(status, { run, secrets, header, value: timestamp, policy, standard: true });
      }
      return parseEvent(body) as TEvent;
    },

    generateTestHeader(options: GenerateTestHeaderOptions): string {
      if (typeof options !== 'object' || options === null) {
        throw configError('generateTestHeader takes { payload, secret, timestamp? }', 'options');
      }
      const body = payloadOf(options.payload);
      const secrets = secretList(options.secret);
      const timestamp = options.timestamp === undefined ? nowSeconds() : seconds(options.timestamp, 'timestamp');
      const header = run((c) => {
        const [ptr, len, cap] = passPayload(c, body);
        return c.webhookSign(ptr, len, cap, secrets.joined, timestamp);
      });
      // Empty means a secret is invalid (the list is not empty).
      if (header === '') throw failure(INVALID_SECRET, { run, secrets, header: SIGNATURE_HEADER, value: '', policy: undefined, standard: false });
      return header;
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
      "Pass the raw body (string, Buffer, Uint8Array or ArrayBuffer): Express: express.raw({ type: 'application/json' }) and req.body; " +
      'Next.js: await req.text(); Workers, Deno, Bun: await request.text()',
    { code: 'invalid_payload_type' },
  );
}

const memories = /* @__PURE__ */ new WeakMap<WebhookCoreFunctions, WebAssembly.Memory>();

/**
 * Copies (bytes) or encodes (a string, UTF-8, straight into linear memory) the payload into a
 * fresh `webhookAlloc` buffer; returns its address, length and capacity for the next call, which
 * frees it. Nothing between this and that call can throw.
 */
function passPayload(c: WebhookCoreFunctions, body: string | Uint8Array): [number, number, number] {
  let memory = memories.get(c);
  if (memory === undefined) {
    memory = c.webhookMemory();
    memories.set(c, memory);
  }
  if (typeof body === 'string') {
    // A UTF-16 unit never takes more than 3 UTF-8 bytes.
    const cap = body.length * 3;
    const ptr = c.webhookAlloc(cap);
    // `buffer` is read after the allocation, which may have grown (and replaced) it.
    const { written } = utf8.encodeInto(body, new Uint8Array(memory.buffer, ptr, cap));
    return [ptr, written, cap];
  }
  const ptr = c.webhookAlloc(body.length);
  new Uint8Array(memory.buffer, ptr, body.length).set(body);
  return [ptr, body.length, body.length];
}

/** The header's value ('' when absent): a string as is, or looked up in headers. */
function readHeader(source: SignatureHeaderSource, name: string): string {
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

function checkSize(value: string, name: string): void {
  // `length` counts UTF-16 units, never more than the UTF-8 bytes; the core checks bytes too.
  if (value.length > MAX_HEADER_BYTES) {
    throw new SignatureVerificationError(`${name} header over the ${MAX_HEADER_BYTES}-byte limit; not parsed`, { code: 'header_too_large' });
  }
}

interface Secrets {
  list: readonly string[];
  joined: string;
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
    // Secrets cross into Wasm space-separated (see status.rs), so a space could split one
    // secret into two; base64 has none, so such a secret is invalid anyway.
    if (typeof s !== 'string' || s.includes(' ')) throw invalidSecret(i, list.length, typeof s === 'string' ? 'it contains a space' : `it is ${typeof s}`);
  });
  const strings = list as readonly string[];
  return { list: strings, joined: strings.length === 1 ? (strings[0] as string) : strings.join(' ') };
}

function invalidSecret(index: number, count: number, why: string): SignatureVerificationError {
  const which = count > 1 ? `secret ${index + 1} of ${count}` : 'the webhook secret';
  return new SignatureVerificationError(`${which} is invalid (${why}); copy the whsec_… secret from the dashboard, without quotes or whitespace`, {
    code: 'invalid_secret',
  });
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

interface FailureContext {
  run: WebhookRunner;
  secrets: Secrets;
  /** The header the failure is about. */
  header: string;
  /** The header value holding the timestamp, read again only to word a time error. */
  value: string;
  policy: Policy | undefined;
  standard: boolean;
}

/** The error for a status number. Runs only on failure, so it may spend time on the wording. */
function failure(status: number, ctx: FailureContext): SignatureVerificationError {
  const code = CODES[status - 1] ?? 'malformed_header';
  if (code === 'invalid_secret') {
    // Which one: a lone secret fails verification with this same status before anything else.
    const { list } = ctx.secrets;
    const bad = list.findIndex((s) => ctx.run((c) => (ctx.standard ? c.webhookVerifyStandard(0, 0, 0, 'x', '1', 'v1,x', s, 0, true, 0) : c.webhookVerify(0, 0, 0, 't=1,v1=x', s, 0, true, 0))) === status);
    return invalidSecret(Math.max(bad, 0), list.length, 'it is not ' + (ctx.standard ? '' : 'whsec_ plus ') + 'base64 of 16 bytes or more');
  }
  return new SignatureVerificationError(message(code, ctx), { code });
}

function message(code: SignatureVerificationErrorCode, { header, standard, secrets, value, policy }: FailureContext): string {
  switch (code) {
    case 'missing_header':
      return `missing ${header} header: not a signed VINR webhook, or a proxy dropped the header`;
    case 'header_too_large':
      return `${header} header over the ${MAX_HEADER_BYTES}-byte limit; not parsed`;
    case 'malformed_header':
      return `malformed ${header} header: expected ` + (standard ? 'space-separated v1,<base64> entries' : 't=<unix seconds>,v1=<64 lowercase hex>[,v1=…]');
    case 'missing_timestamp':
      return standard ? 'missing webhook-timestamp header' : `no t=<unix seconds> entry in ${header}`;
    case 'invalid_timestamp':
      return 'invalid timestamp: expected Unix seconds as plain digits';
    case 'no_supported_signature':
      return `${header} has no v1 signature (only unknown schemes); upgrade the SDK if the sender uses a newer one`;
    case 'signature_mismatch':
      return `no signature matches the ${secrets.list.length} secret(s) given: check the secret is this endpoint's (and mode's), and that the payload is the raw body, byte for byte, not re-serialised JSON`;
    case 'timestamp_too_old':
    case 'timestamp_too_new': {
      const t = Number((standard ? /^\s*(\d+)/ : /(?:^|,)[ \t]*t=(\d+)/).exec(value)?.[1]);
      const now = policy?.now ?? nowSeconds();
      const old = code === 'timestamp_too_old';
      return (
        `timestamp ${t} is ${old ? `${now - t} s old` : `${t - now} s in the future`}, outside the ${policy?.tolerance ?? DEFAULT_TOLERANCE} s tolerance (` +
        (old ? 'a replay, a late retry of a stored request, or a slow clock here)' : "is this machine's clock behind?)")
      );
    }
    default:
      return 'no webhook secret given';
  }
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
