// The load generator: `connections` virtual users, each running a flow (flows.mjs) in a loop
// over one keep-alive node:http Agent, so that every target gets the same client. The flow's
// requests depend on each other (a capture needs the payment's id), which is why this is not
// autocannon: a user waits for each answer before it sends the next request, and the number of
// requests in flight is the number of users.
//
// Timed: the requests that start between the end of the warm-up and the deadline, each from
// the moment the user issues it to its last byte read, including the client's own wait for its
// event loop (as any client would see it). Requests per second = those requests over the time from
// the end of the warm-up to the last of them answered. Any answer other than a 200, a
// connection error or an unexpected body stops the run and rejects: a failure is never counted
// as a fast request.
import { Agent, request } from 'node:http';
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';

/** Thrown into a user's loop once the deadline has passed: it ends the user, not the run. */
const STOP = Symbol('stop');
const REQUEST_TIMEOUT_MS = 30_000;

/**
 * Drives `flow` against `base` (`http://127.0.0.1:PORT`); resolves to the timed requests'
 * latencies (ms), the step of each, the seconds they took in all, and the answers in each
 * whole second of the timed part.
 */
export async function drive(base, flow, { connections, seconds, warmupSeconds }) {
  const { hostname, port } = new URL(base);
  const agent = new Agent({ keepAlive: true, maxSockets: connections, maxFreeSockets: connections });
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

  const sendFor = (user) => {
    let sent = 0;
    return (step, method, path, body, { key = flow.key, parse = true } = {}) =>
      new Promise((resolve, reject) => {
        const started = performance.now();
        if (started >= deadline) return reject(STOP);
        const headers = { authorization: `Bearer ${key}` };
        let payload;
        if (body !== undefined) {
          payload = flow.encode(body);
          headers['content-type'] = flow.contentType;
          headers['content-length'] = Buffer.byteLength(payload);
        } else if (method === 'POST') {
          headers['content-length'] = 0;
        }
        if (method === 'POST') headers['idempotency-key'] = `bench-${run}-${user}-${sent++}`;
        const req = request({ agent, host: hostname, port, method, path, headers }, (res) => {
          const chunks = [];
          res.on('data', (chunk) => chunks.push(chunk));
          res.on('error', reject);
          res.on('end', () => {
            const answered = performance.now();
            const text = Buffer.concat(chunks).toString();
            if (res.statusCode !== 200) {
              return reject(new Error(`${method} ${path}: HTTP ${res.statusCode} ${text.slice(0, 300)}`));
            }
            const second = Math.floor((answered - timedFrom) / 1000);
            if (step >= 0 && second >= 0 && second < perSecond.length) perSecond[second]++;
            if (step >= 0 && started >= timedFrom) {
              latencies.push(answered - started);
              steps.push(step);
              lastAnswer = answered;
            }
            try {
              resolve(parse ? JSON.parse(text) : undefined);
            } catch (error) {
              reject(new Error(`${method} ${path}: the body is not JSON: ${text.slice(0, 300)}`, { cause: error }));
            }
          });
        });
        req.on('error', (error) => reject(new Error(`${method} ${path}: ${error.message}`, { cause: error })));
        // A server that stops answering ends the run instead of hanging it.
        req.setTimeout(REQUEST_TIMEOUT_MS, () => req.destroy(new Error(`no answer in ${REQUEST_TIMEOUT_MS / 1000} s`)));
        req.end(payload);
      });
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
    agent.destroy();
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
