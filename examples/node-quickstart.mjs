// Node quickstart: `bash scripts/demo.sh` runs it against the freshly built package.
import { Vinr, money, SignatureVerificationError, VinrConfigurationError, VinrInvalidInputError } from '@vinr/sdk';

const vinr = new Vinr({ secretKey: process.env.VINR_SECRET_KEY ?? 'sk_test_4eC39HqLyjWDarjtT1zdp7dc' });
console.log(`client: ${vinr.mode} mode, API at ${vinr.apiBase}`);

// Amounts are integers in minor units; the Wasm core formats and parses them exactly.
for (const [amount, currency] of [[482000, 'EUR'], [-31500, 'EUR'], [1999, 'JPY'], [12345, 'KWD']]) {
  const { exponent } = money.currency(currency);
  console.log(`${String(amount).padStart(7)} minor units of ${currency} (exponent ${exponent}) = ${money.format(amount, currency)} ${currency}`);
}
console.log(`'10.50' EUR is ${money.parse('10.50', 'EUR')} minor units`);

// Object ids: a type prefix and 24 base62 characters from the host's CSPRNG.
const paymentId = vinr.ids.generate('pay');
console.log(`a new payment id: ${paymentId} (prefix ${vinr.ids.prefixOf(paymentId)})`);

// Bad input is a typed error that names the field, and never echoes a key.
try {
  money.parse('10.001', 'EUR');
} catch (e) {
  if (!(e instanceof VinrInvalidInputError)) throw e;
  console.log(`${e.name} [${e.code}] on '${e.param}': ${e.message}`);
}
try {
  new Vinr({ secretKey: 'pk_live_notasecretkey123' });
} catch (e) {
  if (!(e instanceof VinrConfigurationError)) throw e;
  console.log(`${e.name} [${e.code}] on '${e.param}': ${e.message}`);
}

// Settlement, offline: payments, a refund and a dispute in; days advanced; a settlement and
// its payout out (T+2 business days of the EUR calendar, TARGET).
const engine = vinr.settlement.engine({
  payoutCurrency: 'EUR',
  schedule: { interval: 'daily', delayDays: 2 },
  maturity: { status: 'established' },
  defaultFees: { percent: '1.4', fixed: 25, disputeFee: 1500 },
  start: '2026-04-01T00:00:00Z',
});
const order = engine.recordPayment({ amount: 482000, currency: 'EUR', capturedAt: '2026-04-02T09:30:00Z' });
const second = engine.recordPayment({ amount: 45000, currency: 'EUR', capturedAt: '2026-04-02T11:00:00Z' });
engine.recordRefund({ paymentId: order, amount: 31500, currency: 'EUR', createdAt: '2026-04-02T15:00:00Z' });
engine.openDispute({ paymentId: second, amount: 12000, currency: 'EUR', createdAt: '2026-04-02T16:00:00Z' });
console.log(`before settling, ${order} is ${JSON.stringify(engine.track(order))}`);
engine.advanceTo('2026-04-10T00:00:00Z');
const [settlement] = engine.settlements();
const { summary } = settlement;
console.log(`${settlement.id} for ${settlement.periodStart.slice(0, 10)}: gross ${money.format(summary.grossPayments, 'EUR')}, ` +
  `refunds ${money.format(summary.refunds, 'EUR')}, disputes ${money.format(summary.disputes, 'EUR')}, ` +
  `fees ${money.format(summary.fees, 'EUR')}, net ${money.format(summary.net, 'EUR')} EUR`);
for (const entry of settlement.entries) console.log(`  ${entry.type.padEnd(12)} ${entry.source.padEnd(29)} ${String(entry.amount).padStart(8)}`);
const paid = engine.events().find((e) => e.type === 'payout.paid');
console.log(`${paid.data.id} of ${money.format(paid.data.amount, 'EUR')} EUR arrives ${paid.data.arrivalDate} (Good Friday and Easter Monday are TARGET holidays)`);

// Webhooks: deliver that payout.paid event signed as VINR does, and verify it synchronously.
const webhookSecret = vinr.webhooks.generateSecret();
const receiver = new Vinr({ webhookSecret });
const delivery = JSON.stringify(paid);
const header = vinr.webhooks.generateTestHeader({ payload: delivery, secret: webhookSecret });
const event = receiver.webhooks.verify(delivery, header);
console.log(`verified ${event.type} ${event.data.id}: ${money.format(event.data.amount, 'EUR')} EUR`);
try {
  receiver.webhooks.verify(delivery.replace(`"amount":${paid.data.amount}`, '"amount":99999999'), header);
} catch (e) {
  if (!(e instanceof SignatureVerificationError)) throw e;
  console.log(`a tampered delivery is refused: ${e.name} [${e.code}]`);
}
