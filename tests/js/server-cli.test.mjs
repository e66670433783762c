// The `vinr` command's webhook tooling and its command line, as a developer uses them: the bin
// of the installed package, against a running `vinr sandbox`, with a receiver of our own that
// verifies every forwarded delivery with the printed secret.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { consumerProject, removeProjects, run } from './lib/project.mjs';
import { runVinr, startVinrSandbox, vinrBin } from './lib/vinr-cli.mjs';

let project;
let server;
let sdk;
before(async () => {
  project = consumerProject('server-cli', {
    files: { 'sdk.mjs': `export * from '@vinr/sdk';\nexport { verify } from '@vinr/sdk/webhooks';\n` },
  });
  sdk = await import(pathToFileURL(join(project, 'sdk.mjs')).href);
  server = await startVinrSandbox(project, ['--memory', '--quiet']);
});
after(async () => {
  await server?.stop();
  if (!process.env.KEEP_TEST_PROJECTS) removeProjects();
});

const vinr = (args, options = {}) => runVinr(project, args, { env: server.env, ...options });

describe('the command line', () => {
  test('--help for vinr and every command; --version', async () => {
    const top = await runVinr(project, ['--help']);
    assert.equal(top.code, 0);
    for (const name of ['sandbox', 'listen', 'trigger', 'advance']) {
      assert.match(top.stdout, new RegExp(`^  ${name} `, 'm'), `vinr --help lists ${name}`);
      const help = await runVinr(project, [name, '--help']);
      assert.equal(help.code, 0, `${name} --help`);
      assert.match(help.stdout, new RegExp(`^Usage: vinr ${name}`), `${name} --help has a usage line`);
      assert.match(help.stdout, /--help\s+show this help/);
    }
    // `npx @vinr/sdk sandbox` finds the package's one bin, as the README says.
    const viaNpx = await run('npx', ['--no-install', '@vinr/sdk', 'sandbox', '--help'], { cwd: project });
    assert.match(viaNpx, /^Usage: vinr sandbox/);
    const version = await runVinr(project, ['--version']);
    const manifest = JSON.parse(readFileSync(join(project, 'node_modules/@vinr/sdk/package.json'), 'utf8'));
    assert.equal(version.stdout.trim(), manifest.version);
  });

  test('bad input exits 2 with a message that names it, and no stack trace', async () => {
    const cases = [
      [['frobnicate'], /unknown command 'frobnicate'/],
      [['sandbox', '--port', 'eighty'], /--port must be a whole number from 0 to 65535, not 'eighty'/],
      [['sandbox', '--memory', '--data', 'x'], /--memory and --data exclude each other/],
      [['sandbox', '--bogus'], /unknown option '--bogus'/],
      [['trigger'], /'vinr trigger' takes <event>/],
      [['trigger', 'payment.exploded'], /'payment\.exploded' is not an event vinr can trigger; one of: payment\.completed/],
      [['advance', '5'], /'5' is not a duration/],
      [['advance', '2d', 'extra'], /unexpected 'extra'/],
      [['listen'], /--forward-to URL is required/],
      [['listen', '--forward-to', 'localhost:3000'], /--forward-to must be an http:\/\/ or https:\/\/ URL/],
    ];
    for (const [args, message] of cases) {
      const { code, stderr } = await vinr(args);
      assert.equal(code, 2, `vinr ${args.join(' ')} exits 2: ${stderr}`);
      assert.match(stderr, message, `vinr ${args.join(' ')}`);
      assert.doesNotMatch(stderr, /\n\s+at /, 'no stack trace');
    }
    const noKey = await runVinr(project, ['advance', '1d'], { env: { VINR_SECRET_KEY: '' } });
    assert.equal(noKey.code, 2);
    assert.match(noKey.stderr, /no API key: pass --api-key sk_test_… or set VINR_SECRET_KEY/);
    // Refused by the server: exit 1, with the API's code and request id.
    const live = await vinr(['advance', '1d', '--api-key', server.liveKey]);
    assert.equal(live.code, 1);
    assert.match(live.stderr, /code test_mode_only/);
  });
});

describe('vinr listen, trigger and advance', () => {
  test('listen forwards signed deliveries to the app, one line each; trigger makes the events', async (t) => {
    // The app: verifies each delivery with the secret `vinr listen` printed.
    const received = [];
    let secret;
    const app = createServer((req, res) => {
      let body = '';
      req.on('data', (d) => (body += d));
      req.on('end', () => {
        try {
          const event = sdk.verify(body, req.headers['x-vinr-signature'], { secret });
          received.push(event.type);
          res.writeHead(event.type === 'payment.failed' ? 500 : 200).end();
        } catch (e) {
          received.push(`refused: ${e.code}`);
          res.writeHead(400).end();
        }
      });
    });
    await new Promise((resolve) => app.listen(0, '127.0.0.1', resolve));
    t.after(() => app.close());
    const target = `http://127.0.0.1:${app.address().port}/webhooks`;

    const listen = spawn(vinrBin(project), ['listen', '--forward-to', target, '--events', 'payment.completed,payment.failed,dispute.created'], {
      cwd: project,
      env: { ...process.env, ...server.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    t.after(() => listen.exitCode === null && listen.kill('SIGKILL'));
    let out = '';
    const seen = (pattern) =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`vinr listen printed no ${pattern} within 20 s:\n${out}`)), 20_000);
        t.after(() => clearTimeout(timer));
        const check = () => pattern.test(out) && resolve();
        listen.stdout.on('data', (d) => {
          out += d;
          check();
        });
        listen.on('exit', (code) => reject(new Error(`vinr listen exited ${code}: ${out}`)));
        check();
      });
    await seen(/Webhook signing secret: (whsec_\S+)/);
    secret = /Webhook signing secret: (whsec_\S+)/.exec(out)[1];
    assert.match(out, /Ready: forwarding payment\.completed, payment\.failed, dispute\.created to http:\/\/127\.0\.0\.1/);

    for (const event of ['payment.completed', 'payment.failed', 'dispute.created']) {
      const triggered = await vinr(['trigger', event]);
      assert.equal(triggered.code, 0, triggered.stderr);
      assert.match(triggered.stdout, new RegExp(`triggered ${event.replace('.', '\\.')}: evt_\\w+`));
    }
    // One line per delivery: type, id, the app's status, the time it took.
    await seen(/dispute\.created\s+evt_\w+\s+→ 200\s+\d+ ms/);
    await seen(/payment\.failed\s+evt_\w+\s+→ 500\s+\d+ ms/);
    assert.match(out, /payment\.completed\s+evt_\w+\s+→ 200\s+\d+ ms/);
    assert.doesNotMatch(out, /payment\.created/, 'only the chosen events');
    // dispute.created comes with a completed payment of its own: two payment.completed in all.
    assert.deepEqual([...received].sort(), ['dispute.created', 'payment.completed', 'payment.completed', 'payment.failed']);

    // Ctrl-C: the endpoint is deleted, the process exits 0.
    const client = new sdk.Vinr({ secretKey: server.key, apiBase: server.apiBase });
    assert.equal((await client.webhooks.list()).data.length, 1);
    listen.removeAllListeners('exit');
    const exited = new Promise((resolve) => listen.on('exit', resolve));
    listen.kill('SIGINT');
    assert.equal(await exited, 0);
    assert.equal((await client.webhooks.list()).data.length, 0, 'the endpoint is deleted on exit');
  });

  test("trigger payment.refunded and payout.paid; advance moves the sandbox's clock", async () => {
    const client = new sdk.Vinr({ secretKey: server.key, apiBase: server.apiBase });
    const refunded = await vinr(['trigger', 'payment.refunded']);
    assert.equal(refunded.code, 0, refunded.stderr);
    const refundEvent = /triggered payment\.refunded: (evt_\w+)/.exec(refunded.stdout)[1];
    assert.equal((await client.events.retrieve(refundEvent)).type, 'payment.refunded');

    const paid = await vinr(['trigger', 'payout.paid']);
    assert.equal(paid.code, 0, paid.stderr);
    const payoutId = /payout\s+(po_\w+)/.exec(paid.stdout)[1];
    assert.equal((await client.payouts.retrieve(payoutId)).status, 'paid');

    const before = (await client.testHelpers.clock.retrieve()).offsetSeconds;
    const advanced = await vinr(['advance', '1d12h']);
    assert.equal(advanced.code, 0, advanced.stderr);
    assert.match(advanced.stdout, /test clock advanced by 1d12h: it is now \d{4}-\d\d-\d\dT/);
    assert.equal((await client.testHelpers.clock.retrieve()).offsetSeconds, before + 36 * 3600);
  });
});
