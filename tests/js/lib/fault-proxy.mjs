// A fault-injecting HTTP proxy for the server suites, on 127.0.0.1: it sits between a client and
// `vinr sandbox` and, per request, lets a seeded PRNG pick what goes wrong. Resets are real TCP
// resets (RST, `socket.resetAndDestroy()`), not polite closes. Bounded: it serves at most
// `maxRequests` requests and lives at most `maxMs`; past either it stops and closes every
// connection, its own and the upstream ones.
import { Agent, createServer, request as httpRequest } from 'node:http';

/** What the proxy can do with one request. */
export const FAULTS = Object.freeze({
  /** Forward it and return the answer as it is. */
  pass: 'pass',
  /** Reset the client's connection before anything is forwarded: the server never sees it. */
  resetBefore: 'reset_before',
  /**
   * Forward the headers and half the body, then reset the server's connection and the client's:
   * the server must not act on a request it did not get whole.
   */
  resetMidRequest: 'reset_mid_request',
  /** Forward it, wait for the server's whole answer, then reset instead of returning it. */
  resetAfter: 'reset_after',
  /** Forward it, send the answer's headers and part of its body, then reset. */
  resetMidBody: 'reset_mid_body',
  /** Answer 500 (the API's error envelope) without forwarding. */
  error500: 'error_500',
  /** Answer 502 with an HTML body, as a load balancer would, without forwarding. */
  badGateway: 'bad_gateway_502',
  /** Answer 429 with `Retry-After: 0` or `1` without forwarding. */
  rateLimited: 'rate_limited_429',
  /** Forward it; deliver the answer's body in small chunks with pauses (within the client's timeout). */
  slowBody: 'slow_body',
  /** Never answer and forward nothing: the client's timeout must fire. */
  hangBefore: 'hang_before',
  /** Forward it, let the server answer, never return the answer: the client's timeout must fire. */
  hangAfter: 'hang_after',
  /**
   * Forward it twice, the copy 0–3 ms after the original, as a retry racing its first attempt
   * would; return the original's answer and drop the copy's (which must be a replay of the same
   * object, or 409 `idempotency_request_in_progress`, never a second object).
   */
  duplicate: 'duplicate',
});

/** Faults after which the client has no usable answer and must retry (slow bodies still succeed). */
export const FAILING = new Set([
  FAULTS.resetBefore,
  FAULTS.resetMidRequest,
  FAULTS.resetAfter,
  FAULTS.resetMidBody,
  FAULTS.error500,
  FAULTS.badGateway,
  FAULTS.rateLimited,
  FAULTS.hangBefore,
  FAULTS.hangAfter,
]);

/**
 * Faults that `maxFaultsPerKey` turns off: the failing ones, and `duplicate`, whose original may
 * lose the race to its copy and be answered 409 (which the client retries).
 */
const BUDGETED = new Set([...FAILING, FAULTS.duplicate]);

/** mulberry32: a small seeded PRNG, uniform in [0, 1). */
export function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'upgrade', 'te', 'trailer', 'proxy-connection', 'host']);

/**
 * Starts a proxy to `upstream` (an origin, `http://127.0.0.1:port`). Options:
 * - `seed`: the PRNG's seed (default 1);
 * - `weights`: fault name → relative weight (missing ones are 0; `pass` should be among them);
 * - `maxFaultsPerKey`: faults only on the first this many attempts with one `Idempotency-Key`
 *   (default Infinity); later ones pass. With it equal to the client's retries, every call ends
 *   in success however high the fault rates (unless the server itself is slower than the
 *   client's timeout), while most still need retries;
 * - `faultMethods`: the methods faults apply to (default every method);
 * - `retryAfterOneRate`: the share of 429s that say `Retry-After: 1` rather than `0` (default 0.2);
 * - `slowChunks`, `slowGapMs`: how a slow body is delivered (default 4 chunks, 60 ms apart);
 * - `maxRequests` (default 20 000), `maxMs` (default 120 000): the bounds.
 * Resolves `{ url, stats(), journal(), stop() }`.
 */
export async function startFaultProxy(upstream, options = {}) {
  const {
    seed = 1,
    weights = { pass: 1 },
    maxFaultsPerKey = Infinity,
    faultMethods,
    retryAfterOneRate = 0.2,
    slowChunks = 4,
    slowGapMs = 60,
    maxRequests = 20_000,
    maxMs = 120_000,
  } = options;
  for (const name of Object.keys(weights)) {
    if (!Object.values(FAULTS).includes(name)) throw new Error(`unknown fault '${name}'`);
  }
  const target = new URL(upstream);
  const random = prng(seed);
  const table = Object.entries(weights).filter(([, w]) => w > 0);
  const total = table.reduce((sum, [, w]) => sum + w, 0);
  const pick = () => {
    let r = random() * total;
    for (const [name, w] of table) {
      if ((r -= w) < 0) return name;
    }
    return table[table.length - 1][0];
  };

  const counts = Object.fromEntries(Object.values(FAULTS).map((name) => [name, 0]));
  const stats = { requests: 0, forwarded: 0, cutUpstream: 0, upstreamErrors: 0, refusedOverBound: 0, retryAfter: { 0: 0, 1: 0 }, counts };
  /** Idempotency-Key → attempts seen. */
  const attemptsByKey = new Map();
  /** One entry per request: what was done, and what the server answered when it was forwarded. */
  const journal = [];
  /** Every open connection, the clients' and the cut upstream ones: stop() destroys them. */
  const sockets = new Set();
  const timers = new Set();
  /** Copies of `duplicate` requests still on their way: stop() lets them finish. */
  const copies = new Set();
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  let stopped = false;

  const later = (ms, fn) => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      fn();
    }, ms);
    timers.add(timer);
  };
  /**
   * An RST. Not on a socket whose shutdown already began (the client hung up first, and Node
   * answered with its FIN): Node 20's resetAndDestroy() then leaves the handle open, and the
   * process spins at exit in its handle cleanup, never ending. That socket is closed plainly.
   */
  const reset = (socket) => {
    if (socket.destroyed) return;
    if (socket.writableEnded || !socket.writable) socket.destroy();
    else socket.resetAndDestroy();
  };

  /** The request's end-to-end headers, for the server. */
  const upstreamHeaders = (req, body) => {
    const headers = {};
    for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) {
      const name = req.rawHeaders[i];
      if (!HOP_BY_HOP.has(name.toLowerCase())) headers[name] = req.rawHeaders[i + 1];
    }
    headers['content-length'] = String(body.length);
    return headers;
  };

  /** Sends the request upstream; resolves `{ status, headers, body }` or rejects. */
  const forward = (req, body) =>
    new Promise((resolve, reject) => {
      stats.forwarded++;
      const up = httpRequest(
        { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: upstreamHeaders(req, body), agent },
        (res) => {
          const chunks = [];
          res.on('data', (c) => chunks.push(c));
          res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
          res.on('error', reject);
        },
      );
      up.on('error', reject);
      up.end(body);
    });

  /** Sends the headers and half the body upstream, then resets that connection. */
  const forwardHalf = (req, body) =>
    new Promise((resolve) => {
      stats.cutUpstream++;
      // A connection of its own (no agent): it is about to be reset.
      const up = httpRequest({
        host: target.hostname,
        port: target.port,
        method: req.method,
        path: req.url,
        headers: upstreamHeaders(req, body),
        agent: false,
      });
      up.on('error', () => {}); // the reset is the point
      up.on('socket', (socket) => {
        sockets.add(socket);
        socket.on('close', () => {
          sockets.delete(socket);
          resolve();
        });
        socket.on('connect', () => {
          up.write(body.subarray(0, body.length >> 1));
          later(20, () => reset(socket));
        });
      });
      up.flushHeaders();
    });

  const answerHeaders = (answer) => {
    const headers = {};
    for (const [name, value] of Object.entries(answer.headers)) {
      if (!HOP_BY_HOP.has(name) && name !== 'content-length') headers[name] = value;
    }
    headers['content-length'] = String(answer.body.length);
    return headers;
  };

  /** An answer of the proxy's own, in the API's envelope; its request id names the journal entry (`req_proxy<seq>`). */
  const envelope = (seq, status, type, code, extra = {}) => {
    const requestId = `req_proxy${seq}`;
    const body = JSON.stringify({ error: { type, code, message: `injected by the fault proxy (${code})`, requestId } });
    return { status, headers: { 'content-type': 'application/json', 'request-id': requestId, ...extra }, body: Buffer.from(body) };
  };

  async function handle(req, res) {
    stats.requests++;
    if (stopped || stats.requests > maxRequests) {
      stats.refusedOverBound++;
      reset(req.socket);
      if (!stopped) void stop();
      return;
    }
    const key = req.headers['idempotency-key'];
    let fault = faultMethods === undefined || faultMethods.includes(req.method) ? pick() : FAULTS.pass;
    if (key !== undefined) {
      // A key's next attempt means every earlier one failed, as far as the client knows (a
      // fault, or an answer it gave up waiting for): past the budget, it passes.
      const earlier = attemptsByKey.get(key) ?? 0;
      attemptsByKey.set(key, earlier + 1);
      if (earlier >= maxFaultsPerKey && BUDGETED.has(fault)) fault = FAULTS.pass;
    }
    counts[fault]++;
    const entry = { seq: stats.requests, method: req.method, path: req.url, key, fault, status: undefined, replayed: false, id: undefined, delivered: false, body: undefined };
    // The whole answer was handed to the client's connection (it may still give up before reading it).
    res.on('finish', () => (entry.delivered = true));
    journal.push(entry);

    const chunks = [];
    for await (const chunk of req) chunks.push(chunk);
    const body = Buffer.concat(chunks);
    entry.body = body.subarray(0, 1024).toString();

    if (fault === FAULTS.resetBefore) {
      reset(req.socket);
      return;
    }
    if (fault === FAULTS.hangBefore) return; // answer nothing: the client gives up

    if (fault === FAULTS.resetMidRequest) {
      await forwardHalf(req, body);
      reset(req.socket);
      return;
    }

    if (fault === FAULTS.error500 || fault === FAULTS.badGateway || fault === FAULTS.rateLimited) {
      let answer;
      if (fault === FAULTS.error500) answer = envelope(entry.seq, 500, 'api_error', 'proxy_injected_500');
      else if (fault === FAULTS.badGateway) {
        answer = { status: 502, headers: { 'content-type': 'text/html' }, body: Buffer.from('<html><body><h1>502 Bad Gateway</h1></body></html>') };
      } else {
        const seconds = random() < retryAfterOneRate ? 1 : 0;
        stats.retryAfter[seconds]++;
        entry.retryAfter = seconds;
        answer = envelope(entry.seq, 429, 'rate_limit_error', 'rate_limited', { 'retry-after': String(seconds) });
      }
      res.writeHead(answer.status, answerHeaders(answer));
      res.end(answer.body);
      return;
    }

    const record = (into, answer) => {
      into.status = answer.status;
      into.replayed = answer.headers['idempotent-replayed'] === 'true';
      try {
        into.id = JSON.parse(answer.body.toString()).id;
      } catch {
        // not JSON: no id
      }
    };
    if (fault === FAULTS.duplicate) {
      const copy = { ...entry, fault: 'duplicate_copy', copy: true };
      journal.push(copy);
      const sent = new Promise((resolve) => setTimeout(resolve, Math.floor(random() * 4)))
        .then(() => forward(req, body))
        .then(
          (answer) => record(copy, answer),
          () => stats.upstreamErrors++,
        );
      copies.add(sent);
      void sent.finally(() => copies.delete(sent));
    }
    let answer;
    try {
      answer = await forward(req, body);
    } catch {
      stats.upstreamErrors++;
      reset(req.socket);
      return;
    }
    record(entry, answer);
    if (stopped) return;

    switch (fault) {
      case FAULTS.resetAfter:
        reset(req.socket);
        return;
      case FAULTS.hangAfter:
        return; // the answer is dropped; the client's timeout fires
      case FAULTS.resetMidBody: {
        res.writeHead(answer.status, answerHeaders(answer));
        res.write(answer.body.subarray(0, Math.max(1, answer.body.length >> 1)));
        // Let the headers and half the body reach the client first, then cut.
        later(20, () => reset(req.socket));
        return;
      }
      case FAULTS.slowBody: {
        res.writeHead(answer.status, answerHeaders(answer));
        const size = Math.ceil(answer.body.length / slowChunks);
        let offset = 0;
        const next = () => {
          if (res.destroyed) return;
          const part = answer.body.subarray(offset, offset + size);
          offset += size;
          if (offset >= answer.body.length) res.end(part);
          else {
            res.write(part);
            later(slowGapMs, next);
          }
        };
        next();
        return;
      }
      default:
        res.writeHead(answer.status, answerHeaders(answer));
        res.end(answer.body);
    }
  }

  const server = createServer({ keepAliveTimeout: 5_000 }, (req, res) => {
    handle(req, res).catch(() => reset(req.socket));
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  // A client that gives up (timeout, abort) resets its side: nothing to do about it.
  server.on('clientError', (_e, socket) => socket.destroy());
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const lifetime = setTimeout(() => void stop(), maxMs);
  lifetime.unref();

  let stopping;
  function stop() {
    stopping ??= (async () => {
      stopped = true;
      clearTimeout(lifetime);
      let grace;
      await Promise.race([Promise.allSettled([...copies]), new Promise((r) => (grace = setTimeout(r, 2_000)))]);
      clearTimeout(grace);
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      const closed = new Promise((resolve) => server.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      agent.destroy();
      await closed;
    })();
    return stopping;
  }

  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}`,
    /** Counters: requests seen, forwarded, and how many of each fault. */
    stats: () => structuredClone({ ...stats, stopped }),
    /**
     * Every request, in arrival order: `{ seq, method, path, key, fault, status, replayed, id,
     * delivered, body }`: `status`, `replayed` (the server's `Idempotent-Replayed`) and `id`
     * (the answer's) when it was forwarded; `delivered` when the whole answer was handed to the
     * client's connection (which does not prove the client read it before giving up);
     * `body`, the request's first KB, once it was read. A `duplicate`'s copy has an entry of its
     * own (`fault: 'duplicate_copy'`, `copy: true`).
     */
    journal: () => journal.map((e) => ({ ...e })),
    stop,
  };
}
