/**
 * The platform `fetch`'s arguments as the core takes them (method, URL, headers as text, body
 * bytes), and the core's answer as a standard `Response`. Everything here is what `fetch`
 * itself would do with the arguments (header validation, default content types, body
 * extraction, abort); nothing interprets the API: the core parses the URL, checks every
 * header and answers every error.
 */

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

  const method = (init?.method ?? request?.method ?? 'GET').toString().toUpperCase();
  if (!TOKEN.test(method)) throw new TypeError(`fetch: '${method}' is not a valid HTTP method`);
  if (FORBIDDEN_METHODS.has(method)) throw new TypeError(`fetch: '${method}' HTTP method is unsupported`);

  // `new Headers` validates names and values exactly as fetch does (a value with CR or LF
  // inside is a TypeError) and normalises them (lower-case names, trimmed values).
  const headers = new Headers(init?.headers ?? request?.headers);

  let body: Uint8Array | Promise<Uint8Array> = EMPTY;
  const given = init?.body;
  if (given !== undefined && given !== null) {
    const extracted = extractBody(given);
    body = extracted.bytes;
    if (extracted.type !== null && !headers.has('content-type')) headers.set('content-type', extracted.type);
  } else if (request !== undefined && request.body !== null) {
    if (request.bodyUsed) throw new TypeError('fetch: the Request body was already used');
    body = request.arrayBuffer().then((b) => new Uint8Array(b));
  }
  if ((method === 'GET' || method === 'HEAD') && body !== EMPTY) {
    throw new TypeError('fetch: a request with GET/HEAD method cannot have a body');
  }

  let text = '';
  headers.forEach((value, name) => {
    text += `${name}\n${value}\n`;
  });
  const signal = init?.signal !== undefined ? (init.signal ?? undefined) : request?.signal;
  return { method, url, headers: text, body, signal };
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

/** The core's answer as a `Response`. */
export function buildResponse(body: string, status: number, headerText: string): Response {
  const headers = new Headers();
  const parts = headerText.split('\n');
  for (let i = 0; i + 1 < parts.length; i += 2) headers.append(parts[i] as string, parts[i + 1] as string);
  return new Response(NULL_BODY_STATUSES.has(status) ? null : body, { status, headers });
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
