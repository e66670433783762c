// The built package, packed and installed into fresh projects, imported in every runtime it
// supports. Each test runs fixtures/probe.mjs there and asserts what it reports.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { assertProbe } from './expect-probe.mjs';
import { bin, consumerProject, lastJsonLine, removeProjects, run } from './lib/project.mjs';
import { serveDirectory } from './lib/static-server.mjs';
import { prepareWorker, startWorkerd } from './lib/servers.mjs';
import { launchChromium, pageResult } from './lib/browser.mjs';

const printProbe = `import { probe } from './probe.mjs';\nconsole.log(JSON.stringify(await probe()));\n`;

let esmProject;
before(() => {
  esmProject = consumerProject('esm', { fixtures: ['probe.mjs'], files: { 'main.mjs': printProbe } });
});
after(() => {
  if (!process.env.KEEP_TEST_PROJECTS) removeProjects();
});

describe('Node', () => {
  test('ESM import loads synchronously and runs the core', async () => {
    assertProbe(lastJsonLine(await run(process.execPath, ['main.mjs'], { cwd: esmProject })), 'node esm');
  });

  test('CommonJS require loads synchronously and runs the core', async () => {
    const dir = consumerProject('cjs', {
      type: 'commonjs',
      fixtures: ['probe.mjs'],
      files: {
        'main.cjs': [
          `const sdk = require('@vinr/sdk');`,
          `import('./probe.mjs').then((p) => p.probeWith(sdk)).then((out) => console.log(JSON.stringify(out)));`,
        ].join('\n'),
      },
    });
    assertProbe(lastJsonLine(await run(process.execPath, ['main.cjs'], { cwd: dir })), 'node cjs');
  });

  test('the node condition resolves to the file-reading entries', async () => {
    const required = await run(process.execPath, ['--input-type=commonjs', '-e', `console.log(require.resolve('@vinr/sdk'))`], {
      cwd: esmProject,
    });
    assert.match(required, /dist[\\/]node\.cjs$/m);
    const imported = await run(process.execPath, ['--input-type=module', '-e', `console.log(import.meta.resolve('@vinr/sdk'))`], {
      cwd: esmProject,
    });
    assert.match(imported, /dist\/node\.mjs$/m);
  });

  test('the public types compile under strict node16 resolution, as ESM and as CommonJS', async () => {
    const dir = consumerProject('types', {
      files: {
        'tsconfig.json': JSON.stringify({
          compilerOptions: { strict: true, module: 'node16', moduleResolution: 'node16', noEmit: true, types: [], lib: ['ES2022', 'DOM'] },
          include: ['*.mts', '*.cts'],
        }),
        'use.mts': [
          `import { Vinr, money, VinrConfigurationError, type VinrOptions, type CurrencyInfo } from '@vinr/sdk';`,
          `const options: VinrOptions = { secretKey: 'sk_test_x', maxNetworkRetries: 1 };`,
          `const vinr = new Vinr(options);`,
          `const text: string = vinr.money.format(1050, 'EUR');`,
          `const info: CurrencyInfo = money.currency('EUR');`,
          `const id: string = vinr.ids.generate('pay');`,
          `const err: VinrConfigurationError | undefined = undefined;`,
          `export { text, info, id, err };`,
        ].join('\n'),
        'use.cts': [
          `import sdk = require('@vinr/sdk');`,
          `const amount: number = sdk.money.parse('1.00', 'EUR');`,
          `// @ts-expect-error: the id prefix is checked by the types`,
          `new sdk.Vinr({}).ids.generate('nope');`,
          `export = amount;`,
        ].join('\n'),
      },
    });
    await run(bin('tsc'), ['-p', dir]);
  });
});

test('Deno (npm deno) imports the package through its deno condition', async () => {
  const out = await run(bin('deno'), ['run', '--quiet', '--no-prompt', '--node-modules-dir=manual', 'main.mjs'], {
    cwd: esmProject,
    env: { ...process.env, DENO_NO_UPDATE_CHECK: '1', DENO_DIR: join(esmProject, '.deno') },
  });
  assertProbe(lastJsonLine(out), 'deno');
});

test('Bun (npm bun) imports the package through its bun condition', async () => {
  const out = await run(bin('bun'), ['main.mjs'], { cwd: esmProject });
  assertProbe(lastJsonLine(out), 'bun');
});

test('workerd (npm workerd): a real worker answers a real request on 127.0.0.1', async () => {
  const dir = consumerProject('workerd', {
    fixtures: ['probe.mjs'],
    files: {
      'worker.mjs': [
        `import { probe } from './probe.mjs';`,
        `export default { async fetch() { return Response.json(await probe()); } };`,
      ].join('\n'),
    },
  });
  const config = await prepareWorker(dir, 'worker.mjs', ['vinr_bg.wasm']);
  const server = await startWorkerd(config, dir);
  try {
    const response = await fetch(`http://127.0.0.1:${server.port}/`);
    assert.equal(response.status, 200);
    assertProbe(await response.json(), 'workerd');
  } finally {
    await server.stop();
  }
});

describe('browsers (Debian Chromium, headless)', () => {
  let browser;
  before(async () => {
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
  });

  const pageScript = `
    window.__probe = {};
    import('./probe.mjs')
      .then((m) => m.probe())
      .then((result) => { window.__probe.result = result; })
      .catch((e) => { window.__probe.error = String(e && e.stack || e); });`;

  test('a plain page with an import map loads the browser entry', async () => {
    const dir = consumerProject('page', {
      fixtures: ['probe.mjs'],
      files: {
        'index.html': `<!doctype html><meta charset="utf-8">
<script type="importmap">{"imports":{"@vinr/sdk":"./node_modules/@vinr/sdk/dist/inline.mjs"}}</script>
<script type="module">${pageScript}</script>`,
      },
    });
    const server = await serveDirectory(dir);
    try {
      assertProbe(await pageResult(browser, server.url), 'chromium page');
    } finally {
      await server.close();
    }
  });

  test('a Vite build of a browser entry runs in the page', async () => {
    const dir = consumerProject('vite', {
      fixtures: ['probe.mjs'],
      files: {
        'index.html': `<!doctype html><meta charset="utf-8"><script type="module" src="./main.js"></script>`,
        'main.js': pageScript,
      },
    });
    await run(bin('vite'), ['build', '--logLevel', 'error', '--outDir', 'dist'], { cwd: dir });
    const server = await serveDirectory(join(dir, 'dist'));
    try {
      assertProbe(await pageResult(browser, server.url), 'vite bundle in chromium');
    } finally {
      await server.close();
    }
  });
});
