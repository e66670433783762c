/**
 * `sandbox.fetch` served over `node:http`: the local server's whole face. It turns each HTTP
 * request into one `sandbox.fetch` call and writes the `Response` back; statuses, envelopes
 * and every API rule are the core's. What only a transport can answer is answered here, in the
 * API's envelope: a connection that sends its headers too slowly (408), a request Node cannot
 * parse (400, 431), a sandbox that failed to store (500), and `GET /health`.
 *
 * A body is read to one byte past the core's limit and no further: the core answers the 413,
 * and the server never holds more than that of anybody's upload.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { engineWasm } from '../engine-core.js';
import { messageOf, VinrConfigurationError } from '../errors.js';
import type { Sandbox } from '../sandbox/sandbox.js';

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

const KNOWN_OPTIONS: ReadonlySet<string> = new Set(['sandbox', 'port', 'host', 'log', 'headersTimeoutMs']);

/** Starts serving `options.sandbox`; resolves once the server listens. */
export async function startServer(options: SandboxServerOptions): Promise<SandboxServer> {
  const { sandbox, port = 12111, host = '127.0.0.1', log, headersTimeoutMs = 10_000 } = checkOptions(options);
  const bodyLimit = engineWasm.call((w) => w.maxBodyBytes());
  await sandbox.ready;
  const inFlight = new Set<ServerResponse>();
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
    inFlight.add(res);
    res.on('close', () => inFlight.delete(res));
    void serve(sandbox, req, res, bodyLimit, log);
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
  return options;
}

async function serve(
  sandbox: Sandbox,
  req: IncomingMessage,
  res: ServerResponse,
  bodyLimit: number,
  log: ((line: string) => void) | undefined,
): Promise<void> {
  const started = performance.now();
  const method = req.method ?? 'GET';
  const path = req.url ?? '/';
  let status = 500;
  let requestId = '';
  try {
    if (method === 'GET' && path === '/health') {
      status = 200;
      writeJson(res, 200, '{"status":"ok"}');
      return;
    }
    const body = await readBody(req, bodyLimit);
    // Past the limit the rest of the body is never read: the connection cannot carry another
    // request after it.
    if (body.length > bodyLimit) res.shouldKeepAlive = false;
    // A Buffer's memory is an ArrayBuffer (Node never pools a SharedArrayBuffer); the view is
    // what BodyInit's typing accepts.
    const bytes = new Uint8Array(body.buffer as ArrayBuffer, body.byteOffset, body.length);
    const response = await sandbox.fetch(`http://${req.headers.host ?? 'localhost'}${path}`, {
      method,
      headers: requestHeaders(req),
      ...(body.length > 0 && method !== 'GET' && method !== 'HEAD' ? { body: bytes } : {}),
    });
    status = response.status;
    requestId = response.headers.get('request-id') ?? '';
    const json = response.headers.get('content-type')?.startsWith('application/json') === true;
    const content = json ? await response.text() : Buffer.from(await response.arrayBuffer());
    const headers: string[] = ['content-length', String(typeof content === 'string' ? Buffer.byteLength(content) : content.length)];
    response.headers.forEach((value, name) => headers.push(name, value));
    res.writeHead(status, headers);
    res.end(content);
  } catch (error) {
    // The sandbox rejects only when it could not store the request's changes (or the request
    // was malformed beyond what fetch accepts): the API's 500, with the reason.
    const answer = errorEnvelope('api_error', 'sandbox_failed', `the sandbox could not answer: ${messageOf(error)}`);
    requestId = answer.requestId;
    status = 500;
    if (!res.headersSent) writeJson(res, 500, answer.body, answer.requestId);
    else res.destroy();
  } finally {
    if (log !== undefined) {
      const ms = (performance.now() - started).toFixed(1);
      log(`${new Date().toISOString()} ${method} ${path} ${status} ${ms}ms${requestId === '' ? '' : ` ${requestId}`}`);
    }
  }
}

/** The request's headers as `fetch` takes them (Node joined repeats already, lower-cased names). */
function requestHeaders(req: IncomingMessage): [string, string][] {
  const raw = req.rawHeaders;
  const out: [string, string][] = [];
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i] as string;
    // Hop-by-hop headers describe this connection, not the request.
    if (!HOP_BY_HOP.has(name.toLowerCase())) out.push([name, raw[i + 1] as string]);
  }
  return out;
}

const HOP_BY_HOP: ReadonlySet<string> = new Set(['connection', 'keep-alive', 'transfer-encoding', 'upgrade', 'te', 'trailer', 'proxy-connection']);

/** The body, or its first `limit + 1` bytes when it is longer. */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let length = 0;
    const onData = (chunk: Buffer): void => {
      chunks.push(chunk);
      length += chunk.length;
      if (length > limit) {
        req.off('data', onData);
        req.off('end', onEnd);
        req.pause();
        resolve(Buffer.concat(chunks).subarray(0, limit + 1));
      }
    };
    const onEnd = (): void => resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, length));
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', reject);
  });
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

async function closeGracefully(server: Server, inFlight: Set<ServerResponse>, graceMs: number): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  // Idle keep-alive connections would hold `close` open until they time out.
  server.closeIdleConnections();
  const finished = Promise.all([...inFlight].map((res) => new Promise<void>((resolve) => res.once('close', () => resolve()))));
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<void>((resolve) => (timer = setTimeout(resolve, graceMs)));
  await Promise.race([finished, deadline]);
  clearTimeout(timer);
  // Keep-alive connections that served a request since the first sweep are idle now.
  server.closeAllConnections();
  await closed;
}
