/**
 * The sandbox's `Response` on Node: a `Response` constructed without a body, with the real
 * status and headers, that keeps the core's JSON text and serves the body from it.
 *
 * Why: Node's `Response` (undici, written in JavaScript) wraps every body in a web
 * `ReadableStream` when it is constructed, and `text()`/`json()` read it back through that
 * stream. Measured on Node 20 (undici 6.24) with a 631-byte answer and its two headers: building
 * it with `new Response(text, { status, headers })` ~10 µs and `json()` on it ~21 µs more, where
 * this class takes ~1.5 µs and `json()` on it ~3 µs (`JSON.parse` itself). In a loop of
 * `await (await sandbox.fetch(…)).json()` that was ~60 µs of the ~90 µs per request.
 *
 * Why Node only: elsewhere the platform reads a `Response`'s body natively wherever one is handed
 * back to it (`Deno.serve`, `Bun.serve`, a worker's `fetch` handler, a service worker's
 * `respondWith`, `cache.put`), without calling any JavaScript accessor, so a response constructed
 * with a null body goes out empty: checked, all three servers answer 200 with no body
 * (sandbox-runtimes.test.mjs keeps checking that they get the body). Node has no such consumer:
 * whatever reads a `Response` there is JavaScript going through `body`, `text()`, `json()`…
 * Construction plus `json()` measured elsewhere, platform against a null body: Bun ~2 µs either
 * way, Deno ~6 against ~3, workerd ~30 against ~6, Chromium ~45 against ~9.
 *
 * How it stays a standard `Response`: status, headers, `ok`, `type`, `url` (empty, as for any
 * constructed `Response`) and the rest are the real ones, from the `super` call. The body
 * members are served from the text (`text()`, `json()`, `arrayBuffer()`, `bytes()`) until the
 * body is read; anything else about the body (the `body` stream, `blob()`, `formData()`, and
 * every member once the body is used) is answered by a platform `Response` made on demand: one
 * with the same status, headers and text, or, once the text was read here, one whose body is
 * used. So `bodyUsed`, the `TypeError` of a second read, `clone()` of a used response and a
 * stream's locking and disturbance are the platform's own, not imitations. (`text()` gives the
 * text back as is where the platform would decode its UTF-8: the same string for the core's
 * JSON, which comes from Rust, so is well-formed and starts with no byte order mark.) What it
 * cannot be is a `Response` to code that bypasses its members, e.g.
 * `Response.prototype.text.call(res)`: that reads the null body the platform holds.
 */

const encoder = /* @__PURE__ */ new TextEncoder();

/**
 * Whether `Response` is Node's own (undici's): Node reports the version of the undici it
 * bundles (Deno and Bun report none), and that `Response` is JavaScript, not native (workerd
 * with `nodejs_compat` reports an empty undici version, an Electron renderer Node's versions,
 * over native ones).
 */
export function platformResponseIsUndici(): boolean {
  const versions = (globalThis as { process?: { versions?: { undici?: unknown } } }).process?.versions;
  if (typeof versions?.undici !== 'string' || versions.undici === '' || typeof Response !== 'function') return false;
  return !/\{\s*\[native code\]\s*\}\s*$/.test(Function.prototype.toString.call(Response));
}

/**
 * The core's answer (`text`, `status`, its `name\nvalue\n…` header text) as a `Response`,
 * made cheaply on Node: see the module comment.
 */
export class TextResponse extends Response {
  /** The body, while nothing read it and no platform response took it over. */
  #text: string | undefined;
  /**
   * The platform response every body member defers to from the moment it exists (made with the
   * headers of that moment: `blob()`'s type and `formData()`'s parsing follow them).
   */
  #platform: Response | undefined;

  /** `headers`: the core's header text, or a `Headers` to copy (a clone's). */
  constructor(text: string, status: number, headers: string | Headers) {
    super(null, typeof headers === 'string' ? { status } : { status, headers });
    if (typeof headers === 'string') {
      // Appended to the response's own headers, as the constructor's `headers` would be (the
      // same checks and guard), without first filling a `Headers` for it to copy...
      const own = this.headers;
      appendHeaders(own, headers);
      // ...and the content type the constructor adds for a string body when none is named.
      if (!own.has('content-type')) own.set('content-type', 'text/plain;charset=UTF-8');
    }
    this.#text = text;
  }

  override get body(): ReadableStream<Uint8Array<ArrayBuffer>> | null {
    return this.#platformResponse().body;
  }

  override get bodyUsed(): boolean {
    return this.#platform !== undefined ? this.#platform.bodyUsed : this.#text === undefined;
  }

  override text(): Promise<string> {
    const text = this.#take();
    return text === undefined ? this.#platformResponse().text() : Promise.resolve(text);
  }

  override json(): Promise<unknown> {
    const text = this.#take();
    if (text === undefined) return this.#platformResponse().json() as Promise<unknown>;
    try {
      return Promise.resolve(JSON.parse(text) as unknown);
    } catch (e) {
      return Promise.reject(e); // the SyntaxError the platform's json() rejects with
    }
  }

  override arrayBuffer(): Promise<ArrayBuffer> {
    const text = this.#take();
    return text === undefined ? this.#platformResponse().arrayBuffer() : Promise.resolve(utf8(text).buffer);
  }

  override bytes(): Promise<Uint8Array<ArrayBuffer>> {
    const text = this.#take();
    return text === undefined ? this.#platformResponse().bytes() : Promise.resolve(utf8(text));
  }

  override blob(): Promise<Blob> {
    return this.#platformResponse().blob();
  }

  override formData(): Promise<FormData> {
    return this.#platformResponse().formData();
  }

  override clone(): Response {
    const text = this.#platform === undefined ? this.#text : undefined;
    // An unread body: an independent response over the same text, with a copy of the headers.
    if (text !== undefined) return new TextResponse(text, this.status, this.headers);
    // Otherwise the platform's clone (a tee of the stream, or its TypeError), with the headers
    // as they are now: the platform response has a copy of them as they were.
    const branch = this.#platformResponse().clone();
    return new Response(branch.body, { status: this.status, headers: this.headers });
  }

  /** The text, which is then read; `undefined` when the body is already used or taken over. */
  #take(): string | undefined {
    if (this.#platform !== undefined) return undefined;
    const text = this.#text;
    this.#text = undefined;
    return text;
  }

  #platformResponse(): Response {
    if (this.#platform === undefined) {
      const text = this.#text;
      this.#text = undefined;
      this.#platform = text !== undefined ? new Response(text, { status: this.status, headers: this.headers }) : usedResponse();
    }
    return this.#platform;
  }
}

// `bytes()` is recent (older Node releases' undici lack it): only where the platform has it.
if (typeof Response.prototype.bytes !== 'function') {
  delete (TextResponse.prototype as Partial<Pick<TextResponse, 'bytes'>>).bytes;
}

/** Appends the core's `name\nvalue\n…` header text to `headers`. */
export function appendHeaders(headers: Headers, headerText: string): void {
  const parts = headerText.split('\n');
  for (let i = 0; i + 1 < parts.length; i += 2) headers.append(parts[i] as string, parts[i + 1] as string);
}

/** A platform response whose body was read: its members answer as a used body does. */
function usedResponse(): Response {
  const response = new Response('');
  // Marks the body disturbed at once (the read starts synchronously); resolves with nothing.
  void response.arrayBuffer();
  return response;
}

/** `text` in UTF-8, in an `ArrayBuffer` of its own. */
function utf8(text: string): Uint8Array<ArrayBuffer> {
  const bytes = encoder.encode(text);
  return bytes.byteLength === bytes.buffer.byteLength ? bytes : bytes.slice();
}
