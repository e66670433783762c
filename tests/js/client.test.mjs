// `new Vinr(...)` option checking and the money/id helpers, through the packed package in Node.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { consumerProject } from './lib/project.mjs';

let sdk;
let packageVersion;
before(() => {
  const require = createRequire(join(consumerProject('client'), 'index.js'));
  sdk = require('@vinr/sdk');
  packageVersion = require('@vinr/sdk/package.json').version;
});

const KEY = 'sk_test_4eC39HqLyjWDarjtT1zdp7dc';

function assertConfigError(fn, code, param) {
  assert.throws(fn, (e) => {
    assert.ok(e instanceof sdk.VinrConfigurationError, `expected VinrConfigurationError, got ${e?.name}: ${e?.message}`);
    assert.ok(e instanceof sdk.VinrError);
    assert.equal(e.name, 'VinrConfigurationError');
    assert.equal(e.code, code);
    assert.equal(e.param, param);
    assert.doesNotMatch(e.message, /4eC39HqLyjWDarjtT1zdp7dc/, 'never echoes the key');
    return true;
  });
}

test('defaults follow the key: live keys talk to the live API, test keys to the sandbox', () => {
  const live = new sdk.Vinr({ secretKey: 'sk_live_4eC39HqLyjWDarjtT1zdp7dc' });
  assert.equal(live.mode, 'live');
  assert.equal(live.apiBase, sdk.LIVE_API_BASE);
  const test = new sdk.Vinr(KEY, { timeout: 5000 });
  assert.equal(test.mode, 'test');
  assert.equal(test.apiBase, sdk.SANDBOX_API_BASE);
  assert.equal(test.timeout, 5000);
  assert.equal(test.maxNetworkRetries, 2);
  assert.equal(new sdk.Vinr().mode, undefined, 'a client without a key is allowed (webhooks, helpers)');
  assert.equal(new sdk.Vinr({ secretKey: KEY, apiBase: 'http://127.0.0.1:4010/v1/' }).apiBase, 'http://127.0.0.1:4010/v1');
});

test('the key never shows in JSON or logs of the client', () => {
  const vinr = new sdk.Vinr({ secretKey: KEY });
  assert.doesNotMatch(JSON.stringify(vinr), /sk_test/);
});

test('malformed options are typed errors naming the option', () => {
  assertConfigError(() => new sdk.Vinr({ secretkey: KEY }), 'option_unknown', 'secretkey');
  assertConfigError(() => new sdk.Vinr({ secretKey: 42 }), 'option_invalid', 'secretKey');
  assertConfigError(() => new sdk.Vinr({ secretKey: 'sk_test_short' }), 'api_key_too_short', 'secretKey');
  assertConfigError(() => new sdk.Vinr({ secretKey: 'rk_test_4eC39HqLyjWDarjtT1zdp7dc' }), 'api_key_unknown_prefix', 'secretKey');
  assertConfigError(() => new sdk.Vinr({ secretKey: 'sk_test_4eC39HqLyjWDarjtT1zdp7d!' }), 'api_key_invalid_character', 'secretKey');
  assertConfigError(() => new sdk.Vinr({ secretKey: 'pk_test_4eC39HqLyjWDarjtT1zdp7dc' }), 'api_key_not_secret', 'secretKey');
  assertConfigError(() => new sdk.Vinr({ apiBase: 'ftp://example' }), 'option_invalid', 'apiBase');
  assertConfigError(() => new sdk.Vinr({ apiBase: 'not a url' }), 'option_invalid', 'apiBase');
  assertConfigError(() => new sdk.Vinr({ timeout: 0 }), 'option_invalid', 'timeout');
  assertConfigError(() => new sdk.Vinr({ timeout: 1.5 }), 'option_invalid', 'timeout');
  assertConfigError(() => new sdk.Vinr({ maxNetworkRetries: 11 }), 'option_invalid', 'maxNetworkRetries');
  assertConfigError(() => new sdk.Vinr({ random: 'yes' }), 'option_invalid', 'random');
  assertConfigError(() => new sdk.Vinr(KEY, { secretKey: KEY }), 'option_invalid', 'secretKey');
  assertConfigError(() => new sdk.Vinr([]), 'option_invalid', undefined);
});

test('a seeded random source makes ids reproducible; the default draws from crypto', () => {
  const seeded = () => new sdk.Vinr({ random: (bytes) => bytes.fill(7) });
  assert.equal(seeded().ids.generate('re'), seeded().ids.generate('re'));
  const vinr = new sdk.Vinr();
  assert.notEqual(vinr.ids.generate('pay'), vinr.ids.generate('pay'));
  assert.equal(vinr.ids.prefixOf('dp_' + 'a'.repeat(24)), 'dp');
});

test('money helpers refuse what is not exact', () => {
  const { money, VinrInvalidInputError } = sdk;
  const invalid = (fn, code, param) =>
    assert.throws(fn, (e) => e instanceof VinrInvalidInputError && e.code === code && e.param === param);
  invalid(() => money.format(10.5, 'EUR'), 'amount_invalid', 'amount');
  invalid(() => money.format(2 ** 53, 'EUR'), 'amount_invalid', 'amount');
  invalid(() => money.format(100, 'XYZ'), 'currency_unknown', 'currency');
  invalid(() => money.parse('1.001', 'EUR'), 'amount_too_precise', 'amount');
  invalid(() => money.parse('1,00', 'EUR'), 'amount_invalid', 'amount');
  invalid(() => money.format(100, undefined), 'parameter_invalid', 'currency');
  invalid(() => sdk.money.parse(10, 'EUR'), 'parameter_invalid', 'amount');
  assert.equal(money.parse('-0.5', 'EUR'), -50);
  assert.equal(money.format(-50, 'EUR'), '-0.50');
  const codes = money.currencies().map((c) => c.code);
  for (const c of ['EUR', 'USD', 'GBP', 'JPY', 'KWD', 'CHF', 'SEK', 'BRL', 'INR']) assert.ok(codes.includes(c), c);
});

test('the Wasm is the build of this package, and ships no test hooks', () => {
  assert.equal(sdk.coreVersion(), packageVersion);
  assert.equal(sdk.__debugPanic, undefined, 'the panic hook is tested on its own build: panic.test.mjs');
  assert.equal(sdk.settlement, undefined, 'settlement is @vinr/sdk/settlement');
  assert.equal(new sdk.Vinr().settlement, undefined);
});
