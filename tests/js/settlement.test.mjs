// Settlement netting through the BUILT package (`@vinr/sdk/settlement`): `npm pack` of pkg/,
// installed into a fresh project, imported as a user would. A finance team's fortnight
// (fixtures/settlement-scenario.mjs) is checked against the engine's invariants on the JS side,
// with payout dates taken from the published TARGET and Federal Reserve calendars; then
// reconciliation, typed errors, determinism, the statement PDF rendered by poppler's pdftoppm,
// and the same scenario in Deno, Bun and workerd.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { bin, consumerProject, lastJsonLine, removeProjects, run } from './lib/project.mjs';
import { prepareWorker, startWorkerd } from './lib/servers.mjs';

let dir;
let sdk;
let scenario;
before(async () => {
  dir = consumerProject('settlement', {
    fixtures: ['settlement-scenario.mjs'],
    files: {
      'sdk.mjs': `export * from '@vinr/sdk/settlement';\n`,
      'main.mjs': [
        `import * as sdk from '@vinr/sdk/settlement';`,
        `import { digest } from './settlement-scenario.mjs';`,
        `console.log(JSON.stringify(digest(sdk)));`,
      ].join('\n'),
      'worker.mjs': [
        `import * as sdk from '@vinr/sdk/settlement';`,
        `import { digest } from './settlement-scenario.mjs';`,
        `export default { fetch: () => Response.json(digest(sdk)) };`,
      ].join('\n'),
    },
  });
  sdk = await import(pathToFileURL(join(dir, 'sdk.mjs')).href);
  scenario = await import(pathToFileURL(join(dir, 'settlement-scenario.mjs')).href);
});
after(() => {
  if (!process.env.KEEP_TEST_PROJECTS) removeProjects();
});

// Closing days, as published: ECB TARGET2 (1 Jan, Good Friday, Easter Monday, 1 May, 25 and
// 26 Dec) and the Federal Reserve's 2026 holiday schedule.
const TARGET_2026 = ['2026-01-01', '2026-04-03', '2026-04-06', '2026-05-01', '2026-12-25', '2026-12-26'];
const FED_2026 = ['2026-01-01', '2026-01-19', '2026-02-16', '2026-05-25', '2026-06-19', '2026-09-07', '2026-10-12', '2026-11-11', '2026-11-26', '2026-12-25'];

function isBusinessDay(date, holidays) {
  const day = new Date(`${date}T00:00:00Z`).getUTCDay();
  return day !== 0 && day !== 6 && !holidays.includes(date);
}

/** T+n business days: counting starts the day after `date`. */
function addBusinessDays(date, n, holidays) {
  const d = new Date(`${date}T00:00:00Z`);
  let left = n;
  do {
    d.setUTCDate(d.getUTCDate() + 1);
    const text = d.toISOString().slice(0, 10);
    if (isBusinessDay(text, holidays)) left -= 1;
  } while (left > 0);
  return d.toISOString().slice(0, 10);
}

const sum = (xs) => xs.reduce((a, b) => a + b, 0);
const ACTIVITY = new Set(['payment', 'fee', 'refund', 'dispute', 'dispute_fee', 'dispute_reversal', 'conversion', 'payout_failure']);

describe('a finance team fortnight (EUR account, EUR and USD payments)', () => {
  let run1;
  before(() => {
    run1 = scenario.runScenario(sdk);
  });

  test('each settlement: entries sum to net, summary lines sum to net, seed 004 summary shape', () => {
    const settlements = run1.engine.settlements();
    assert.ok(settlements.length >= 8, `expected a settlement per active day, got ${settlements.length}`);
    for (const s of settlements) {
      assert.equal(sum(s.entries.map((e) => e.amount)), s.summary.net, s.id);
      const { currency, net, ...lines } = s.summary;
      assert.equal(currency, 'EUR');
      assert.equal(sum(Object.values(lines)), net, `${s.id} summary lines`);
      for (const key of ['grossPayments', 'refunds', 'disputes', 'fees']) assert.equal(typeof s.summary[key], 'number');
      assert.deepEqual(run1.engine.entries(s.id), s.entries);
      assert.ok(s.entries.every((e) => e.currency === 'EUR' && Number.isInteger(e.amount)));
      // A net below the minimum never pays out: it rolls forward.
      if (s.payout === null) assert.ok(s.summary.net === 0, `${s.id} pays nothing, so its net is carried out`);
      else assert.ok(s.summary.net >= 1000);
    }
  });

  test('every entry traces to one source and no source settles twice', () => {
    const prefixes = {
      payment: 'pay_', fee: 'pay_', refund: 're_', dispute: 'dp_', dispute_fee: 'dp_', dispute_reversal: 'dp_',
      reserve_hold: 'setl_', reserve_release: 'setl_', conversion: 'setl_', carry_forward: 'setl_', payout_failure: 'po_',
    };
    const entryIds = new Set();
    const seen = new Map();
    for (const s of run1.engine.settlements()) {
      for (const e of s.entries) {
        assert.ok(e.source.startsWith(prefixes[e.type]), `${e.type} traces to ${e.source}`);
        assert.ok(!entryIds.has(e.id), `entry ${e.id} appears twice`);
        entryIds.add(e.id);
        if (e.source.startsWith('setl_')) continue;
        const key = `${e.type}:${e.source}`;
        assert.ok(!seen.has(key), `${key} settled in ${seen.get(key)} and ${s.id}`);
        seen.set(key, s.id);
      }
    }
    // Every payment the team holds settled exactly once (as a payment entry).
    for (const p of run1.records.payments) assert.ok(seen.has(`payment:${p.id}`), p.id);
  });

  test('money is conserved across roll-forwards, reserves and payouts', () => {
    const { engine } = run1;
    const settlements = engine.settlements();
    const payouts = engine.payouts();
    const activity = sum(settlements.flatMap((s) => s.entries.filter((e) => ACTIVITY.has(e.type)).map((e) => e.amount)));
    const nets = sum(settlements.map((s) => s.summary.net));
    const reserve = engine.reserve('EUR');
    assert.equal(reserve.type, 'rolling');
    assert.equal(reserve.percent, '5');
    assert.ok(reserve.currentlyHeld >= 0);
    // activity in = paid out (the nets) + still rolling forward + still in the reserve
    assert.equal(activity, nets + engine.carriedForward('EUR') + reserve.currentlyHeld);
    // and every net is in exactly one payout
    assert.equal(sum(payouts.map((p) => p.amount)), nets);
    for (const p of payouts) {
      const paid = settlements.filter((s) => p.settlements.includes(s.id));
      assert.equal(sum(paid.map((s) => s.summary.net)), p.amount, p.id);
      for (const s of paid) assert.equal(s.payoutDate, p.arrivalDate);
    }
    // The reserve never goes negative: releases never exceed what was held before them.
    let held = 0;
    for (const s of settlements) {
      held -= s.summary.reserveHeld ?? 0;
      held -= s.summary.reserveReleased ?? 0;
      assert.ok(held >= 0, `reserve after ${s.id}`);
    }
    assert.equal(held, reserve.currentlyHeld);
  });

  test('refunds and disputes of a payment never exceed it', () => {
    const claimed = new Map();
    for (const item of [...run1.records.refunds, ...run1.records.disputes]) {
      const source = run1.engine.ledger().find((e) => e.source === item.id);
      assert.ok(source, item.id);
    }
    const payments = new Map(run1.records.payments.map((p) => [p.id, p.amount]));
    const byPayment = { [run1.ids.eurPayment]: [20_000, 5_000], [run1.ids.disputedWon]: [10_000] };
    for (const [payment, amounts] of Object.entries(byPayment)) {
      claimed.set(payment, sum(amounts));
      assert.ok(claimed.get(payment) <= payments.get(payment));
    }
    assert.throws(
      () => run1.engine.recordRefund({ paymentId: run1.ids.eurPayment, amount: 95_001, currency: 'EUR', createdAt: '2026-04-30T10:00:00Z' }),
      (e) => e instanceof sdk.VinrSettlementError && e.param === 'amount' && e.code === 'amount_exceeds_payment',
    );
  });

  test('payout dates are TARGET business days; Good Friday T+2 lands on the Wednesday after Easter Monday', () => {
    const { engine, ids } = run1;
    for (const s of engine.settlements()) {
      assert.ok(isBusinessDay(s.payoutDate, TARGET_2026), `${s.id} pays on ${s.payoutDate}`);
      const lastDay = new Date(Date.parse(s.periodEnd) - 86_400_000).toISOString().slice(0, 10);
      assert.equal(s.payoutDate, addBusinessDays(lastDay, 2, TARGET_2026), s.id);
    }
    const goodFriday = engine.track(ids.goodFriday);
    assert.equal(goodFriday.expectedArrival, '2026-04-08');
    assert.equal(goodFriday.expectedArrival, addBusinessDays('2026-04-03', 2, TARGET_2026));
    assert.equal(goodFriday.status, 'paid');
    assert.equal(goodFriday.payoutStatus, 'paid');
    assert.equal(goodFriday.currency, 'EUR');
    // 50 000 less 1.4% + 25 of fees: what this payment adds to the payout.
    assert.equal(goodFriday.amount, 50_000 - 725);
    const byDay = Object.fromEntries(engine.settlements().map((s) => [s.periodStart.slice(0, 10), s.payoutDate]));
    assert.equal(byDay['2026-03-30'], '2026-04-01');
    assert.equal(byDay['2026-04-01'], '2026-04-07');
  });

  test('a USD account pays the same Friday on the Federal Reserve calendar (Easter Monday is open)', () => {
    const engine = new sdk.SettlementEngine({ payoutCurrency: 'USD', maturity: { status: 'established' }, start: '2026-04-01T00:00:00Z' });
    const id = engine.recordPayment({ amount: 10_000, currency: 'USD', capturedAt: new Date('2026-04-03T14:00:00Z') });
    const t = engine.track(id);
    assert.equal(t.status, 'unsettled');
    assert.equal(t.expectedArrival, addBusinessDays('2026-04-03', 2, FED_2026));
    assert.equal(t.expectedArrival, '2026-04-07');
    engine.free();
  });

  test('below the minimum, the balance rolls forward and is tracked to the payout that pays it', () => {
    const { engine, ids } = run1;
    const small = engine.track(ids.smallPayment);
    assert.equal(small.settlements.length, 2, JSON.stringify(small));
    const [rolled, paying] = small.settlements.map((id) => engine.settlement(id));
    assert.equal(rolled.payout, null);
    assert.equal(rolled.summary.net, 0);
    // The week started with a negative balance (a refund and a dispute hold on Tuesday), so
    // what rolls out of Thursday is whatever nets there; Good Friday brings exactly it back.
    assert.equal(typeof rolled.summary.carriedOut, 'number');
    assert.equal(paying.summary.carriedIn, -rolled.summary.carriedOut);
    assert.equal(small.amount, 800 - 36, 'the payment less 1.4% + 25 of fees');
    assert.equal(small.settlementId, paying.id);
    assert.equal(small.expectedArrival, '2026-04-08');
    assert.equal(small.status, 'paid');
  });

  test('a failed payout returns the money, which is paid again later', () => {
    const { engine, ids } = run1;
    const failed = engine.payouts().find((p) => p.id === ids.failedPayout);
    assert.equal(failed.status, 'failed');
    assert.equal(failed.failureReason, 'stale_bank_details');
    const back = engine.settlements().find((s) => s.entries.some((e) => e.type === 'payout_failure' && e.source === failed.id));
    assert.ok(back, 'the failure is settled');
    assert.equal(back.summary.failedPayouts, failed.amount);
    const t = engine.track(ids.eurPayment);
    assert.equal(t.settlementId, back.id);
    assert.equal(t.status, 'paid');
    assert.equal(t.expectedArrival, addBusinessDays('2026-04-07', 2, TARGET_2026));
  });

  test('FX: USD converts at the rate with the spread as its own line; disputes held, won back, lost kept', () => {
    const { engine, ids } = run1;
    const monday = engine.settlements().find((s) => s.periodStart.startsWith('2026-03-30'));
    const [conversion] = monday.conversions;
    assert.equal(conversion.fromCurrency, 'USD');
    assert.equal(conversion.rate, '0.92');
    assert.equal(conversion.spread, '0.01');
    const usd = monday.entries.find((e) => e.source === ids.usdPayment && e.type === 'payment');
    assert.deepEqual(usd.conversion, { originalAmount: 50_000, originalCurrency: 'USD', rate: '0.92' });
    assert.equal(usd.amount, 46_000);
    const line = monday.entries.find((e) => e.type === 'conversion');
    assert.equal(line.amount, conversion.fee);
    assert.equal(monday.summary.conversion, conversion.fee);
    const reversal = engine.settlements().flatMap((s) => s.entries).filter((e) => e.type === 'dispute_reversal');
    assert.deepEqual(reversal.map((e) => [e.source, e.amount]), [[ids.disputeWon, 10_000 + 1500]]);
    const events = engine.events();
    assert.ok(events.some((e) => e.type === 'payout.failed' && e.data.id === ids.failedPayout));
    assert.ok(events.filter((e) => e.type === 'settlement.created').length === engine.settlements().length);
    assert.deepEqual(engine.events(), [], 'events are handed out once');
  });
});

describe('reconciliation', () => {
  test('clean against the records the team holds', () => {
    const { engine, records } = scenario.runScenario(sdk);
    const report = engine.reconcile(records);
    assert.deepEqual(report.differences, []);
    assert.equal(report.matched, records.payments.length + records.refunds.length + records.disputes.length);
  });

  test('reports a missing entry, an amount mismatch and an entry in two settlements', () => {
    const { engine, ids, records } = scenario.runScenario(sdk);
    const missing = 'pay_' + 'M1ss1ng'.repeat(4).slice(0, 24);
    const payments = records.payments.map((p) => (p.id === ids.disputedWon ? { ...p, amount: 31_000 } : p));
    payments.push({ id: missing, amount: 4_200, currency: 'EUR' });
    const settlements = engine.settlements();
    const [first, second] = settlements;
    const doubled = [first, { ...second, entries: [...second.entries, first.entries[0]] }, ...settlements.slice(2)];
    const report = sdk.reconcile({ settlement: doubled, payments, refunds: records.refunds, disputes: records.disputes });
    const kinds = report.differences.map((d) => d.kind);
    assert.deepEqual(report.differences.find((d) => d.kind === 'missing_entry'), {
      kind: 'missing_entry', source: missing, type: 'payment', expectedAmount: 4_200, currency: 'EUR',
    });
    const mismatch = report.differences.find((d) => d.kind === 'amount_mismatch');
    assert.equal(mismatch.source, ids.disputedWon);
    assert.equal(mismatch.expectedAmount, 31_000);
    assert.equal(mismatch.actualAmount, 30_000);
    assert.deepEqual(report.differences.find((d) => d.kind === 'entry_in_two_settlements'), {
      kind: 'entry_in_two_settlements', entryId: first.entries[0].id, settlements: [first.id, second.id],
    });
    assert.ok(kinds.includes('total_mismatch'), 'the tampered settlement no longer adds up');
  });

  test('from a statement CSV: clean, then a tampered amount is a mismatch', () => {
    const { engine, ids, records } = scenario.runScenario(sdk);
    const monday = engine.settlements().find((s) => s.periodStart.startsWith('2026-03-30'));
    const csv = engine.statement(monday.id, { format: 'csv' });
    assert.ok(csv.startsWith('settlementId,entryId,type,source,createdAt,currency,amount,originalCurrency,originalAmount,exchangeRate\r\n'));
    const rows = csv.trim().split('\r\n').slice(1).map((r) => r.split(','));
    assert.equal(sum(rows.map((r) => Number(r[6]))), monday.summary.net);
    const mine = { payments: records.payments.filter((p) => p.id === ids.eurPayment || p.id === ids.usdPayment) };
    assert.deepEqual(sdk.reconcile({ statementCsv: csv, ...mine }), { matched: 2, differences: [] });
    const tampered = csv.replace(`,payment,${ids.eurPayment},`, `,payment,${ids.eurPayment},`).replace(/,120000,/, ',120001,');
    const report = sdk.reconcile({ statementCsv: tampered, ...mine });
    assert.deepEqual(report.differences.map((d) => [d.kind, d.source, d.actualAmount]), [['amount_mismatch', ids.eurPayment, 120_001]]);
  });
});

describe('bad input: typed errors naming the field, never a panic', () => {
  const engine = () => new sdk.SettlementEngine({ payoutCurrency: 'EUR', start: '2026-04-01T00:00:00Z' });
  const fails = (fn, param, code) =>
    assert.throws(fn, (e) => {
      assert.ok(e instanceof sdk.VinrSettlementError, `${e?.name}: ${e?.message}`);
      assert.ok(e instanceof sdk.VinrInvalidInputError);
      assert.equal(e.param, param, e.message);
      if (code) assert.equal(e.code, code, e.message);
      return true;
    });

  test('unknown currency', () => {
    fails(() => engine().recordPayment({ amount: 100, currency: 'EURO', capturedAt: '2026-04-01T10:00:00Z' }), 'currency', 'currency_unknown');
    fails(() => new sdk.SettlementEngine({ payoutCurrency: 'ZZZ', start: '2026-04-01T00:00:00Z' }), 'payoutCurrency', 'currency_unknown');
    fails(() => engine().setFxRate({ from: 'USD', to: 'EUX', asOf: '2026-04-01', rate: '0.9' }), 'to', 'currency_unknown');
  });

  test('negative or fractional amount', () => {
    fails(() => engine().recordPayment({ amount: -5, currency: 'EUR', capturedAt: '2026-04-01T10:00:00Z' }), 'amount', 'amount_negative');
    fails(() => engine().recordPayment({ amount: 10.5, currency: 'EUR', capturedAt: '2026-04-01T10:00:00Z' }), 'amount', 'amount_invalid');
    fails(() => engine().recordPayment({ amount: '100', currency: 'EUR', capturedAt: '2026-04-01T10:00:00Z' }), 'amount', 'amount_invalid');
  });

  test('a refund above its payment', () => {
    const e = engine();
    const paymentId = e.recordPayment({ amount: 1_000, currency: 'EUR', capturedAt: '2026-04-01T10:00:00Z' });
    e.recordRefund({ paymentId, amount: 600, currency: 'EUR', createdAt: '2026-04-01T11:00:00Z' });
    fails(() => e.recordRefund({ paymentId, amount: 401, currency: 'EUR', createdAt: '2026-04-01T12:00:00Z' }), 'amount', 'amount_exceeds_payment');
    fails(() => e.openDispute({ paymentId, amount: 401, currency: 'EUR', createdAt: '2026-04-01T12:00:00Z' }), 'amount', 'amount_exceeds_payment');
    fails(() => e.recordRefund({ paymentId: 'pay_nonexistent1', amount: 1, currency: 'EUR', createdAt: '2026-04-01T12:00:00Z' }), 'paymentId');
  });

  test('malformed CSV names statementCsv with the line and column', () => {
    const header = 'settlementId,entryId,type,source,createdAt,currency,amount,originalCurrency,originalAmount,exchangeRate\r\n';
    const row = 'setl_abcdefgh,be_abcdefgh,payment,pay_abcdefgh,2026-04-01T00:00:00Z,EUR,100,,,\r\n';
    assert.throws(
      () => sdk.reconcile({ statementCsv: header + row + 'setl_abcdefgh,be_"x",payment\r\n', payments: [] }),
      (e) => e instanceof sdk.VinrSettlementError && e.param === 'statementCsv' && e.code === 'csv_malformed' && /line 3, column 2/.test(e.message),
    );
    assert.throws(
      () => sdk.reconcile({ statementCsv: header + row.replace(',100,', ',1x0,'), payments: [] }),
      (e) => e.param === 'statementCsv' && /line 2, column 7/.test(e.message),
    );
  });

  test('configuration, times, ids and held items', () => {
    fails(() => new sdk.SettlementEngine({ payoutCurrency: 'EUR', schedule: { interval: 'monthly', monthlyAnchor: 29 }, start: '2026-04-01T00:00:00Z' }), 'schedule.monthlyAnchor');
    fails(() => new sdk.SettlementEngine({ payoutCurrency: 'EUR', reserve: { percent: 5, holdDays: 0 }, start: '2026-04-01T00:00:00Z' }), 'reserve.holdDays');
    fails(() => new sdk.SettlementEngine({ payoutCurrency: 'EUR', minimumPayut: 5, start: '2026-04-01T00:00:00Z' }), 'minimumPayut');
    fails(() => new sdk.SettlementEngine({ payoutCurrency: 'EUR', start: 'yesterday' }), 'start', 'time_invalid');
    fails(() => engine().advanceTo('2026-03-01T00:00:00Z'), 'to', 'activity_before_clock');
    fails(() => engine().recordPayment({ id: 're_abcdefgh', amount: 1, currency: 'EUR', capturedAt: '2026-04-01T10:00:00Z' }), 'id', 'id_invalid');
    fails(() => engine().statement('setl_unknown123', { format: 'pdf' }), 'settlementId', 'resource_missing');
    fails(() => sdk.reconcile({ settlement: [], payments: [{ id: 'pay_abcdefgh', amount: -1, currency: 'EUR' }] }), 'payments[0].amount', 'amount_negative');
    fails(() => sdk.reconcile({ settlement: [], payments: [{ id: 'pay_abcdefgh', amount: 1, currency: 'EURO' }] }), 'payments[0]');
  });

  test('a missing FX rate fails the window close and leaves the engine usable', () => {
    const e = new sdk.SettlementEngine({ payoutCurrency: 'EUR', maturity: { status: 'established' }, start: '2026-04-01T00:00:00Z' });
    e.recordPayment({ amount: 5_000, currency: 'GBP', capturedAt: '2026-04-01T10:00:00Z' });
    fails(() => e.advanceTo('2026-04-03T00:00:00Z'), 'fxRates', 'fx_rate_missing');
    e.setFxRate({ from: 'GBP', to: 'EUR', asOf: new Date('2026-03-01T00:00:00Z'), rate: 1.17 });
    e.advanceTo('2026-04-03T00:00:00Z');
    assert.equal(e.settlements().length, 1);
  });
});

test('determinism: the same inputs and random source give identical JSON, CSV and PDF', () => {
  const a = scenario.runScenario(sdk, 42);
  const b = scenario.runScenario(sdk, 42);
  assert.equal(JSON.stringify(a.engine.settlements()), JSON.stringify(b.engine.settlements()));
  assert.equal(JSON.stringify(a.engine.payouts()), JSON.stringify(b.engine.payouts()));
  const id = a.engine.settlements().at(-1).id;
  assert.equal(a.engine.statement(id), b.engine.statement(id));
  assert.deepEqual(a.engine.statement(id, { format: 'pdf' }), b.engine.statement(id, { format: 'pdf' }));
  const c = scenario.runScenario(sdk, 43);
  assert.notEqual(JSON.stringify(c.engine.settlements()), JSON.stringify(a.engine.settlements()), 'ids come from the random source');
});

test('settlement draws ids from crypto; createSettlement({ random }) from the source given', () => {
  const start = '2026-04-01T00:00:00Z';
  const first = (api) => api.engine({ payoutCurrency: 'EUR', start }).recordPayment({ amount: 100, currency: 'EUR', capturedAt: start });
  const seeded = () => sdk.createSettlement({ random: scenario.seededRandom(5) });
  assert.equal(first(seeded()), first(seeded()));
  assert.notEqual(first(sdk.settlement), first(sdk.settlement));
  assert.match(first(sdk.settlement), /^pay_[0-9A-Za-z]{24}$/);
  assert.equal(sdk.settlement.reconcile, sdk.reconcile);
  assert.throws(() => sdk.createSettlement({ random: 'seeded' }), (e) => e instanceof sdk.VinrSettlementError && e.param === 'random');
});

test('the statement PDF renders with pdftoppm, one PNG per page', () => {
  const { engine } = scenario.runScenario(sdk);
  const busy = engine.settlements().find((s) => s.periodStart.startsWith('2026-04-14'));
  const pdf = engine.statement(busy.id, { format: 'pdf' });
  assert.ok(pdf instanceof Uint8Array);
  assert.equal(Buffer.from(pdf.subarray(0, 5)).toString('latin1'), '%PDF-');
  const out = mkdtempSync(join(dir, 'pdf-'));
  const file = join(out, 'statement.pdf');
  writeFileSync(file, pdf);
  const info = execFileSync('pdfinfo', [file], { encoding: 'utf8' });
  const pages = Number(/^Pages:\s+(\d+)/m.exec(info)?.[1]);
  assert.ok(pages >= 2, `${busy.entries.length} entries should need several pages, got ${pages}`);
  execFileSync('pdftoppm', ['-png', '-r', '50', file, join(out, 'page')]);
  const pngs = readdirSync(out).filter((f) => f.endsWith('.png')).sort();
  assert.equal(pngs.length, pages);
  for (const png of pngs) assert.ok(statSync(join(out, png)).size > 2_000, `${png} has content`);
});

test('the public settlement types compile under strict TypeScript', async () => {
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({
    compilerOptions: { strict: true, module: 'node16', moduleResolution: 'node16', noEmit: true, types: [], lib: ['ES2022', 'DOM'] },
    include: ['use.mts', 'use.cts'],
  }));
  writeFileSync(join(dir, 'use.cts'), [
    `import sdk = require('@vinr/sdk/settlement');`,
    `const engine: sdk.SettlementEngine = sdk.createSettlement({ random: (b: Uint8Array) => b.fill(1) }).engine({ payoutCurrency: 'EUR', start: new Date() });`,
    `const report: sdk.ReconciliationReport = sdk.reconcile({ settlement: engine.settlements() });`,
    `export = report;`,
  ].join('\n'));
  writeFileSync(join(dir, 'use.mts'), [
    `import { settlement, createSettlement, SettlementEngine, VinrSettlementError, type Settlement, type Tracking, type ReconciliationReport } from '@vinr/sdk/settlement';`,
    `const engine: SettlementEngine = settlement.engine({ payoutCurrency: 'EUR', schedule: { interval: 'weekly', anchor: 'monday' }, start: new Date() });`,
    `const id: string = engine.recordPayment({ amount: 1000, currency: 'EUR', capturedAt: new Date() });`,
    `const t: Tracking = engine.track(id);`,
    `const when: string | null = t.expectedArrival;`,
    `const s: Settlement[] = engine.settlements();`,
    `const pdf: Uint8Array = engine.statement('setl_x', { format: 'pdf' });`,
    `const csv: string = engine.statement('setl_x');`,
    `const r: ReconciliationReport = engine.reconcile({ payments: [{ id, amount: 1000, currency: 'EUR' }] });`,
    `for (const d of r.differences) if (d.kind === 'amount_mismatch') { const n: number = d.actualAmount; void n; }`,
    `// @ts-expect-error: a daily schedule takes no weekday anchor`,
    `engine.advanceTo(createSettlement({ random: (b) => b.fill(1) }).engine({ payoutCurrency: 'EUR', schedule: { interval: 'daily', anchor: 'monday' }, start: '' }).clock());`,
    `const e: VinrSettlementError | undefined = undefined;`,
    `export { when, s, pdf, csv, e };`,
  ].join('\n'));
  await run(bin('tsc'), ['-p', dir]);
});

describe('other runtimes run the same scenario offline, with identical results', () => {
  let expected;
  before(() => {
    expected = scenario.digest(sdk);
  });

  test('Deno', async () => {
    const out = await run(bin('deno'), ['run', '--quiet', '--no-prompt', '--node-modules-dir=manual', 'main.mjs'], {
      cwd: dir,
      env: { ...process.env, DENO_NO_UPDATE_CHECK: '1', DENO_DIR: join(dir, '.deno') },
    });
    assert.deepEqual(lastJsonLine(out), expected);
  });

  test('Bun', async () => {
    assert.deepEqual(lastJsonLine(await run(bin('bun'), ['main.mjs'], { cwd: dir })), expected);
  });

  test('workerd (the engine Wasm arrives as a compiled module)', async () => {
    const config = await prepareWorker(dir, 'worker.mjs', ['vinr_engine_bg.wasm']);
    const server = await startWorkerd(config, dir);
    try {
      const response = await fetch(`http://127.0.0.1:${server.port}/`);
      assert.equal(response.status, 200);
      assert.deepEqual(await response.json(), expected);
    } finally {
      await server.stop();
    }
  });
});
