// The local sandbox server as its users meet it: `vinr sandbox` from the installed package,
// spoken to with curl (the README's commands, verbatim), Python's standard library and raw
// sockets; bad input over the wire; graceful shutdown; state kept in the data directory.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { consumerProject, removeProjects, repoRoot, run } from './lib/project.mjs';
import { runVinr, startVinrSandbox } from './lib/vinr-cli.mjs';

let project;
before(() => {
  project = consumerProject('server-http', { files: { 'server.mjs': `export * from '@vinr/sdk/server';\n` } });
});
after(() => {
  if (!process.env.KEEP_TEST_PROJECTS) removeProjects();
});

const json = (key, body) => ({
  method: 'POST',
  headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
  body: JSON.stringify(body),
});
const get = (key) => ({ headers: { authorization: `Bearer ${key}` } });
const card = { type: 'card', card: { number: '4242424242424242', expMonth: 12, expYear: 2030, cvc: '123' } };

/** Sends raw bytes on a new connection; resolves with everything the server sent before closing. */
function rawExchange(url, chunks, { gapMs = 0 } = {}) {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    let received = '';
    socket.on('data', (d) => (received += d));
    socket.on('error', reject);
    socket.on('close', () => resolve(received));
    socket.on('connect', async () => {
      for (const chunk of chunks) {
        if (socket.destroyed) break;
        socket.write(chunk);
        if (gapMs > 0) await new Promise((r) => setTimeout(r, gapMs));
      }
    });
  });
}

/** The status line and the JSON body of a raw HTTP/1.1 answer. */
function parseRaw(text) {
  const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1]);
  const body = text.slice(text.indexOf('\r\n\r\n') + 4);
  return { status, body: JSON.parse(body) };
}

describe('vinr sandbox, in memory', () => {
  let server;
  before(async () => {
    server = await startVinrSandbox(project, ['--memory', '--headers-timeout', '400']);
  });
  after(async () => {
    assert.equal(await server.stop('SIGTERM'), 0, 'a graceful stop exits 0');
  });

  test('prints the URL, both modes\' keys and the lines to paste; serves /health', async () => {
    const { stdout } = server.output();
    assert.match(stdout, /VINR sandbox listening on http:\/\/127\.0\.0\.1:\d+/);
    assert.match(server.key, /^sk_test_/);
    assert.match(server.liveKey, /^sk_live_/);
    assert.match(stdout, /test publishable key\s+pk_test_/);
    const health = await fetch(`${server.url}/health`);
    assert.equal(health.status, 200);
    assert.deepEqual(await health.json(), { status: 'ok' });
  });

  test("the README's curl commands run verbatim: a payment, its capture, a partial refund", async () => {
    const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('## The local sandbox server'));
    const blocks = [...section.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]);
    const sample = blocks.find((b) => b.includes('curl'));
    assert.ok(sample, 'the README has the curl sample');
    const out = await run('bash', ['-c', `set -euo pipefail\n${sample}`], { env: { ...process.env, ...server.env } });
    const [captured, refund] = out.trim().split('\n').map((line) => JSON.parse(line));
    assert.equal(captured.object, 'payment');
    assert.equal(captured.status, 'completed');
    assert.equal(captured.amountCaptured, 2000);
    assert.equal(refund.object, 'refund');
    assert.equal(refund.amount, 500);
    assert.equal(refund.payment, captured.id);
    // The access log has a line per request, with its request id.
    assert.match(server.output().stdout, /POST \/v1\/refunds 200 [\d.]+ms req_\w+/);
  });

  test("Python's standard library (urllib): the same flow, and an error envelope", async () => {
    const script = join(mkdtempSync(join(project, 'py-')), 'flow.py');
    writeFileSync(
      script,
      `import json, os, urllib.request, urllib.error
base, key = os.environ["VINR_API_BASE"], os.environ["VINR_SECRET_KEY"]
def call(method, path, body=None):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(base + path, data=data, method=method, headers={"Authorization": "Bearer " + key, "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req) as res:
            return res.status, json.load(res)
    except urllib.error.HTTPError as e:
        return e.code, json.load(e)
_, pm = call("POST", "/payment_methods", ${JSON.stringify(card)})
_, pay = call("POST", "/payments", {"amount": 1500, "currency": "EUR", "paymentMethod": pm["id"], "capture": False})
_, cap = call("POST", "/payments/" + pay["id"] + "/capture")
_, ref = call("POST", "/refunds", {"payment": pay["id"], "amount": 300})
status, err = call("POST", "/refunds", {"payment": pay["id"], "amount": 99999})
print(json.dumps({"authorized": pay["status"], "captured": cap["status"], "refund": ref["amount"], "errorStatus": status, "error": err["error"]}))
`,
    );
    const out = JSON.parse(await run('python3', [script], { env: { ...process.env, ...server.env } }));
    assert.equal(out.authorized, 'authorized');
    assert.equal(out.captured, 'completed');
    assert.equal(out.refund, 300);
    assert.equal(out.errorStatus, 400);
    assert.equal(out.error.type, 'invalid_request_error');
    assert.equal(out.error.param, 'amount');
    assert.match(out.error.requestId, /^req_/);
  });

  test('bad input over the wire gets the error envelope and its status; the server keeps serving', async () => {
    const { apiBase, key, url } = server;
    const envelope = async (res, status, code) => {
      assert.equal(res.status, status, `${code}: status`);
      const body = await res.json();
      assert.equal(body.error.code, code);
      assert.equal(typeof body.error.message, 'string');
      assert.match(body.error.requestId, /^req_/);
      return body.error;
    };
    const post = (path, body, type = 'application/json') =>
      fetch(`${apiBase}${path}`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': type }, body });

    await envelope(await post('/customers', '{"email": '), 400, 'body_invalid_json');
    await envelope(await post('/customers', 'email=a%40b.c', 'application/x-www-form-urlencoded'), 415, 'content_type_unsupported');
    await envelope(await post('/customers', '{"email":"x@example.com"}', 'multipart/form-data; boundary=z'), 415, 'content_type_unsupported');
    const big = `{"email":"x@example.com","metadata":{"a":"${'x'.repeat(2 * 1024 * 1024)}"}}`;
    await envelope(await post('/customers', big), 413, 'body_too_large');
    await envelope(await fetch(`${apiBase}/nowhere`, get(key)), 404, 'route_unknown');
    await envelope(await fetch(`${apiBase}/payments`, { method: 'PUT', ...get(key) }), 405, 'method_not_allowed');

    // What Node's parser refuses never reaches the sandbox: the server answers in the envelope.
    const malformed = parseRaw(await rawExchange(url, ['GARBAGE\r\n\r\n']));
    assert.equal(malformed.status, 400);
    assert.equal(malformed.body.error.code, 'request_malformed');
    const huge = parseRaw(await rawExchange(url, [`GET /v1/payments HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`]));
    assert.equal(huge.status, 431);
    assert.equal(huge.body.error.code, 'headers_too_large');
    // Slowloris: headers trickle in and never finish; the header timeout (400 ms here) cuts it off.
    const started = Date.now();
    const slow = parseRaw(await rawExchange(url, ['POST /v1/customers HTTP/1.1\r\n', 'Host: x\r\n', 'X-A: 1\r\n', 'X-B: 2\r\n'], { gapMs: 150 }));
    assert.equal(slow.status, 408);
    assert.equal(slow.body.error.code, 'request_timeout');
    assert.ok(Date.now() - started < 5_000, 'cut off within seconds');

    const still = await fetch(`${apiBase}/customers`, json(key, { email: 'after@example.com' }));
    assert.equal(still.status, 200, 'still serving');
    assert.equal(server.output().stderr, '', 'nothing on stderr: no crash, no stack');
  });

  test('SIGTERM lets a request in flight finish before the server exits', async (t) => {
    const mine = await startVinrSandbox(project, ['--memory', '--quiet']);
    t.after(() => mine.stop('SIGKILL'));
    const { port } = new URL(mine.url);
    const body = JSON.stringify({ email: 'inflight@example.com' });
    const head =
      `POST /v1/customers HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${mine.key}\r\n` +
      `Content-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n`;
    // Headers and half the body, then the stop signal, then the rest of the body.
    const answer = new Promise((resolve, reject) => {
      const socket = connect(Number(port), '127.0.0.1', () => {
        socket.write(head + body.slice(0, 10));
        setTimeout(() => {
          mine.stop('SIGTERM');
          setTimeout(() => socket.write(body.slice(10)), 300);
        }, 100);
      });
      let received = '';
      socket.on('data', (d) => (received += d));
      socket.on('close', () => resolve(received));
      socket.on('error', reject);
    });
    const { status, body: customer } = parseRaw(await answer);
    assert.equal(status, 200);
    assert.equal(customer.email, 'inflight@example.com');
    assert.equal(await mine.exited, 0);
    assert.match(mine.output().stdout, /stopping: finishing requests in flight…\nstopped\./);
  });
  test('SIGTERM: a request that comes on a busy keep-alive connection while closing is answered, with Connection: close', async (t) => {
    const mine = await startVinrSandbox(project, ['--memory', '--quiet']);
    t.after(() => mine.stop('SIGKILL'));
    const { port } = new URL(mine.url);
    const request = (email) => {
      const body = JSON.stringify({ email });
      return (
        `POST /v1/customers HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${mine.key}\r\n` +
        `Content-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`
      );
    };
    const first = request('first@example.com');
    // The first request is in flight (its body unfinished) when the stop comes; the second one
    // follows it on the same connection once the server says it is closing (it marks itself
    // closing in the same turn as it prints that).
    const answer = new Promise((resolve, reject) => {
      const socket = connect(Number(port), '127.0.0.1', () => {
        socket.write(first.slice(0, -10));
        setTimeout(() => {
          mine.stop('SIGTERM');
          mine.printed(/stopping: finishing requests in flight/).then(() => socket.write(first.slice(-10) + request('second@example.com')), reject);
        }, 100);
      });
      let received = '';
      socket.on('data', (d) => (received += d));
      socket.on('close', () => resolve(received));
      socket.on('error', reject);
    });
    const text = await answer;
    const answers = text.split(/(?=HTTP\/1\.1 )/);
    assert.equal(answers.length, 2, text);
    assert.deepEqual(answers.map((a) => parseRaw(a).body.email), ['first@example.com', 'second@example.com']);
    assert.match(answers[1], /\r\nconnection: close\r\n/i, 'the last answer on that connection says so');
    assert.equal(await mine.exited, 0);
  });
});

describe('vinr sandbox, on a data directory', () => {
  test('state survives a restart; one server per directory; --reset starts empty', async (t) => {
    const data = mkdtempSync(join(project, 'data-'));
    const servers = [];
    t.after(() => Promise.all(servers.map((s) => s.stop('SIGKILL'))));
    const start = async (args) => {
      const server = await startVinrSandbox(project, args);
      servers.push(server);
      return server;
    };
    const first = await start(['--data', data, '--quiet']);
    const created = await (await fetch(`${first.apiBase}/customers`, json(first.key, { email: 'kept@example.com' }))).json();

    const second = await runVinr(project, ['sandbox', '--port', '0', '--data', data], { timeoutMs: 20_000 });
    assert.equal(second.code, 1, 'a second server on the same directory fails');
    assert.match(second.stderr, /lock/i);
    assert.ok(second.stderr.includes(String(first.pid)), `names the process holding it: ${second.stderr}`);

    assert.equal(await first.stop('SIGINT'), 0);
    const again = await start(['--data', data, '--quiet']);
    assert.equal(again.key, first.key, 'the same account and keys');
    const kept = await fetch(`${again.apiBase}/customers/${created.id}`, get(again.key));
    assert.equal(kept.status, 200);
    assert.equal((await kept.json()).email, 'kept@example.com');
    assert.equal(await again.stop(), 0);

    const reset = await start(['--data', data, '--reset', '--quiet']);
    assert.notEqual(reset.key, first.key, 'a new account');
    assert.equal((await fetch(`${reset.apiBase}/customers/${created.id}`, get(first.key))).status, 401, "the old account's key is unknown");
    assert.equal((await (await fetch(`${reset.apiBase}/customers`, get(reset.key))).json()).data.length, 0);
    assert.equal(await reset.stop(), 0);
  });
});

describe('startServer: one handler, whichever way in', () => {
  // The server hands a sandbox of its own package the request as primitives (no Request,
  // Headers or Response per request); any other sandbox, here a wrapper of one, through its
  // `fetch`. Two sandboxes on the same clock and random source make the same ids, so the two
  // servers must answer every request with the same bytes: statuses, headers (names, order,
  // combined repeats), bodies, and what the server answers itself.
  test('the direct way in and sandbox.fetch answer the same bytes', async (t) => {
    const { createSandbox, startServer } = await import(pathToFileURL(join(project, 'server.mjs')).href);
    const seeded = () => {
      let x = 42;
      return (bytes) => {
        for (let i = 0; i < bytes.length; i++) bytes[i] = (x = (x * 1103515245 + 12345) >>> 0) >>> 24;
      };
    };
    const make = () => {
      let now = Date.UTC(2025, 0, 1);
      return createSandbox({ clock: () => (now += 7), random: seeded() });
    };
    const direct = await startServer({ sandbox: make(), port: 0 });
    const inner = make();
    const viaFetch = await startServer({ sandbox: { fetch: inner.fetch, ready: inner.ready, keys: inner.keys }, port: 0 });
    t.after(() => Promise.all([direct.close(100), viaFetch.close(100)]));
    const { secretKey, publishableKey } = inner.keys.test;

    const request = (method, path, headers, body = '') => {
      let head = `${method} ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n`;
      for (const [name, value] of headers) head += `${name}: ${value}\r\n`;
      if (body !== null && (body.length > 0 || method === 'POST')) head += `Content-Length: ${Buffer.byteLength(body)}\r\n`;
      return `${head}\r\n${body ?? ''}`;
    };
    const auth = ['Authorization', `Bearer ${secretKey}`];
    const type = ['Content-Type', 'application/json'];
    const requests = [
      request('GET', '/health', []),
      request('POST', '/v1/payment_methods', [['authorization', `Bearer ${publishableKey}`], type], JSON.stringify(card)),
      request('POST', '/v1/customers', [auth, type, ['Idempotency-Key', 'k1']], '{"email":"a@example.com"}'),
      // The replay adds a header that sorts between the core's two.
      request('POST', '/v1/customers', [auth, type, ['Idempotency-Key', 'k1']], '{"email":"a@example.com"}'),
      request('GET', '/v1/customers?limit=2', [auth, ['X-Dup', 'a'], ['x-dup', 'b'], ['Set-Cookie', 'a=1'], ['set-cookie', 'b=2']]),
      request('GET', '/v1/customers', [['authorization', 'Bearer a'], ['Authorization', `Bearer ${secretKey}`]]),
      request('POST', '/v1/customers', [auth, ['Content-Type', 'text/plain']], 'x'),
      request('POST', '/v1/customers', [auth, type], '{"email": '),
      request('PUT', '/v1/payments', [auth]),
      request('TRACE', '/v1/customers', [auth]),
      request('GET', '/nowhere', [auth]),
      request('GET', '/v1/payments', []),
      request('HEAD', '/v1/customers', [auth]),
      request('GET', '/v1/customers', [auth, type], '{"x":1}'),
      request('POST', '/v1/customers', [auth, type, ['Transfer-Encoding', 'chunked']], null) + '5\r\n{"ema\r\nc\r\nil":"c@d.e"}\r\n0\r\n\r\n',
      request('POST', '/v1/customers', [auth, type], `{"email":"x@example.com","metadata":{"a":"${'x'.repeat(1100 * 1024)}"}}`),
      request('POST', '/v1/customers', [auth, type, ['Keep-Alive', 'timeout=5'], ['TE', 'trailers']], '{"email":"z@example.com"}'),
    ];
    // The Date header, and the request ids of what the server answers itself (random), differ.
    const comparable = (text) => {
      const masked = text.replace(/\r\nDate: [^\r]*/, '\r\nDate: -');
      return /"code":"(sandbox_failed|request_malformed)"/.test(masked) ? masked.replace(/req_\w+/g, 'req_-') : masked;
    };
    for (const raw of requests) {
      const [a, b] = [comparable(await rawExchange(direct.url, [raw])), comparable(await rawExchange(viaFetch.url, [raw]))];
      assert.match(a, /^HTTP\/1\.1 \d{3} /, raw.slice(0, 60));
      assert.equal(a, b, `${raw.slice(0, raw.indexOf('\r\n'))}: the same answer`);
    }
  });
});
