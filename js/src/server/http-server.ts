/**
 * `sandbox.fetch` served over `node:http`: the local server's whole face. Each HTTP request is
 * one request to the sandbox and its answer is written back; statuses, envelopes and every API
 * rule are the core's. What only a transport can answer is answered here, in the API's
 * envelope: a connection that sends its headers too slowly (408), a request Node cannot parse
 * (400, 431), a sandbox that failed to store (500), and `GET /health`.
 *
 * A sandbox made by this package goes in through `serveRequest`: the very code `sandbox.fetch`
 * runs once it has read its arguments, handed the request as primitives (method, URL, header
 * text, body bytes) and answering with primitives (status, header text, body), so that no
 * `Request`, `Headers` or `Response` is made per request; `rawRequest` and `answerHeaders`
 * (sandbox/http.ts) give the header text `fetch` would have given the core, and the headers and
 * body its `Response` would have held. Any other `sandbox` (another copy of the package, a
 * wrapper) is served through its `fetch`, and written by the same code.
 *
 * A body is read to one byte past the core's limit and no further: the core answers the 413,
 * and the server never holds more than that of anybody's upload.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { engineWasm } from '../engine-core.js';
import { messageOf, VinrConfigurationError } from '../errors.js';
import { answerHeaders, rawRequest, type SandboxAnswer } from '../sandbox/http.js';
import { serveRequest, type Sandbox } from '../sandbox/sandbox.js';
import { isDashboardPath, serveDashboard, type DashboardContext } from './dashboard-assets.js';

/** Options of `startServer(...)`. */
export interface SandboxServerOptions {
  /** What to serve: a `createSandbox(...)` instance. */
  sandbox: Sandbox;
  /** Default 12111; 0 picks a free port (see `server.port`). */
  port?: number | undefined;
  /** Default `127.0.0.1`: the sandbox is for this machine. */
  host?: string | undefined;
  /** Receives one access-log line per request (method, path, status, time, request id). */
  log?: ((line: string) => void) | undefined;
  /** How long a client may take to send its request headers, in ms (default 10 s). */
  headersTimeoutMs?: number | undefined;
  /**
   * Serve the dashboard at `/` (default true): its page and assets, and the Owner keys to that
   * page only (see server/dashboard-assets.ts). The API under `/v1` is the same either way.
   */
  dashboard?: boolean | undefined;
}

/** A running server. */
export interface SandboxServer {
  /** `http://127.0.0.1:12111`: the API is at `${url}/v1`. */
  readonly url: string;
  readonly port: number;
  /** The underlying `node:http` server. */
  readonly server: Server;
  /**
   * Stops accepting connections, lets the requests in flight finish (up to `graceMs`, default
   * 10 s, then closes what is left) and resolves once every connection is closed.
   */
  close(graceMs?: number): Promise<void>;
}

const KNOWN_OPTIONS: ReadonlySet<string> = new Set(['sandbox', 'port', 'host', 'log', 'headersTimeoutMs', 'dashboard']);

/** Starts serving `options.sandbox`; resolves once the server listens. */
export async function startServer(options: SandboxServerOptions): Promise<SandboxServer> {
  const { sandbox, port = 12111, host = '127.0.0.1', log, headersTimeoutMs = 10_000, dashboard = true } = checkOptions(options);
  const bodyLimit = engineWasm.call((w) => w.maxBodyBytes());
  await sandbox.ready;
  const inFlight = new InFlight();
  const context: Context = { sandbox, bodyLimit, log, dashboard: dashboard ? { keys: () => sandbox.keys, port } : undefined };
  const server = createServer(
    {
      headersTimeout: headersTimeoutMs,
      requestTimeout: 5 * 60_000,
      keepAliveTimeout: 5_000,
      // Node checks the timeouts on this period (default 30 s): a slow sender is cut off within
      // a second of its deadline, not half a minute later.
      connectionsCheckingInterval: Math.min(1_000, headersTimeoutMs),
    },
    (req, res) => {
      inFlight.started();
      res.on('close', inFlight.ended);
      // Once closing, a keep-alive connection's next request is its last: the count drains.
      if (inFlight.closing) res.shouldKeepAlive = false;
      serve(context, req, res);
    },
  );
  // What Node answers by itself (a 400 for a malformed request, 408 for headers that came too
  // slowly, 431 for too many) gets the API's envelope instead of an empty body.
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Socket) => answerClientError(error, socket, log));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  const bound = typeof address === 'object' && address !== null ? address.port : port;
  if (context.dashboard !== undefined) context.dashboard.port = bound;
  const shownHost = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${shownHost}:${bound}`,
    port: bound,
    server,
    close: (graceMs = 10_000) => closeGracefully(server, inFlight, graceMs),
  };
}

function checkOptions(options: SandboxServerOptions): SandboxServerOptions {
  if (typeof options !== 'object' || options === null) {
    throw new VinrConfigurationError('startServer options must be an object such as { sandbox }', { code: 'option_invalid' });
  }
  for (const name of Object.keys(options)) {
    if (!KNOWN_OPTIONS.has(name)) {
      throw new VinrConfigurationError(`unknown startServer option '${name}'`, { code: 'option_unknown', param: name });
    }
  }
  const { sandbox, port, host, log, headersTimeoutMs } = options;
  if (typeof sandbox !== 'object' || sandbox === null || typeof sandbox.fetch !== 'function') {
    throw new VinrConfigurationError('sandbox must be a createSandbox() instance', { code: 'option_invalid', param: 'sandbox' });
  }
  if (port !== undefined && !(Number.isInteger(port) && port >= 0 && port <= 65535)) {
    throw new VinrConfigurationError('port must be an integer from 0 to 65535', { code: 'option_invalid', param: 'port' });
  }
  if (host !== undefined && (typeof host !== 'string' || host === '')) {
    throw new VinrConfigurationError('host must be a host name or address', { code: 'option_invalid', param: 'host' });
  }
  if (log !== undefined && typeof log !== 'function') {
    throw new VinrConfigurationError('log must be a function', { code: 'option_invalid', param: 'log' });
  }
  if (headersTimeoutMs !== undefined && !(Number.isInteger(headersTimeoutMs) && headersTimeoutMs > 0)) {
    throw new VinrConfigurationError('headersTimeoutMs must be a positive integer', { code: 'option_invalid', param: 'headersTimeoutMs' });
  }
  if (options.dashboard !== undefined && typeof options.dashboard !== 'boolean') {
    throw new VinrConfigurationError('dashboard must be true or false', { code: 'option_invalid', param: 'dashboard' });
  }
  return options;
}

interface Context {
  sandbox: Sandbox;
  bodyLimit: number;
  log: ((line: string) => void) | undefined;
  /** Set when the dashboard is served (the default). */
  dashboard: DashboardContext | undefined;
}

/** One request: `/health`, or the sandbox's answer once the body is read (at once without one). */
function serve(context: Context, req: IncomingMessage, res: ServerResponse): void {
  const started = context.log === undefined ? 0 : performance.now();
  if (req.method === 'GET' && req.url === '/health') {
    logLine(context, req, 200, started, '');
    writeJson(res, 200, '{"status":"ok"}');
    return;
  }
  if (context.dashboard !== undefined) {
    const path = (req.url ?? '/').split('?', 1)[0] as string;
    if (isDashboardPath(path)) {
      const status = serveDashboard(context.dashboard, req, res, path);
      if (typeof status === 'number') logLine(context, req, status, started, '');
      else void status.then((s) => logLine(context, req, s, started, ''));
      return;
    }
  }
  // `req.headers` costs nothing more here: Node made it already (it checks Host and Expect).
  const { headers } = req;
  const url = `http://${headers.host ?? 'localhost'}${req.url ?? '/'}`;
  // A request without Content-Length or Transfer-Encoding has no body (RFC 9112 6.3): the
  // sandbox answers in this turn, and Node drains the empty stream after the response.
  if (headers['content-length'] === undefined && headers['transfer-encoding'] === undefined) {
    answer(context, req, res, url, EMPTY, started);
    return;
  }
  readBody(
    req,
    context.bodyLimit,
    (body) => {
      // Past the limit the rest of the body is never read: the connection cannot carry another
      // request after it.
      if (body.length > context.bodyLimit) res.shouldKeepAlive = false;
      answer(context, req, res, url, body, started);
    },
    (error) => fail(context, req, res, error, started),
  );
}

const EMPTY = new Uint8Array(0);

/** Hands the request to the sandbox and writes its answer once it may be released. */
function answer(context: Context, req: IncomingMessage, res: ServerResponse, url: string, body: Uint8Array, started: number): void {
  const method = req.method ?? 'GET';
  let answered: SandboxAnswer | Promise<SandboxAnswer> | undefined;
  try {
    answered = serveRequest(context.sandbox, rawRequest(method, url, req.rawHeaders, body, HOP_BY_HOP));
  } catch (error) {
    fail(context, req, res, error, started);
    return;
  }
  if (answered === undefined) answered = fetchAnswer(context.sandbox, method, url, req, body);
  if (answered instanceof Promise) {
    answered.then(
      (a) => release(context, req, res, a, started),
      (error: unknown) => fail(context, req, res, error, started),
    );
  } else {
    release(context, req, res, answered, started);
  }
}

function release(context: Context, req: IncomingMessage, res: ServerResponse, answer: SandboxAnswer, started: number): void {
  const { stored } = answer;
  if (stored === undefined) {
    write(context, req, res, answer, started);
  } else {
    stored.then(
      () => write(context, req, res, answer, started),
      (error: unknown) => fail(context, req, res, error, started),
    );
  }
}

/** Writes the answer as its `Response` holds it (see `answerHeaders`), with its length. */
function write(context: Context, req: IncomingMessage, res: ServerResponse, answer: SandboxAnswer, started: number): void {
  const headers = ['content-length', ''];
  let body: string | Uint8Array;
  let requestId: string;
  try {
    ({ body, requestId } = answerHeaders(answer, headers));
    headers[1] = String(typeof body === 'string' ? Buffer.byteLength(body) : body.length);
    res.writeHead(answer.status, headers);
  } catch (error) {
    fail(context, req, res, error, started);
    return;
  }
  // Logged before the answer goes out: whoever reads the log after the answer finds its line.
  logLine(context, req, answer.status, started, requestId);
  res.end(body);
}

/**
 * The sandbox rejects only when it could not store the request's changes (or the request was
 * malformed beyond what fetch accepts): the API's 500, with the reason.
 */
function fail(context: Context, req: IncomingMessage, res: ServerResponse, error: unknown, started: number): void {
  const answer = errorEnvelope('api_error', 'sandbox_failed', `the sandbox could not answer: ${messageOf(error)}`);
  logLine(context, req, 500, started, answer.requestId);
  if (!res.headersSent) writeJson(res, 500, answer.body, answer.requestId);
  else res.destroy();
}

function logLine(context: Context, req: IncomingMessage, status: number, started: number, requestId: string): void {
  const { log } = context;
  if (log === undefined) return;
  const ms = (performance.now() - started).toFixed(1);
  log(`${new Date().toISOString()} ${req.method ?? 'GET'} ${req.url ?? '/'} ${status} ${ms}ms${requestId === '' ? '' : ` ${requestId}`}`);
}

/**
 * A sandbox that is not this package's own (see the module comment): through its `fetch`, with
 * the request's headers as `fetch` takes them, and its `Response` read back into an answer.
 */
async function fetchAnswer(sandbox: Sandbox, method: string, url: string, req: IncomingMessage, body: Uint8Array): Promise<SandboxAnswer> {
  const raw = req.rawHeaders;
  const pairs: [string, string][] = [];
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i] as string;
    if (!HOP_BY_HOP.has(name.toLowerCase())) pairs.push([name, raw[i + 1] as string]);
  }
  // A Buffer's memory is an ArrayBuffer (Node never pools a SharedArrayBuffer): the view is what
  // BodyInit's typing accepts.
  const bytes = new Uint8Array(body.buffer as ArrayBuffer, body.byteOffset, body.length);
  const response = await sandbox.fetch(url, {
    method,
    headers: pairs,
    ...(body.length > 0 && method !== 'GET' && method !== 'HEAD' ? { body: bytes } : {}),
  });
  const json = response.headers.get('content-type')?.startsWith('application/json') === true;
  const content = json ? await response.text() : new Uint8Array(await response.arrayBuffer());
  let headers = '';
  response.headers.forEach((value, name) => (headers += `${name}\n${value}\n`));
  return { status: response.status, headers, body: content, stored: undefined };
}

/** Hop-by-hop headers describe the connection, not the request: the sandbox never sees them. */
const HOP_BY_HOP: ReadonlySet<string> = new Set(['connection', 'keep-alive', 'transfer-encoding', 'upgrade', 'te', 'trailer', 'proxy-connection']);

/** The body, or its first `limit + 1` bytes when it is longer. */
function readBody(req: IncomingMessage, limit: number, done: (body: Buffer) => void, failed: (error: unknown) => void): void {
  const chunks: Buffer[] = [];
  let length = 0;
  const onData = (chunk: Buffer): void => {
    chunks.push(chunk);
    length += chunk.length;
    if (length > limit) {
      req.off('data', onData);
      req.off('end', onEnd);
      req.pause();
      done(Buffer.concat(chunks).subarray(0, limit + 1));
    }
  };
  const onEnd = (): void => done(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, length));
  req.on('data', onData);
  req.on('end', onEnd);
  req.on('error', failed);
}

function writeJson(res: ServerResponse, status: number, body: string, requestId?: string): void {
  const headers: Record<string, string | number> = { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) };
  if (requestId !== undefined) headers['request-id'] = requestId;
  res.writeHead(status, headers);
  res.end(body);
}

/** An envelope of the API's shape for what the core never sees; a request id of the core's form. */
function errorEnvelope(type: string, code: string, message: string): { body: string; requestId: string } {
  const requestId = `req_${base62(randomBytes(24))}`;
  return { body: JSON.stringify({ error: { type, code, message, requestId } }), requestId };
}

function base62(bytes: Uint8Array): string {
  const alphabet = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
  let out = '';
  for (const b of bytes) out += alphabet[b % 62];
  return out;
}

/** Node's client errors, answered on the raw socket (there is no request object for them). */
function answerClientError(error: NodeJS.ErrnoException, socket: Socket, log: ((line: string) => void) | undefined): void {
  if (!socket.writable || error.code === 'ECONNRESET') {
    socket.destroy();
    return;
  }
  const [status, reason, code, message] =
    error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
      ? [408, 'Request Timeout', 'request_timeout', 'the request headers did not arrive in time']
      : error.code === 'HPE_HEADER_OVERFLOW'
        ? [431, 'Request Header Fields Too Large', 'headers_too_large', 'the request headers are too large']
        : [400, 'Bad Request', 'request_malformed', 'the request is not valid HTTP/1.1'];
  const answer = errorEnvelope('invalid_request_error', code, message);
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(answer.body)}\r\n` +
      `Request-Id: ${answer.requestId}\r\nConnection: close\r\n\r\n${answer.body}`,
  );
  log?.(`${new Date().toISOString()} - - ${status} ${code} ${answer.requestId}`);
}

/**
 * The requests being answered, counted rather than kept in a `Set`. A set that gains and loses
 * a response per request is rebuilt into a new table every few dozen requests, and V8 links
 * each replaced table to its successor (for iterators that outlive a rebuild): a replaced table
 * that reached the old generation holds its successors, and the responses in them, through
 * every scavenge until the next full GC. With answers waiting for their fsync (50 connections,
 * durable storage), each scavenge copied and promoted ~2 MB and paused the server 3.7 ms at the
 * median; counted, 0.5 ms, and nothing promoted.
 */
class InFlight {
  #count = 0;
  #drained: (() => void)[] = [];
  /** Set by a graceful close. */
  closing = false;

  started(): void {
    this.#count++;
  }

  /** One listener for every response's `close` (not a closure each). */
  readonly ended = (): void => {
    if (--this.#count === 0) for (const resolve of this.#drained.splice(0)) resolve();
  };

  /** Resolves once no request is being answered (at once if none is). */
  drained(): Promise<void> {
    return this.#count === 0 ? Promise.resolve() : new Promise((resolve) => this.#drained.push(resolve));
  }
}

async function closeGracefully(server: Server, inFlight: InFlight, graceMs: number): Promise<void> {
  inFlight.closing = true;
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  // Idle keep-alive connections would hold `close` open until they time out.
  server.closeIdleConnections();
  const finished = inFlight.drained();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<void>((resolve) => (timer = setTimeout(resolve, graceMs)));
  await Promise.race([finished, deadline]);
  clearTimeout(timer);
  // Keep-alive connections that served a request since the first sweep are idle now.
  server.closeAllConnections();
  await closed;
}
