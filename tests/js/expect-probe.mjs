// What every runtime's probe (fixtures/probe.*) must report.
import assert from 'node:assert/strict';

export function assertProbe(out, runtime) {
  const where = `[${runtime}] `;
  assert.equal(out.mode, 'test', where + 'mode from the sk_test_ key');
  assert.equal(out.apiBase, 'https://sandbox.api.vinr.com/v1', where + 'sandbox base URL for a test key');
  assert.equal(out.formatted, '10.50', where + '1050 minor units of EUR');
  assert.equal(out.parsedKwd, 12345, where + 'KWD has three decimals');
  assert.deepEqual(out.jpy, { code: 'JPY', exponent: 0 }, where + 'JPY has no decimals');
  assert.match(out.id, /^pay_[0-9A-Za-z]{24}$/, where + 'generated id');
  assert.deepEqual(
    out.configError,
    { name: 'VinrConfigurationError', code: 'api_key_not_secret', param: 'secretKey', typed: true },
    where + 'a publishable key as secretKey is a typed configuration error',
  );
}
