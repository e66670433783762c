// Webhook verification through the packed package, as users get it: every error code reached
// through the JS API, every payload type, rotation and time policy, the README's worked example
// and the Standard Webhooks vector; node:crypto's HMAC (the Node entries) against the Wasm
// core's own (the inline entries) on one table of vectors; then a signed POST answered 200 / 400
// by a real server on workerd, Deno, Bun and Node, and verify() running in headless Chromium.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire, syncBuiltinESMExports } from 'node:module';
import { createServer } from 'node:http';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { bin, consumerProject, lastJsonLine, removeProjects, run } from './lib/project.mjs';
import { startPortServer, prepareWorker, startWorkerd } from './lib/servers.mjs';
import { serveDirectory } from './lib/static-server.mjs';
import { launchChromium, pageResult } from './lib/browser.mjs';

// The README's worked example: key = the ASCII bytes "vinr webhook example secret 2026".
const SECRET = 'whsec_dmluciB3ZWJob29rIGV4YW1wbGUgc2VjcmV0IDIwMjY=';
const ROTATED = 'whsec_dmluciB3ZWJob29rIHJvdGF0ZWQgc2VjcmV0IDIwMjY=';
const T = 1_700_000_000;
const BODY = '{"id":"evt_1","object":"event","type":"payment.completed"}';
/** The published vector of the Standard Webhooks specification. */
const STANDARD = {
  secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  id: 'msg_p5jXN8AQM9LWM0D4loKWxJek',
  t: 1614265330,
  body: '{"test": 2432232314}',
  sig: 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
};
/** Its three headers, with another signature or message id when given. */
const standardHeaders = (sig = STANDARD.sig, id = STANDARD.id) => ({
  'webhook-id': id,
  'webhook-timestamp': String(STANDARD.t),
  'webhook-signature': sig,
});
const V1 = 'd13ad9de1d6b371bb8973aab3707b862217097f07d1357b52154a574de4d5621';
const HEADER = `t=${T},v1=${V1}`;
const ROTATED_V1 = 'a86a5a2fe7d42c6d46cfc1b67b465a2988d485503a7805867e9df65647f648bb';

let dir;
/** `@vinr/sdk/webhooks` and `@vinr/sdk`, resolved through the package's exports from a consumer. */
let wh;
let sdk;
/** The same two, from their inline entries (what Deno and browsers load): the Wasm core's HMAC. */
let whInline;
let sdkInline;
before(async () => {
  dir = consumerProject('webhooks', {
    fixtures: ['webhook-handler.mjs'],
    files: {
      'edge.mjs': `export * from '@vinr/sdk/webhooks';\n`,
      'full.mjs': `export * from '@vinr/sdk';\n`,
    },
  });
  wh = await import(pathToFileURL(join(dir, 'edge.mjs')).href);
  sdk = await import(pathToFileURL(join(dir, 'full.mjs')).href);
  const dist = join(dir, 'node_modules/@vinr/sdk/dist');
  whInline = await import(pathToFileURL(join(dist, 'webhooks-inline.mjs')).href);
  sdkInline = await import(pathToFileURL(join(dist, 'inline.mjs')).href);
});
after(() => {
  if (!process.env.KEEP_TEST_PROJECTS) removeProjects();
});

/**
 * The error `fn` throws, checked to be a SignatureVerificationError with `code`. `module` is the
 * entry whose class it must be: the two entries are separate bundles with their own classes.
 */
function rejects(fn, code, module = wh) {
  let error;
  try {
    fn();
  } catch (e) {
    error = e;
  }
  assert.ok(error, `expected ${code}, nothing was thrown`);
  assert.ok(error instanceof module.SignatureVerificationError, `${error?.name}: ${error?.message}`);
  assert.ok(error instanceof module.VinrError);
  assert.equal(error.name, 'SignatureVerificationError');
  assert.equal(error.code, code, error.message);
  return error;
}

const at = (now, extra = {}) => ({ secret: SECRET, now, ...extra });

describe('the worked example and the scheme', () => {
  test('generateTestHeader reproduces the README header; verify returns the event', () => {
    assert.equal(wh.generateTestHeader({ payload: BODY, secret: SECRET, timestamp: T }), HEADER);
    assert.equal(wh.generateTestHeader({ payload: BODY, secret: SECRET, timestamp: new Date(T * 1000) }), HEADER);
    assert.deepEqual(wh.verify(BODY, HEADER, at(T)), JSON.parse(BODY));
  });

  test('one v1 per secret while rotating; any secret of the receiver may match any v1', () => {
    const both = wh.generateTestHeader({ payload: BODY, secret: [SECRET, ROTATED], timestamp: T });
    assert.equal(both, `${HEADER},v1=${ROTATED_V1}`);
    for (const secret of [SECRET, ROTATED, [ROTATED], [SECRET, ROTATED], [ROTATED, SECRET]]) {
      assert.equal(wh.verify(BODY, both, at(T, { secret })).id, 'evt_1');
    }
    assert.equal(wh.verify(BODY, HEADER, at(T, { secret: [ROTATED, SECRET] })).id, 'evt_1');
    rejects(() => wh.verify(BODY, HEADER, at(T, { secret: ROTATED })), 'signature_mismatch');
    assert.equal(wh.verify(BODY, `t=${T},v0=abc,v1=${'0'.repeat(64)},v1=${V1},v9=x`, at(T)).id, 'evt_1', 'unknown schemes are skipped');
  });

  test('the default generateTestHeader time is now, and verifies with the default policy', () => {
    const header = wh.generateTestHeader({ payload: BODY, secret: SECRET });
    assert.equal(wh.verify(BODY, header, { secret: SECRET }).id, 'evt_1');
  });
});

describe('payloads: bytes are MACed as they are, a string is UTF-8 encoded once', () => {
  const body = JSON.stringify({ id: 'evt_ü', object: 'event', type: 'payment.completed', data: { name: 'Zoë €5 🎉' } });
  const bytes = new TextEncoder().encode(body);
  const header = () => wh.generateTestHeader({ payload: bytes, secret: SECRET, timestamp: T });

  test('string, Buffer, Uint8Array, ArrayBuffer and a DataView/subarray at an offset all verify', () => {
    const padded = new Uint8Array(bytes.length + 7);
    padded.set(bytes, 3);
    const payloads = {
      string: body,
      Buffer: Buffer.from(body),
      Uint8Array: bytes,
      ArrayBuffer: bytes.slice().buffer,
      subarray: padded.subarray(3, 3 + bytes.length),
      DataView: new DataView(padded.buffer, 3, bytes.length),
    };
    for (const [kind, payload] of Object.entries(payloads)) {
      const event = wh.verify(payload, header(), at(T));
      assert.equal(event.id, 'evt_ü', kind);
      assert.equal(event.data.name, 'Zoë €5 🎉', kind);
    }
    assert.equal(wh.generateTestHeader({ payload: body, secret: SECRET, timestamp: T }), header(), 'string and bytes sign alike');
  });

  test('one changed byte of body, timestamp or signature fails', () => {
    const good = header();
    const flipped = bytes.slice();
    flipped[flipped.length - 2] ^= 1;
    rejects(() => wh.verify(flipped, good, at(T)), 'signature_mismatch');
    rejects(() => wh.verify(body + ' ', good, at(T)), 'signature_mismatch');
    rejects(() => wh.verify(body, good.replace(`t=${T}`, `t=${T + 1}`), at(T)), 'signature_mismatch');
    const sig = good.slice(-64);
    const changed = (sig[0] === '0' ? '1' : '0') + sig.slice(1);
    rejects(() => wh.verify(body, good.replace(sig, changed), at(T)), 'signature_mismatch');
  });

  test('a parsed object instead of the raw body says how to get the raw body', () => {
    for (const parsed of [JSON.parse(BODY), [1], null, undefined, 42]) {
      const e = rejects(() => wh.verify(parsed, HEADER, at(T)), 'invalid_payload_type');
      assert.match(e.message, /await request\.text\(\), or req\.body under express\.raw\(\)/);
    }
  });

  test('a correctly signed body that is not a JSON object is invalid_json', () => {
    for (const payload of ['{', 'null', '[1]', new Uint8Array([0x7b, 0xff, 0x7d])]) {
      const header = wh.generateTestHeader({ payload, secret: SECRET, timestamp: T });
      rejects(() => wh.verify(payload, header, at(T)), 'invalid_json');
    }
  });
});

describe('time: tolerance in both directions', () => {
  test('default 300 s: the edges pass, one second beyond fails, each way', () => {
    assert.equal(wh.verify(BODY, HEADER, at(T + 300)).id, 'evt_1');
    assert.equal(wh.verify(BODY, HEADER, at(T - 300)).id, 'evt_1');
    const old = rejects(() => wh.verify(BODY, HEADER, at(T + 301)), 'timestamp_too_old');
    assert.match(old.message, /301 s old/);
    const early = rejects(() => wh.verify(BODY, HEADER, at(T - 301)), 'timestamp_too_new');
    assert.match(early.message, /301 s in the future/);
    rejects(() => wh.verify(BODY, HEADER, at(new Date((T + 301) * 1000))), 'timestamp_too_old');
  });

  test('tolerance 0 means exactly now, never "off"; ignoreTimestamp turns the check off', () => {
    assert.equal(wh.verify(BODY, HEADER, at(T, { tolerance: 0 })).id, 'evt_1');
    rejects(() => wh.verify(BODY, HEADER, at(T + 1, { tolerance: 0 })), 'timestamp_too_old');
    rejects(() => wh.verify(BODY, HEADER, at(T - 1, { tolerance: 0 })), 'timestamp_too_new');
    assert.equal(wh.verify(BODY, HEADER, at(T + 10, { tolerance: 10 })).id, 'evt_1');
    assert.equal(wh.verify(BODY, HEADER, at(0, { ignoreTimestamp: true })).id, 'evt_1');
  });

  test('the signature is checked before the time: a forged old message is a mismatch', () => {
    rejects(() => wh.verify(BODY, `t=${T},v1=${'0'.repeat(64)}`, at(T + 10_000)), 'signature_mismatch');
  });

  test('bad options are configuration errors naming the option', () => {
    for (const [options, param] of [
      [{ tolerance: -1 }, 'tolerance'],
      [{ tolerance: 1.5 }, 'tolerance'],
      [{ ignoreTimestamp: 'yes' }, 'ignoreTimestamp'],
      [{ now: 'today' }, 'now'],
      [{ tolerence: 5 }, 'tolerence'],
    ]) {
      assert.throws(() => wh.verify(BODY, HEADER, { secret: SECRET, ...options }), (e) => e instanceof wh.VinrConfigurationError && e.param === param);
    }
  });
});

describe('every error code through the JS API', () => {
  const sig = `v1=${V1}`;
  const cases = [
    ['missing_header', () => wh.verify(BODY, undefined, at(T))],
    ['missing_header', () => wh.verify(BODY, null, at(T))],
    ['missing_header', () => wh.verify(BODY, '  ', at(T))],
    ['missing_header', () => wh.verify(BODY, new Headers({ 'content-type': 'application/json' }), at(T))],
    ['header_too_large', () => wh.verify(BODY, `t=${T},${sig}${',v0=x'.repeat(1700)}`, at(T))],
    ['malformed_header', () => wh.verify(BODY, `t=${T},,${sig}`, at(T))],
    ['malformed_header', () => wh.verify(BODY, `t=${T}, v1 = ${V1}`, at(T))],
    ['malformed_header', () => wh.verify(BODY, `t=${T},v1=${V1.toUpperCase()}`, at(T))],
    ['malformed_header', () => wh.verify(BODY, `t=${T},t=${T},${sig}`, at(T))],
    ['missing_timestamp', () => wh.verify(BODY, sig, at(T))],
    ['invalid_timestamp', () => wh.verify(BODY, `t=0${T},${sig}`, at(T))],
    ['invalid_timestamp', () => wh.verify(BODY, `t=-${T},${sig}`, at(T))],
    ['invalid_timestamp', () => wh.verify(BODY, `t=99999999999999999999,${sig}`, at(T))],
    ['no_supported_signature', () => wh.verify(BODY, `t=${T},v0=abc,v2=def`, at(T))],
    ['signature_mismatch', () => wh.verify(BODY, `t=${T},v1=${'f'.repeat(64)}`, at(T))],
    ['timestamp_too_old', () => wh.verify(BODY, HEADER, at(T + 1000))],
    ['timestamp_too_new', () => wh.verify(BODY, HEADER, at(T - 1000))],
    ['invalid_secret', () => wh.verify(BODY, HEADER, at(T, { secret: 'sk_test_123' }))],
    ['invalid_secret', () => wh.verify(BODY, HEADER, at(T, { secret: 'whsec_c2hvcnQ=' }))],
    ['invalid_secret', () => wh.verify(BODY, HEADER, at(T, { secret: `${SECRET}\n` }))],
    ['invalid_secret', () => wh.verify(BODY, HEADER, at(T, { secret: `${SECRET} ${ROTATED}` }))],
    ['invalid_secret', () => wh.verify(BODY, HEADER, at(T, { secret: [SECRET, 'whsec_!'] }))],
    ['invalid_secret', () => wh.generateTestHeader({ payload: BODY, secret: 'nope' })],
    ['no_secret', () => wh.verify(BODY, HEADER, at(T, { secret: [] }))],
    ['no_secret', () => wh.verify(BODY, HEADER, at(T, { secret: '' }))],
    ['no_secret', () => wh.generateTestHeader({ payload: BODY, secret: [] })],
    ['invalid_payload_type', () => wh.verify({ id: 'evt_1' }, HEADER, at(T))],
    ['invalid_json', () => wh.verify('not json', wh.generateTestHeader({ payload: 'not json', secret: SECRET, timestamp: T }), at(T))],
  ];
  const messages = [];
  for (const [code, fn] of cases) {
    test(`${code}: ${fn.toString().slice(6, 90)}`, () => {
      messages.push(rejects(fn, code).message);
    });
  }

  test('every code of SignatureVerificationErrorCode was reached', () => {
    const reached = new Set(cases.map(([code]) => code));
    assert.equal(reached.size, 13);
  });

  test('no message contains a secret, a key or an expected signature', () => {
    assert.ok(messages.length >= cases.length);
    const forbidden = [SECRET, SECRET.slice(6), ROTATED.slice(6), V1, ROTATED_V1, 'vinr webhook example secret'];
    for (const message of messages) {
      for (const f of forbidden) assert.ok(!message.includes(f), `message leaks ${f}: ${message}`);
    }
  });

  // The core's failures with the code and message its `Display` gives them
  // (src/webhook/status/unit.rs writes the file): the entries must word each the same, whichever
  // Wasm build and HMAC they use, so the number the Wasm reports and the templates generated
  // into js/src/webhook-facts.ts cannot drift from the core unseen.
  const vectors = JSON.parse(readFileSync(new URL('./fixtures/webhook-failures.json', import.meta.url), 'utf8'));
  test(`the core's ${vectors.cases.length} failure vectors: same code and message from every entry`, () => {
    const entries = [
      ['@vinr/sdk/webhooks (node)', () => wh],
      ['@vinr/sdk/webhooks (inline)', () => whInline],
      ['vinr.webhooks (node)', () => new sdk.Vinr().webhooks],
      ['vinr.webhooks (inline)', () => new sdkInline.Vinr().webhooks],
    ];
    for (const v of vectors.cases) {
      const options = { now: v.now, tolerance: v.tolerance };
      for (const [name, entry] of entries) {
        const w = entry();
        let error;
        try {
          if (v.api === 'verify') w.verify(vectors.payload, v.header, { ...options, secret: v.secret });
          else w.verifyStandard(vectors.payload, v.headers, v.secret, options);
        } catch (e) {
          error = e;
        }
        assert.ok(error, `${name}: ${JSON.stringify(v)} did not fail`);
        assert.deepEqual({ code: error.code, message: error.message }, { code: v.code, message: v.message }, `${name}: ${JSON.stringify(v.header ?? v.headers)}`);
      }
    }
  });

  test('the invalid secret of a list is named by position, not echoed', () => {
    const e = rejects(() => wh.verify(BODY, HEADER, at(T, { secret: [SECRET, 'whsec_!', ROTATED] })), 'invalid_secret');
    assert.match(e.message, /secret 2 of 3/);
  });
});

describe('headers: a string, Headers, or a Node-style record', () => {
  test('Headers and records (any case; repeats joined) are read for x-vinr-signature', () => {
    assert.equal(wh.verify(BODY, new Headers({ 'X-Vinr-Signature': HEADER }), at(T)).id, 'evt_1');
    assert.equal(wh.verify(BODY, { 'x-vinr-signature': HEADER }, at(T)).id, 'evt_1');
    assert.equal(wh.verify(BODY, { 'X-VINR-SIGNATURE': HEADER }, at(T)).id, 'evt_1');
    assert.equal(wh.verify(BODY, { 'x-vinr-signature': [`t=${T}`, `v1=${V1}`] }, at(T)).id, 'evt_1');
    rejects(() => wh.verify(BODY, { 'x-other': HEADER }, at(T)), 'missing_header');
  });

  test('a header over 8 KiB is refused before it is parsed', () => {
    const e = rejects(() => wh.verify(BODY, 'x'.repeat(8193), at(T)), 'header_too_large');
    assert.match(e.message, /8192/);
    assert.equal(wh.verify(BODY, `${HEADER},v0=${'a'.repeat(8192 - HEADER.length - 4)}`, at(T)).id, 'evt_1', '8192 bytes exactly is fine');
  });
});

describe('Standard Webhooks', () => {
  const std = STANDARD;
  const headers = (sig) => standardHeaders(sig);

  test('the specification vector verifies, with and without whsec_, from a record or Headers', () => {
    assert.deepEqual(wh.verifyStandard(std.body, headers(), std.secret, { now: std.t }), { test: 2432232314 });
    assert.deepEqual(wh.verifyStandard(Buffer.from(std.body), new Headers(headers()), std.secret.slice(6), { now: std.t }), { test: 2432232314 });
    assert.deepEqual(wh.verifyStandard(std.body, headers(`v1a,xyz ${std.sig}`), [ROTATED, std.secret], { now: std.t }), { test: 2432232314 });
  });

  test('its failures carry the same codes', () => {
    rejects(() => wh.verifyStandard(std.body, headers('v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OA='), std.secret, { now: std.t }), 'signature_mismatch');
    rejects(() => wh.verifyStandard(std.body, headers(), std.secret, { now: std.t + 301 }), 'timestamp_too_old');
    rejects(() => wh.verifyStandard(std.body, { ...headers(), 'webhook-id': '' }, std.secret, { now: std.t }), 'missing_header');
    rejects(() => wh.verifyStandard(std.body, { ...headers(), 'webhook-timestamp': undefined }, std.secret, { now: std.t }), 'missing_timestamp');
    rejects(() => wh.verifyStandard(std.body, headers('v1a,xyz'), std.secret, { now: std.t }), 'no_supported_signature');
    rejects(() => wh.verifyStandard(std.body, headers('v1,!!'), std.secret, { now: std.t }), 'malformed_header');
    rejects(() => wh.verifyStandard(std.body, headers(), 'whsec_!', { now: std.t }), 'invalid_secret');
  });

  test('a v1 entry that is not base64 matches nothing and voids nothing, as in the reference libraries', () => {
    for (const [name, m] of [['@vinr/sdk/webhooks', wh], ['inline', whInline]]) {
      assert.deepEqual(m.verifyStandard(std.body, headers(`v1,!!!notbase64 ${std.sig}`), std.secret, { now: std.t }), { test: 2432232314 }, name);
      assert.deepEqual(m.verifyStandard(std.body, headers(`${std.sig} v1,!!!notbase64`), std.secret, { now: std.t }), { test: 2432232314 }, name);
      const e = rejects(() => m.verifyStandard(std.body, headers('v1,!!!notbase64 v1,also-not v1a,xyz'), std.secret, { now: std.t }), 'malformed_header', m);
      assert.match(e.message, /webhook-signature/, name);
      const wrong = 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OA=';
      rejects(() => m.verifyStandard(std.body, headers(`v1,!!!notbase64 ${wrong}`), std.secret, { now: std.t }), 'signature_mismatch', m);
    }
    const huge = headers(`v1,!!!notbase64 ${std.sig}${' v1,!!'.repeat(1400)}`);
    rejects(() => wh.verifyStandard(std.body, huge, std.secret, { now: std.t }), 'header_too_large');
  });

  test('VINR deliveries carry both header sets: a VINR-signed body verifies either way', () => {
    // The same key signs both schemes; the Standard header here comes from the spec's own
    // construction, so this checks the two verifiers agree on one delivery.
    const body = std.body;
    const vinrHeader = wh.generateTestHeader({ payload: body, secret: std.secret, timestamp: std.t });
    assert.deepEqual(wh.verify(body, vinrHeader, { secret: std.secret, now: std.t }), { test: 2432232314 });
    assert.deepEqual(wh.verifyStandard(body, headers(), std.secret, { now: std.t }), { test: 2432232314 });
  });
});

describe("node:crypto's HMAC (Node entries) and the Wasm core's (inline entries) agree", () => {
  const std = STANDARD;
  const stdHeaders = standardHeaders;
  const unicode = JSON.stringify({ id: 'evt_ü', object: 'event', data: { name: 'Zoë €5 🎉' } });
  const big = JSON.stringify({ id: 'evt_big', object: 'event', data: { note: 'x'.repeat(20_000) } });
  const huge = JSON.stringify({ id: 'evt_huge', object: 'event', data: { note: 'é'.repeat(150_000) } });
  const keys = [16, 63, 64, 65, 100].map((n) => `whsec_${Buffer.from(Array.from({ length: n }, (_, i) => (i * 37 + n) % 256)).toString('base64')}`);
  const sign = (m, payload, secret, timestamp = T) => m.generateTestHeader({ payload, secret, timestamp });
  /** Each vector runs against one module's webhook functions (`w`) and returns what it got. */
  const vectors = {
    'the worked example': (w) => w.verify(BODY, HEADER, at(T)),
    'bytes payload': (w) => w.verify(new TextEncoder().encode(BODY), HEADER, at(T)),
    'a non-ASCII string signed by this entry': (w) => w.verify(unicode, sign(w, unicode, SECRET), at(T)),
    'a 20 KB body signed by this entry': (w) => w.verify(big, sign(w, big, SECRET), at(T)).id,
    'a 300 KB body (a buffer of its own in the host HMAC), then a small one': (w) => [
      w.verify(huge, sign(w, huge, SECRET), at(T)).id,
      sign(w, huge, SECRET),
      w.verify(BODY, HEADER, at(T)),
    ],
    'keys of 16, 63, 64, 65 and 100 bytes (longer than a block: hashed first)': (w) =>
      keys.map((key) => {
        const header = sign(w, BODY, key);
        return [header, w.verify(BODY, header, at(T, { secret: key })), w.verify(new TextEncoder().encode(BODY), header, at(T, { secret: key }))];
      }),
    'lone surrogates and astral characters in a string body': (w) => sign(w, '{"a":"\ud800 \udfff 🎉"}', SECRET),
    'an empty body': (w) => [sign(w, '', SECRET), sign(w, new Uint8Array(0), SECRET)],
    'rotation: receiver has both secrets, either order': (w) => [w.verify(BODY, HEADER, at(T, { secret: [ROTATED, SECRET] })), w.verify(BODY, HEADER, at(T, { secret: [SECRET, ROTATED] }))],
    'rotation: header signed by two secrets, receiver has the second': (w) => w.verify(BODY, `${HEADER},v1=${ROTATED_V1}`, at(T, { secret: ROTATED })),
    'rotation: three secrets, the last matching': (w) => w.verify(BODY, HEADER, at(T, { secret: [ROTATED, std.secret, SECRET] })),
    'a mismatch with one secret': (w) => w.verify(BODY, HEADER, at(T, { secret: ROTATED })),
    'a mismatch with several secrets': (w) => w.verify(BODY, HEADER, at(T, { secret: [ROTATED, std.secret] })),
    'a mismatch on a changed body': (w) => w.verify(`${BODY} `, HEADER, at(T)),
    'too old': (w) => w.verify(BODY, HEADER, at(T + 301)),
    'too new, tolerance 0': (w) => w.verify(BODY, HEADER, at(T - 1, { tolerance: 0 })),
    'a forged old message is a mismatch, not a time error': (w) => w.verify(BODY, `t=${T},v1=${'0'.repeat(64)}`, at(T + 10_000)),
    'an invalid secret in a list': (w) => w.verify(BODY, HEADER, at(T, { secret: [SECRET, 'whsec_!'] })),
    'generateTestHeader, one secret': (w) => sign(w, BODY, SECRET),
    'generateTestHeader, rotation': (w) => sign(w, new TextEncoder().encode(unicode), [SECRET, ROTATED, std.secret], T + 7),
    'generateTestHeader, invalid secret': (w) => sign(w, BODY, [SECRET, 'nope']),
    'Standard Webhooks: the specification vector': (w) => w.verifyStandard(std.body, stdHeaders(std.sig), std.secret, { now: std.t }),
    'Standard Webhooks: rotation, unknown version and a garbled entry first': (w) =>
      w.verifyStandard(std.body, stdHeaders(`v1a,xyz v1,!!!notbase64 ${std.sig}`), [ROTATED, std.secret.slice(6)], { now: std.t }),
    'Standard Webhooks: another message id is a mismatch': (w) => w.verifyStandard(std.body, stdHeaders(std.sig, 'msg_other'), [ROTATED, std.secret], { now: std.t }),
    'Standard Webhooks: too old': (w) => w.verifyStandard(std.body, stdHeaders(std.sig), std.secret, { now: std.t + 301 }),
  };
  const outcome = (fn) => {
    try {
      return { value: fn() };
    } catch (e) {
      return { name: e.name, code: e.code, message: e.message };
    }
  };

  /**
   * Counts node:crypto's `hash` calls while `fn` runs (the bundles read it from the module
   * namespace on each call): the Node entries' HMAC is two of them, inner and outer digest.
   */
  function countingHash(fn) {
    const crypto = createRequire(import.meta.url)('node:crypto');
    const original = crypto.hash;
    let calls = 0;
    crypto.hash = (...args) => {
      calls++;
      return original(...args);
    };
    syncBuiltinESMExports();
    try {
      fn();
    } finally {
      crypto.hash = original;
      syncBuiltinESMExports();
    }
    return calls;
  }

  test('the Node entries take the HMAC from node:crypto; the inline ones never do', () => {
    for (const [name, w, uses] of [
      ['@vinr/sdk/webhooks (node)', wh, true],
      ['@vinr/sdk (node)', new sdk.Vinr().webhooks, true],
      ['@vinr/sdk/webhooks (inline)', whInline, false],
      ['@vinr/sdk (inline)', new sdkInline.Vinr().webhooks, false],
    ]) {
      const calls = countingHash(() => {
        assert.equal(w.verify(BODY, HEADER, at(T, { secret: [ROTATED, SECRET] })).id, 'evt_1', name);
        assert.equal(sign(w, BODY, SECRET), HEADER, name);
      });
      // Two secrets tried for the verify, one for the header: two digests each.
      assert.equal(calls, uses ? 6 : 0, name);
    }
  });

  for (const [vector, run] of Object.entries(vectors)) {
    test(vector, () => {
      const results = [
        ['@vinr/sdk/webhooks (node:crypto)', outcome(() => run(wh))],
        ['@vinr/sdk/webhooks (Wasm)', outcome(() => run(whInline))],
        ['vinr.webhooks (node:crypto)', outcome(() => run(new sdk.Vinr().webhooks))],
        ['vinr.webhooks (Wasm)', outcome(() => run(new sdkInline.Vinr().webhooks))],
      ];
      for (const [name, result] of results.slice(1)) assert.deepEqual(result, results[0][1], `${name} differs from ${results[0][0]}`);
    });
  }

  test('without crypto.hash (Node before 20.12 and 21.7), createHash makes the same MACs', () => {
    const crypto = createRequire(import.meta.url)('node:crypto');
    const original = crypto.hash;
    const expected = [
      sign(whInline, BODY, [SECRET, ROTATED]),
      sign(whInline, huge, keys),
      whInline.verify(BODY, HEADER, at(T, { secret: [ROTATED, SECRET] })),
    ];
    crypto.hash = undefined;
    syncBuiltinESMExports();
    try {
      for (const [name, w] of [
        ['@vinr/sdk/webhooks (node)', wh],
        ['@vinr/sdk (node)', new sdk.Vinr().webhooks],
      ]) {
        const got = [sign(w, BODY, [SECRET, ROTATED]), sign(w, huge, keys), w.verify(BODY, HEADER, at(T, { secret: [ROTATED, SECRET] }))];
        assert.deepEqual(got, expected, name);
      }
    } finally {
      crypto.hash = original;
      syncBuiltinESMExports();
    }
  });

  test('an exception in the host HMAC reaches the caller and accepts nothing', () => {
    const crypto = createRequire(import.meta.url)('node:crypto');
    const original = crypto.hash;
    crypto.hash = () => {
      throw new Error('no HMAC today');
    };
    syncBuiltinESMExports();
    try {
      assert.throws(() => wh.verify(BODY, HEADER, at(T)), /no HMAC today/);
      assert.throws(() => sign(wh, BODY, SECRET), /no HMAC today/);
    } finally {
      crypto.hash = original;
      syncBuiltinESMExports();
    }
    assert.equal(wh.verify(BODY, HEADER, at(T)).id, 'evt_1', 'and the next call works');
  });
});

describe('secret lists the core keeps parsed between calls (the Node builds keep the last one)', () => {
  const std = STANDARD;
  const stdHeaders = standardHeaders();
  const outcome = (fn) => {
    try {
      fn();
      return 'ok';
    } catch (e) {
      return e.code ?? e.message;
    }
  };

  test('each call is answered for the secrets it passes, never for a list used before', () => {
    // A rolled secret: the same length, one character apart.
    const rolled = `${SECRET.slice(0, 8)}n${SECRET.slice(9)}`;
    assert.notEqual(rolled, SECRET);
    const lists = [SECRET, ROTATED, rolled, [ROTATED, SECRET], [SECRET, ROTATED], [rolled, ROTATED], [std.secret, SECRET]];
    for (const [name, w] of [
      ['@vinr/sdk/webhooks (node)', wh],
      ['@vinr/sdk (node)', new sdk.Vinr().webhooks],
      ['@vinr/sdk/webhooks (inline)', whInline],
      ['@vinr/sdk (inline)', new sdkInline.Vinr().webhooks],
    ]) {
      const vinr = (secret) => outcome(() => w.verify(BODY, HEADER, at(T, { secret })));
      const standard = (secret) => outcome(() => w.verifyStandard(std.body, stdHeaders, secret, { now: std.t }));
      const steps = [
        [SECRET, 'ok'],
        [ROTATED, 'signature_mismatch'],
        [SECRET, 'ok'],
        [rolled, 'signature_mismatch'],
        [[ROTATED, SECRET], 'ok'],
        [ROTATED, 'signature_mismatch'],
        [SECRET, 'ok'],
        [[SECRET, 'whsec_!'], 'invalid_secret'],
        [[SECRET, 'whsec_!'], 'invalid_secret'],
        [SECRET, 'ok'],
      ];
      for (const [i, [secret, expected]] of steps.entries()) assert.equal(vinr(secret), expected, `${name}, step ${i + 1}`);
      // More lists than are kept, in turn, three times over.
      for (let round = 0; round < 3; round++) {
        for (const list of lists) assert.equal(vinr(list), [list].flat().includes(SECRET) ? 'ok' : 'signature_mismatch', `${name}: ${list}`);
      }
      // One string, two parses: bare base64 is a secret to Standard Webhooks, not to VINR.
      const bare = std.secret.slice('whsec_'.length);
      assert.equal(standard(bare), 'ok', name);
      assert.equal(vinr(bare), 'invalid_secret', name);
      assert.equal(standard(bare), 'ok', name);
      assert.equal(standard(std.secret), 'ok', name);
      assert.equal(standard(ROTATED), 'signature_mismatch', name);
    }
  });
});

describe('the full client: vinr.webhooks', () => {
  test('the secret comes from new Vinr({ webhookSecret }) (or several), options.secret overrides it', () => {
    const vinr = new sdk.Vinr({ webhookSecret: SECRET });
    assert.equal(vinr.webhooks.verify(BODY, HEADER, { now: T }).id, 'evt_1');
    assert.throws(() => vinr.webhooks.verify(BODY, HEADER, { now: T, secret: ROTATED }), (e) => e instanceof sdk.SignatureVerificationError && e.code === 'signature_mismatch');
    const rotating = new sdk.Vinr({ webhookSecret: [ROTATED, SECRET] });
    assert.equal(rotating.webhooks.verify(Buffer.from(BODY), HEADER, { now: T }).id, 'evt_1');
    assert.equal(rotating.webhooks.generateTestHeader({ payload: BODY, secret: SECRET, timestamp: T }), HEADER);
    assert.ok(!JSON.stringify(vinr).includes('whsec_'), 'toJSON keeps the secret out');
    assert.throws(() => new sdk.Vinr({ webhookSecret: 42 }), (e) => e.code === 'option_invalid' && e.param === 'webhookSecret');
  });

  test('generateSecret makes a whsec_ secret of 32 random bytes that signs and verifies', () => {
    const vinr = new sdk.Vinr();
    const a = vinr.webhooks.generateSecret();
    const b = vinr.webhooks.generateSecret();
    assert.match(a, /^whsec_[A-Za-z0-9+/]{43}=$/);
    assert.notEqual(a, b);
    const header = vinr.webhooks.generateTestHeader({ payload: BODY, secret: a, timestamp: T });
    assert.equal(vinr.webhooks.verify(BODY, header, { secret: a, now: T }).id, 'evt_1');
    assert.equal(wh.verify(BODY, header, { secret: a, now: T }).id, 'evt_1', 'the edge build agrees with the full one');
  });

  test('without any secret: no_secret, naming the three ways to give one', () => {
    const e = rejects(() => new sdk.Vinr().webhooks.verify(BODY, HEADER, { now: T }), 'no_secret', sdk);
    assert.match(e.message, /options\.secret/);
    assert.match(e.message, /webhookSecret/);
    assert.match(e.message, /VINR_WEBHOOK_SECRET/);
  });
});

const envProbe = (importLine) => `${importLine}
const header = ${JSON.stringify(HEADER)};
let result;
try { result = verify(${JSON.stringify(BODY)}, header, { now: ${T} }).id; } catch (e) { result = e.code; }
console.log(JSON.stringify({ result }));
`;

describe('VINR_WEBHOOK_SECRET', () => {
  test('is read from process.env in Node (ESM and CommonJS), and its absence is no_secret', async () => {
    writeFileSync(join(dir, 'env.mjs'), envProbe(`import { verify } from '@vinr/sdk/webhooks';`));
    writeFileSync(join(dir, 'env.cjs'), envProbe(`const { verify } = require('@vinr/sdk/webhooks');`));
    for (const file of ['env.mjs', 'env.cjs']) {
      const withEnv = await run(process.execPath, [file], { cwd: dir, env: { ...process.env, VINR_WEBHOOK_SECRET: SECRET } });
      assert.deepEqual(lastJsonLine(withEnv), { result: 'evt_1' }, file);
      const { VINR_WEBHOOK_SECRET: _, ...without } = process.env;
      assert.deepEqual(lastJsonLine(await run(process.execPath, [file], { cwd: dir, env: without })), { result: 'no_secret' }, file);
    }
  });

  test('is read through Deno.env with --allow-env; without the permission it is simply absent', async () => {
    const env = { ...process.env, VINR_WEBHOOK_SECRET: SECRET, DENO_NO_UPDATE_CHECK: '1', DENO_DIR: join(dir, '.deno') };
    const deno = (flags) => run(bin('deno'), ['run', '--quiet', '--no-prompt', '--node-modules-dir=manual', ...flags, 'env.mjs'], { cwd: dir, env });
    assert.deepEqual(lastJsonLine(await deno(['--allow-env'])), { result: 'evt_1' });
    assert.deepEqual(lastJsonLine(await deno([])), { result: 'no_secret' });
  });
});

describe('runtimes: a signed POST is answered 200, a bad one 400', () => {
  /** Posts a good delivery, a tampered one and an unsigned one to `url`. */
  async function exchange(url) {
    const body = JSON.stringify({ id: 'evt_rt', object: 'event', type: 'payment.completed', data: { note: 'Grüße' } });
    const header = wh.generateTestHeader({ payload: body, secret: SECRET });
    const post = async (payload, headers) => {
      const response = await fetch(url, { method: 'POST', body: payload, headers: { 'content-type': 'application/json', ...headers } });
      return { status: response.status, ...(await response.json()) };
    };
    assert.deepEqual(await post(body, { 'x-vinr-signature': header }), { status: 200, ok: true, id: 'evt_rt', type: 'payment.completed' });
    assert.deepEqual(await post(body.replace('rt', 'RT'), { 'x-vinr-signature': header }), { status: 400, ok: false, code: 'signature_mismatch' });
    assert.deepEqual(await post(body, {}), { status: 400, ok: false, code: 'missing_header' });
  }

  test('Node http (raw Buffer body, req.headers record)', async () => {
    const server = createServer((req, res) => {
      const chunks = [];
      req.on('data', (c) => chunks.push(c));
      req.on('end', () => {
        let status = 200;
        let reply;
        try {
          const event = wh.verify(Buffer.concat(chunks), req.headers, { secret: SECRET });
          reply = { ok: true, id: event.id, type: event.type };
        } catch (e) {
          status = e instanceof wh.SignatureVerificationError ? 400 : 500;
          reply = { ok: false, code: e.code };
        }
        res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(reply));
      });
    });
    await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      await exchange(`http://127.0.0.1:${server.address().port}/`);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  test('workerd: a Cloudflare worker bundled as wrangler would, .wasm as a module', async () => {
    writeFileSync(join(dir, 'worker.mjs'), `import { handle } from './webhook-handler.mjs';\nexport default { fetch: (request) => handle(request) };\n`);
    const config = await prepareWorker(dir, 'worker.mjs', ['vinr_webhooks_bg.wasm']);
    const server = await startWorkerd(config, dir);
    try {
      await exchange(`http://127.0.0.1:${server.port}/`);
    } finally {
      await server.stop();
    }
  });

  test('Deno: Deno.serve with the deno condition (inline Wasm)', async () => {
    writeFileSync(
      join(dir, 'deno-server.mjs'),
      `import { handle } from './webhook-handler.mjs';
Deno.serve({ hostname: '127.0.0.1', port: 0, onListen: ({ port }) => console.log(JSON.stringify({ port })) }, (r) => handle(r));
`,
    );
    const server = await startPortServer(bin('deno'), ['run', '--quiet', '--no-prompt', '--node-modules-dir=manual', '--allow-net=127.0.0.1', 'deno-server.mjs'], {
      cwd: dir,
      env: { ...process.env, DENO_NO_UPDATE_CHECK: '1', DENO_DIR: join(dir, '.deno') },
    });
    try {
      await exchange(`http://127.0.0.1:${server.port}/`);
    } finally {
      await server.stop();
    }
  });

  test('Bun: Bun.serve with the bun condition, body read as bytes', async () => {
    writeFileSync(
      join(dir, 'bun-server.mjs'),
      `import { handle } from './webhook-handler.mjs';
const server = Bun.serve({ hostname: '127.0.0.1', port: 0, fetch: (r) => handle(r, 'bytes') });
console.log(JSON.stringify({ port: server.port }));
`,
    );
    const server = await startPortServer(bin('bun'), ['bun-server.mjs'], { cwd: dir });
    try {
      await exchange(`http://127.0.0.1:${server.port}/`);
    } finally {
      await server.stop();
    }
  });

  test('headless Chromium: verify() in a page, from an esbuild bundle with browser conditions', async () => {
    const page = join(dir, 'page');
    mkdirSync(page, { recursive: true });
    writeFileSync(
      join(dir, 'page.mjs'),
      `import { verify, generateTestHeader, SignatureVerificationError } from '@vinr/sdk/webhooks';
window.__probe = {};
try {
  const secret = ${JSON.stringify(SECRET)};
  const event = verify(${JSON.stringify(BODY)}, new Headers({ 'x-vinr-signature': ${JSON.stringify(HEADER)} }), { secret, now: ${T} });
  let bad;
  try { verify(${JSON.stringify(BODY)} + ' ', ${JSON.stringify(HEADER)}, { secret, now: ${T} }); } catch (e) { bad = e instanceof SignatureVerificationError && e.code; }
  const header = generateTestHeader({ payload: new TextEncoder().encode(${JSON.stringify(BODY)}).buffer, secret, timestamp: ${T} });
  window.__probe.result = { id: event.id, bad, header };
} catch (e) { window.__probe.error = String(e && e.stack || e); }
`,
    );
    const esbuild = await import('esbuild');
    await esbuild.build({
      entryPoints: [join(dir, 'page.mjs')],
      bundle: true,
      minify: true,
      format: 'esm',
      platform: 'browser',
      outfile: join(page, 'page.js'),
      logLevel: 'error',
    });
    writeFileSync(join(page, 'index.html'), `<!doctype html><meta charset="utf-8"><script type="module" src="./page.js"></script>`);
    const server = await serveDirectory(page);
    const browser = await launchChromium();
    try {
      assert.deepEqual(await pageResult(browser, server.url), { id: 'evt_1', bad: 'signature_mismatch', header: HEADER });
    } finally {
      await browser.close();
      await server.close();
    }
  });
});
