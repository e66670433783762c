/**
 * The platform `fetch`'s arguments as the core takes them (method, URL, headers as text, body
 * bytes), and the core's answer as a standard `Response`. Everything here is what `fetch`
 * itself would do with the arguments (header validation, default content types, body
 * extraction, abort); nothing interprets the API: the core parses the URL, checks every
 * header and answers every error.
 */
import { appendHeaders, platformResponseIsUndici, TextResponse } from './response.js';

/** One request, ready for `SandboxCore.handle` but for a body that may still be read. */
export interface SandboxRequest {
  method: string;
  /** As given: any origin, or a bare `/v1/…` path. The core parses it. */
  url: string;
  /** `name\nvalue\n…`, names lower-cased (the `Headers` normalisation). */
  headers: string;
  /** The bytes, or a promise of them when the body must be read (a stream, a Blob, a Request's). */
  body: Uint8Array | Promise<Uint8Array>;
  signal: AbortSignal | undefined;
}

/**
 * The core's answer to one request, before it becomes a `Response` (fetch) or bytes on a socket
 * (the HTTP server): what both faces are made of.
 */
export interface SandboxAnswer {
  status: number;
  /** The core's `name\nvalue\n…`, as it made it (see `answerHeaders` for what a `Response` holds). */
  headers: string;
  /** The JSON text, or a file's bytes. */
  body: string | Uint8Array;
  /**
   * Settles once this request's changes, and every earlier request's, are stored (rejecting
   * with `VinrStorageError` if they could not be); `undefined` when nothing was pending. The
   * answer may go out only once it resolved.
   */
  stored: Promise<void> | undefined;
}

const EMPTY = new Uint8Array(0);
const encoder = /* @__PURE__ */ new TextEncoder();
/** RFC 9110 `token`: what fetch accepts as a method. */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/** Methods fetch refuses outright. */
const FORBIDDEN_METHODS: ReadonlySet<string> = /* @__PURE__ */ new Set(['CONNECT', 'TRACE', 'TRACK']);
/** Statuses whose response must not have a body (the `Response` constructor throws otherwise). */
const NULL_BODY_STATUSES: ReadonlySet<number> = /* @__PURE__ */ new Set([101, 103, 204, 205, 304]);

/**
 * Reads `fetch(input, init)`'s arguments, throwing the `TypeError`s fetch throws. Synchronous:
 * a body given as a string or bytes is ready at once, so the request reaches the core without
 * a microtask hop.
 */
export function readRequest(input: string | URL | Request, init: RequestInit | undefined | null): SandboxRequest {
  if (init !== undefined && init !== null && typeof init !== 'object') {
    throw new TypeError("fetch: the second argument must be a RequestInit object");
  }
  const request = typeof Request !== 'undefined' && input instanceof Request ? input : undefined;
  const url = request !== undefined ? request.url : String(input);

  const method = checkMethod((init?.method ?? request?.method ?? 'GET').toString());

  // Checked before the body is touched (a Request's or a stream's would be read), as fetch does.
  const headers = headerEntries(init?.headers ?? request?.headers);

  let body: Uint8Array | Promise<Uint8Array> = EMPTY;
  const given = init?.body;
  if (given !== undefined && given !== null) {
    const extracted = extractBody(given);
    body = extracted.bytes;
    if (extracted.type !== null && !headers.some((e) => e[0] === 'content-type')) addHeader(headers, 'content-type', extracted.type);
  } else if (request !== undefined && request.body !== null) {
    if (request.bodyUsed) throw new TypeError('fetch: the Request body was already used');
    body = request.arrayBuffer().then((b) => new Uint8Array(b));
  }
  if ((method === 'GET' || method === 'HEAD') && body !== EMPTY) {
    throw new TypeError('fetch: a request with GET/HEAD method cannot have a body');
  }

  const signal = init?.signal !== undefined ? (init.signal ?? undefined) : request?.signal;
  return { method, url, headers: headerText(headers), body, signal };
}

/**
 * `readRequest(url, { method, headers: pairs, body })` for a request that arrived over HTTP,
 * without the objects: `rawHeaders` is Node's flat `[name, value, …]`, `body` the bytes read
 * (dropped for GET and HEAD, which fetch refuses a body for, as the server always did). Names
 * in `skip` (lower-cased: the connection's hop-by-hop headers) are left out. The same checks,
 * the same `TypeError`s and the same header text as `readRequest` (see `pairHeaders`).
 */
export function rawRequest(
  method: string,
  url: string,
  rawHeaders: readonly string[],
  body: Uint8Array,
  skip: ReadonlySet<string>,
): SandboxRequest {
  const checked = checkMethod(method);
  const headers = flatHeaderText(pairHeaders(rawHeaders, skip));
  const bytes = body.length > 0 && checked !== 'GET' && checked !== 'HEAD' ? body : EMPTY;
  return { method: checked, url, headers, body: bytes, signal: undefined };
}

/** fetch's method normalisation and checks: upper-cased, a token, not a forbidden one. */
function checkMethod(given: string): string {
  const method = given.toUpperCase();
  if (!TOKEN.test(method)) throw new TypeError(`fetch: '${method}' is not a valid HTTP method`);
  if (FORBIDDEN_METHODS.has(method)) throw new TypeError(`fetch: '${method}' HTTP method is unsupported`);
  return method;
}

/** The core's `name\nvalue\n…`. */
function headerText(entries: readonly (readonly [string, string])[]): string {
  let text = '';
  for (const [name, value] of entries) text += `${name}\n${value}\n`;
  return text;
}

/** The core's `name\nvalue\n…` of a flat `[name, value, …]`. */
function flatHeaderText(flat: readonly string[]): string {
  let text = '';
  for (let i = 0; i + 1 < flat.length; i += 2) text += `${flat[i] as string}\n${flat[i + 1] as string}\n`;
  return text;
}

/**
 * What `new Headers(init)` holds, as its iteration gives it: names lower-cased and sorted, a
 * name given twice combined with `, `. A plain object (the usual `headers: { … }`) is read
 * without making a `Headers`, with the same checks and normalisation (see `plainHeaders`);
 * anything else (a `Headers`, pairs, a Request's) is a `Headers` or copied into one.
 */
function headerEntries(init: HeadersInit | undefined): [string, string][] {
  if (init === undefined) return [];
  if (isPlainObject(init)) return plainHeaders(init);
  const entries: [string, string][] = [];
  // A `Headers` is already checked and normalised; anything else is checked by copying it.
  (init instanceof Headers ? init : new Headers(init)).forEach((value, name) => {
    entries.push([name, value]);
  });
  return entries;
}

/** Adds a header that `entries` (sorted, as above) does not have, in its sorted place. */
function addHeader(entries: [string, string][], name: string, value: string): void {
  let i = entries.length;
  while (i > 0 && (entries[i - 1] as [string, string])[0] > name) i--;
  entries.splice(i, 0, [name, value]);
}

/** Whether `value` is an object literal (or has a null prototype): a `record<ByteString, ByteString>` to fetch. */
function isPlainObject(value: object): value is Record<string, unknown> {
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** Characters fetch trims off both ends of a header value (HTTP whitespace). */
const EDGE_WHITESPACE = /^[\t\n\r ]|[\t\n\r ]$/;
const TRIM_WHITESPACE = /^[\t\n\r ]+|[\t\n\r ]+$/g;
/** What a header value may not hold: NUL, CR, LF, or a character beyond a byte (not a ByteString). */
const INVALID_VALUE = /[\0\r\n]|[^\0-\xFF]/;

/**
 * One header as `Headers` takes it: the `TypeError` of a name that is not a token, the value
 * trimmed of HTTP whitespace, and the `TypeError` of a value with NUL, CR or LF inside or a
 * character beyond a byte. Returns the value; the caller lower-cases the name.
 */
function checkedValue(key: string, given: string): string {
  if (!TOKEN.test(key)) throw new TypeError(`fetch: '${key}' is not a valid header name`);
  const value = EDGE_WHITESPACE.test(given) ? given.replace(TRIM_WHITESPACE, '') : given;
  if (INVALID_VALUE.test(value)) throw new TypeError(`fetch: the value of header '${key}' is not a valid header value`);
  return value;
}

/**
 * `new Headers(record)` followed by its iteration, without the `Headers`: each own enumerable
 * key (a symbol is a TypeError) and its value converted to a string; a name that is not a token
 * or a value with NUL, CR or LF inside (after trimming HTTP whitespace), or with a character
 * beyond a byte, is a TypeError; names lower-cased, values trimmed; a name given twice (in two
 * cases) combined with `, `, but `set-cookie`, which stays one entry per value; sorted by name.
 */
function plainHeaders(record: Record<string, unknown>): [string, string][] {
  const entries: [string, string][] = [];
  let sorted = true;
  for (const key of Object.keys(record)) {
    const name = key.toLowerCase();
    const value = checkedValue(key, `${record[key]}`);
    const last = entries[entries.length - 1];
    // In order so far (the usual case), only a name not after the last can be a repeat.
    if (last !== undefined && (!sorted || name <= last[0])) {
      const same = name === 'set-cookie' ? undefined : entries.find((e) => e[0] === name);
      if (same !== undefined) {
        same[1] += `, ${value}`;
        continue;
      }
      sorted = false;
    }
    entries.push([name, value]);
  }
  for (const symbol of Object.getOwnPropertySymbols(record)) {
    if (Object.prototype.propertyIsEnumerable.call(record, symbol)) {
      throw new TypeError('fetch: a header name must be a string, not a symbol');
    }
  }
  if (!sorted) entries.sort(byName);
  return entries;
}

/**
 * `new Headers(pairs)` followed by its iteration, for pairs given flat (`[name, value, …]`, as
 * Node's `rawHeaders`) and without the `Headers`, flat too: the checks and normalisation of
 * `plainHeaders` (a name that is not a token, or a value with NUL, CR, LF or a character
 * beyond a byte, is a `TypeError`; names lower-cased, values trimmed; a repeated name combined
 * with `, `, but `set-cookie`; sorted by name). Names in `skip` (lower-cased) are left out.
 */
function pairHeaders(flat: readonly string[], skip: ReadonlySet<string>): string[] {
  const out: string[] = [];
  for (let i = 0; i + 1 < flat.length; i += 2) {
    const key = flat[i] as string;
    const name = key.toLowerCase();
    if (skip.has(name)) continue;
    addSorted(out, 0, name, checkedValue(key, flat[i + 1] as string));
  }
  return out;
}

/**
 * Adds a header to the flat, sorted list `out[from…]` as `Headers` holds it: in its sorted
 * place (after the names not greater), combined with `, ` into the same name's value but for
 * `set-cookie`, which keeps one entry per value. A handful of headers: a linear scan.
 */
function addSorted(out: string[], from: number, name: string, value: string): void {
  let at = out.length;
  while (at > from && (out[at - 2] as string) > name) at -= 2;
  if (at > from && out[at - 2] === name && name !== 'set-cookie') out[at - 1] += `, ${value}`;
  else if (at === out.length) out.push(name, value);
  else out.splice(at, 0, name, value);
}

function byName(a: [string, string], b: [string, string]): number {
  return a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0;
}

/** fetch's body extraction: the bytes, and the content type fetch adds when none is set. */
function extractBody(body: BodyInit): { bytes: Uint8Array | Promise<Uint8Array>; type: string | null } {
  if (typeof body === 'string') return { bytes: encoder.encode(body), type: 'text/plain;charset=UTF-8' };
  if (body instanceof Uint8Array) return { bytes: body, type: null };
  if (ArrayBuffer.isView(body)) return { bytes: new Uint8Array(body.buffer, body.byteOffset, body.byteLength), type: null };
  if (body instanceof ArrayBuffer) return { bytes: new Uint8Array(body), type: null };
  if (body instanceof URLSearchParams) {
    return { bytes: encoder.encode(body.toString()), type: 'application/x-www-form-urlencoded;charset=UTF-8' };
  }
  // Blob, FormData, ReadableStream and anything else: the platform's own extraction, which
  // also knows the content type (a Blob's type, FormData's multipart boundary).
  const carrier = new Response(body);
  return { bytes: carrier.arrayBuffer().then((b) => new Uint8Array(b)), type: carrier.headers.get('content-type') };
}

/**
 * Node's `Response` is costly to construct with a body and to read back: there the answer is a
 * `TextResponse`, which keeps the text and makes a body stream only if asked for one. Elsewhere
 * it is the platform's own, whose body the runtime's servers read natively. See response.ts for
 * both reasons and the measurements. Decided once, when the module loads.
 */
const TEXT_RESPONSES = /* @__PURE__ */ platformResponseIsUndici();

/** The core's answer as a `Response`: the one place responses are made. */
export function buildResponse(body: string | Uint8Array, status: number, headerText: string): Response {
  const noBody = NULL_BODY_STATUSES.has(status);
  // A null-body status has no body to keep, and a file's bytes (a statement) are rare: the
  // platform's response serves both.
  if (TEXT_RESPONSES && !noBody && typeof body === 'string') return new TextResponse(body, status, headerText);
  const headers = new Headers();
  appendHeaders(headers, headerText);
  // File bytes are wasm-bindgen's copy out of Wasm memory: a plain ArrayBuffer, never shared.
  return new Response(noBody ? null : (body as string | Uint8Array<ArrayBuffer>), { status, headers });
}

/** The `Response` of an answer once it may be released: after its changes are stored. */
export function released(answer: SandboxAnswer): Response | Promise<Response> {
  const { stored } = answer;
  if (stored === undefined) return buildResponse(answer.body, answer.status, answer.headers);
  return stored.then(() => buildResponse(answer.body, answer.status, answer.headers));
}

/**
 * What `buildResponse(answer.body, answer.status, answer.headers)` holds, without making it,
 * for the HTTP server to write: appends its headers to `out` as its `headers` iterate them
 * (flat: names lower-cased and sorted, values trimmed, a repeated name combined with `, ` but
 * `set-cookie`, the content type a string body gets when the core names none), and returns
 * its body as text or bytes (empty for a null-body status) and its `request-id`, for the
 * access log. What `Headers` would refuse (a name that is not a token, a value with a control
 * character or beyond a byte) is left for `writeHead` to refuse, which it does: the core never
 * answers such a header.
 */
export function answerHeaders(answer: SandboxAnswer, out: string[]): { body: string | Uint8Array; requestId: string } {
  const text = answer.headers;
  const from = out.length;
  for (let start = 0; ; ) {
    const nameEnd = text.indexOf('\n', start);
    const valueEnd = nameEnd < 0 ? -1 : text.indexOf('\n', nameEnd + 1);
    if (valueEnd < 0) break;
    let value = text.slice(nameEnd + 1, valueEnd);
    if (EDGE_WHITESPACE.test(value)) value = value.replace(TRIM_WHITESPACE, '');
    addSorted(out, from, text.slice(start, nameEnd).toLowerCase(), value);
    start = valueEnd + 1;
  }
  const noBody = NULL_BODY_STATUSES.has(answer.status);
  let requestId = '';
  let typed = false;
  for (let i = from; i < out.length; i += 2) {
    if (out[i] === 'content-type') typed = true;
    else if (out[i] === 'request-id') requestId = out[i + 1] as string;
  }
  if (!noBody && !typed && typeof answer.body === 'string') addSorted(out, from, 'content-type', 'text/plain;charset=UTF-8');
  return { body: noBody ? '' : answer.body, requestId };
}

/** What fetch rejects with when its signal aborts: the signal's reason, an `AbortError` by default. */
export function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('This operation was aborted', 'AbortError');
}

/** `value`, or a rejection with the abort reason as soon as `signal` aborts first. */
export function abortable<T>(value: T | Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (signal === undefined) return Promise.resolve(value);
  if (signal.aborted) return Promise.reject(abortReason(signal));
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(abortReason(signal));
    signal.addEventListener('abort', onAbort, { once: true });
    Promise.resolve(value).then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(e);
      },
    );
  });
}
