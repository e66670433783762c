// How a Rust panic surfaces, end to end: the panic hook (src/wasm/panic.rs) throws a JS error
// named VinrPanic, and the TS layer (js/src/wasm-instance.ts) turns it into a VinrInternalError
// and replaces the instance. A panic needs an export that makes one, which no shipped Wasm has
// (the `test-hooks` feature: src/wasm/test_hooks.rs), so this runs the client core's TS layer,
// bundled from js/src as the package bundles it, over the test-hooks Wasm that scripts/build.sh
// leaves in target/bindgen/test-hooks/. The same hook is in every build that has one (the client
// core and the engine); the webhook build's RuntimeError path is checked with a stand-in.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as esbuild from 'esbuild';
import { repoRoot } from './lib/project.mjs';

const hooks = join(repoRoot, 'target/bindgen/test-hooks');
let sdk;
before(async () => {
  assert.ok(existsSync(join(hooks, 'core.js')), 'no test-hooks build in target/bindgen/test-hooks: run scripts/build.sh');
  mkdirSync(join(repoRoot, 'tests/js/.tmp'), { recursive: true });
  const outfile = join(mkdtempSync(join(repoRoot, 'tests/js/.tmp/panic-')), 'bundle.mjs');
  await esbuild.build({
    entryPoints: [join(repoRoot, 'tests/js/fixtures/panic-entry.mjs')],
    outfile,
    bundle: true,
    format: 'esm',
    platform: 'node',
    alias: { '#core': join(hooks, 'core.js') },
    logLevel: 'warning',
  });
  sdk = await import(pathToFileURL(outfile).href);
  sdk.provideModule(new WebAssembly.Module(readFileSync(join(hooks, 'vinr_bg.wasm'))));
});

test('a panic is a VinrInternalError with its message, and the next call gets a fresh instance', () => {
  const before = sdk.core();
  const panic = (message) =>
    assert.throws(
      () => sdk.callCore((c) => c.debugPanic(message)),
      (e) => {
        assert.ok(e instanceof sdk.VinrInternalError, `${e?.name}: ${e?.message}`);
        assert.equal(e.code, 'wasm_panic');
        assert.match(e.message, new RegExp(message), 'the panic message survives');
        assert.doesNotMatch(e.message, /unreachable/, 'not a bare unreachable');
        assert.equal(e.cause?.name, 'VinrPanic');
        return true;
      },
    );
  panic('first panic');
  assert.notEqual(sdk.core(), before, 'the panicked instance was dropped');
  assert.equal(sdk.money.format(12345, 'KWD'), '12.345', 'the fresh instance works');
  panic('second panic');
  assert.equal(sdk.money.parse('1.05', 'EUR'), 105, 'and so does the next one: each installs the hook');
});

test('core errors become the typed error the caller chooses; other errors pass through', () => {
  assert.throws(() => sdk.money.format(1.5, 'EUR'), (e) => e instanceof sdk.VinrInvalidInputError && e.code === 'amount_invalid');
  const live = sdk.core();
  assert.throws(() => sdk.callCore(() => { throw new TypeError('host bug'); }), TypeError);
  assert.equal(sdk.core(), live, 'a host error does not drop the instance');
});

test('a build without the panic hook: a RuntimeError drops the instance too (the webhook build)', () => {
  let made = 0;
  const instances = sdk.wasmInstances({
    instantiate: () => ({ id: ++made, trap: () => { throw new WebAssembly.RuntimeError('unreachable'); } }),
    label: 'the stand-in Wasm',
    notLoaded: 'not loaded',
  });
  assert.throws(() => instances.run((w) => w.id), (e) => e.code === 'not_initialized');
  instances.provide({});
  const first = instances.run((w) => w);
  assert.ok(instances.isLive(first));
  assert.throws(
    () => instances.run((w) => w.trap()),
    (e) => e instanceof sdk.VinrInternalError && e.message === 'internal error in the stand-in Wasm: unreachable',
  );
  assert.ok(!instances.isLive(first));
  assert.equal(instances.run((w) => w.id), 2, 'a fresh instance');
  const coreError = Object.assign(new Error('bad'), { name: 'VinrCoreError', code: 'x_invalid', param: 'x' });
  assert.throws(() => instances.run(() => { throw coreError; }), (e) => e === coreError, 'no core-error mapping without coreInstances');
  const mapped = sdk.coreInstances({ instantiate: () => ({}), label: 'l', notLoaded: 'n' });
  mapped.provide({});
  assert.throws(() => mapped.call(() => { throw coreError; }), (e) => e instanceof sdk.VinrInvalidInputError && e.param === 'x');
});
