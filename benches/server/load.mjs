// The load generator: `connections` virtual users, each running a flow (flows.mjs) in a loop
// over a keep-alive HTTP/1.1 connection of its own, so that every target gets the same client.
// The flow's requests depend on each other (a capture needs the payment's id), which is why
// this is not autocannon: a user waits for each answer before it sends the next request, and
// the number of requests in flight is the number of users.
//
// The client is a small one on node:net, not node:http: the client and the server share the
// machine's cores, and node:http's client cost about as much CPU per request as the server it
// measured (120–170 µs a request on a 2-core machine, where this one takes 40–65 µs), so the
// figures were the client's as much as the server's. Each request is written as one string; each answer is read as HTTP/1.1 with a
// Content-Length (every target sends one: an answer without it, chunked or ended by a close,
// fails the run rather than being misread), one answer per request, nothing unasked for.
//
// Timed: the requests that start between the end of the warm-up and the deadline, each from
// the moment the user issues it to its last byte read, including the client's own wait for its
// event loop (as any client would see it). Requests per second = those requests over the time from
// the end of the warm-up to the last of them answered. Any answer other than a 200, a
// connection error or an unexpected body stops the run and rejects: a failure is never counted
// as a fast request.
import { connect } from 'node:net';
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';

/** Thrown into a user's loop once the deadline has passed: it ends the user, not the run. */
const STOP = Symbol('stop');
const REQUEST_TIMEOUT_MS = 30_000;
const HEAD_END = Buffer.from('\r\n\r\n');
const CONTENT_LENGTH = /\r\ncontent-length:[ \t]*(\d+)[ \t]*\r\n/i;
const TRANSFER_ENCODING = /\r\ntransfer-encoding:/i;

/**
 * One keep-alive connection with at most one request in flight: `send(text)` writes a whole
 * request and resolves with the answer's status and body bytes.
 */
class Connection {
  constructor(host, port) {
    this.socket = connect({ host, port, noDelay: true });
    this.closed = false;
    // The request in flight: its settle functions, and what arrived of its answer.
    this.resolve = undefined;
    this.reject = undefined;
    this.chunks = [];
    this.received = 0;
    this.status = 0;
    /** The answer's whole length (head and body) once its head was read; -1 before. */
    this.total = -1;
    this.headLength = 0;
    this.socket.on('data', (chunk) => this.onData(chunk));
    this.socket.on('error', (error) => this.fail(error));
    this.socket.on('close', () => this.fail(new Error('the server closed the connection')));
    this.socket.setTimeout(REQUEST_TIMEOUT_MS, () => {
      if (this.resolve !== undefined) this.socket.destroy(new Error(`no answer in ${REQUEST_TIMEOUT_MS / 1000} s`));
    });
  }

  send(text) {
    return new Promise((resolve, reject) => {
      if (this.closed) return reject(new Error('the connection is closed'));
      this.resolve = resolve;
      this.reject = reject;
      this.socket.write(text);
    });
  }

  onData(chunk) {
    if (this.resolve === undefined) return this.fail(new Error(`bytes nobody asked for: ${chunk.toString('latin1', 0, 200)}`));
    this.chunks.push(chunk);
    this.received += chunk.length;
    if (this.total < 0) {
      const data = this.chunks.length === 1 ? chunk : Buffer.concat(this.chunks, this.received);
      const end = data.indexOf(HEAD_END);
      if (end < 0) {
        this.chunks = [data];
        return;
      }
      const head = data.toString('latin1', 0, end + 2);
      const length = CONTENT_LENGTH.exec(head);
      if (!head.startsWith('HTTP/1.1 ') || length === null || TRANSFER_ENCODING.test(head)) {
        return this.fail(new Error(`an answer this client does not read (no Content-Length, or not HTTP/1.1): ${head.slice(0, 300)}`));
      }
      this.status = Number(head.slice(9, 12));
      this.headLength = end + 4;
      this.total = this.headLength + Number(length[1]);
      this.chunks = [data];
    }
    if (this.received < this.total) return;
    if (this.received > this.total) return this.fail(new Error('more bytes than the answer has'));
    const data = this.chunks.length === 1 ? this.chunks[0] : Buffer.concat(this.chunks, this.received);
    const body = data.subarray(this.headLength);
    const { resolve, status } = this;
    this.resolve = this.reject = undefined;
    this.chunks = [];
    this.received = 0;
    this.total = -1;
    resolve({ status, body });
  }

  fail(error) {
    const { reject } = this;
    this.resolve = this.reject = undefined;
    if (!this.closed) {
      this.closed = true;
      this.socket.destroy();
    }
    reject?.(error);
  }

  close() {
    this.closed = true;
    this.socket.destroy();
  }
}

/**
 * Drives `flow` against `base` (`http://127.0.0.1:PORT`); resolves to the timed requests'
 * latencies (ms), the step of each, the seconds they took in all, and the answers in each
 * whole second of the timed part.
 */
export async function drive(base, flow, { connections, seconds, warmupSeconds }) {
  const { hostname, port, host } = new URL(base);
  // Idempotency keys are unique per run: the same server could be driven twice.
  const run = randomUUID().slice(0, 8);
  const latencies = [];
  const steps = [];
  // Answers per second of the timed part, whenever their requests started: whether the
  // target's rate holds as its store grows.
  const perSecond = new Array(Math.max(1, Math.floor(seconds))).fill(0);
  let lastAnswer = 0;
  let failure;
  const start = performance.now();
  const timedFrom = start + warmupSeconds * 1000;
  let deadline = timedFrom + seconds * 1000;
  const open = [];

  const sendFor = (user) => {
    let sent = 0;
    let connection;
    return async (step, method, path, body, { key = flow.key, parse = true } = {}) => {
      const started = performance.now();
      if (started >= deadline) throw STOP;
      connection ??= open[open.push(new Connection(hostname, Number(port))) - 1];
      let text = `${method} ${path} HTTP/1.1\r\nHost: ${host}\r\nAuthorization: Bearer ${key}\r\n`;
      let payload = '';
      if (body !== undefined) {
        payload = flow.encode(body);
        text += `Content-Type: ${flow.contentType}\r\nContent-Length: ${Buffer.byteLength(payload)}\r\n`;
      } else if (method === 'POST') {
        text += 'Content-Length: 0\r\n';
      }
      if (method === 'POST') text += `Idempotency-Key: bench-${run}-${user}-${sent++}\r\n`;
      let answer;
      try {
        answer = await connection.send(`${text}\r\n${payload}`);
      } catch (error) {
        throw new Error(`${method} ${path}: ${error.message}`, { cause: error });
      }
      const answered = performance.now();
      if (answer.status !== 200) {
        throw new Error(`${method} ${path}: HTTP ${answer.status} ${answer.body.toString('utf8', 0, 300)}`);
      }
      const second = Math.floor((answered - timedFrom) / 1000);
      if (step >= 0 && second >= 0 && second < perSecond.length) perSecond[second]++;
      if (step >= 0 && started >= timedFrom) {
        latencies.push(answered - started);
        steps.push(step);
        lastAnswer = answered;
      }
      if (!parse) return undefined;
      const json = answer.body.toString();
      try {
        return JSON.parse(json);
      } catch (error) {
        throw new Error(`${method} ${path}: the body is not JSON: ${json.slice(0, 300)}`, { cause: error });
      }
    };
  };

  const user = async (index) => {
    const send = sendFor(index);
    try {
      const state = await flow.setup(send);
      for (;;) await flow.once(send, state);
    } catch (error) {
      if (error === STOP) return;
      // The first failure ends every user at its next request.
      failure ??= error;
      deadline = 0;
    }
  };

  try {
    await Promise.all(Array.from({ length: connections }, (_, i) => user(i)));
  } finally {
    for (const connection of open) connection.close();
  }
  if (failure !== undefined) throw failure;
  if (latencies.length === 0) throw new Error('no request was timed: is BENCH_SECONDS > 0?');
  return { latencies, steps, perSecond, seconds: (lastAnswer - timedFrom) / 1000 };
}

/** Requests/s and latency percentiles (nearest rank) of `drive`'s result, in all and per step. */
export function summarize({ latencies, steps, perSecond, seconds }, stepNames) {
  const stats = (values) => {
    const sorted = Float64Array.from(values).sort();
    // NaN for a step that no timed request reached (a short run against a slow server).
    const at = (q) => (sorted.length === 0 ? NaN : sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)]);
    return { count: sorted.length, p50: at(0.5), p99: at(0.99), max: at(1) };
  };
  const perStep = stepNames.map((name, i) => ({ name, ...stats(latencies.filter((_, j) => steps[j] === i)) }));
  return { rps: latencies.length / seconds, ...stats(latencies), perStep, firstSecond: perSecond[0], lastSecond: perSecond[perSecond.length - 1] };
}
