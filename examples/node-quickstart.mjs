// Node quickstart: `bash scripts/demo.sh` runs it against the freshly built package.
import { Vinr, money, SignatureVerificationError, VinrCardError, VinrConfigurationError, VinrInvalidInputError } from '@vinr/sdk';
import { createSandbox } from '@vinr/sdk/sandbox';

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

// The sandbox: the whole VINR API in-process (Rust in Wasm), with test cards, a clock and
// events. `sandbox.fetch` has the platform fetch's signature; nothing leaves the process.
// A merchant's webhook route, served in-process: the sandbox delivers every event of its
// endpoint here, signed, and the route verifies it as a real one would. (This sandbox runs on a
// fixed clock, so the route checks the signature's time against that clock.)
const clock = () => Date.parse('2026-04-02T09:30:00Z');
let endpointSecret;
const received = [];
async function webhookRoute(request) {
  const payload = await request.text();
  const event = vinr.webhooks.verify(payload, request.headers.get('x-vinr-signature'), { secret: endpointSecret, now: clock() / 1000 });
  received.push({ event, payload, header: request.headers.get('x-vinr-signature') });
  return new Response('ok');
}
const sandbox = createSandbox({ clock, deliver: webhookRoute });
// The same client, with the sandbox as its transport: every call below is typed, retried and
// idempotent exactly as against the live API, and nothing leaves the process.
const api = new Vinr({ sandbox });
api.on('response', (e) => e.status >= 500 && console.log(`retrying ${e.url}: ${e.status}`));
const tokenize = async (number) => (await api.paymentMethods.create({ type: 'card', card: { number, expMonth: 12, expYear: 2030, cvc: '123' } })).id;
console.log(`\nsandbox: ${sandbox.keys.test.secretKey.slice(0, 12)}… (test) and ${sandbox.keys.live.secretKey.slice(0, 12)}… (live), in-process`);
const endpoint = await api.webhooks.create({ url: 'https://merchant.example/vinr/webhooks', enabledEvents: ['settlement.created', 'payout.paid', 'dispute.*'] });
endpointSecret = endpoint.secret;
console.log(`${endpoint.id} registered for ${endpoint.enabledEvents.join(', ')} (secret shown once: ${endpoint.secret?.slice(0, 10)}…)`);

const customer = await api.customers.create({ email: 'ada@example.com', name: 'Ada' });
await api.customers.attachPaymentMethod(customer.id, { paymentMethod: await tokenize('4242 4242 4242 4242') });
const big = await api.payments.create({ amount: 482000, currency: 'EUR', customer: customer.id, metadata: { order: 'A-1001' } });
console.log(`${big.id}: ${money.format(big.amount, 'EUR')} EUR, ${big.status}, ${big.card.brand} …${big.card.last4}`);
const refund = await api.refunds.create({ payment: big.id, amount: 31500 });
console.log(`${refund.id}: refunded ${money.format(refund.amount, 'EUR')} EUR of ${big.id}`);
try {
  await api.payments.create({ amount: 2000, currency: 'EUR', paymentMethod: await tokenize('4000000000009995') });
  throw new Error('the insufficient-funds card was not declined');
} catch (e) {
  if (!(e instanceof VinrCardError)) throw e;
  console.log(`a declined card throws ${e.name} (${e.status} ${e.code}), payment ${e.paymentId} stored as failed`);
}
const disputed = await api.payments.create({ amount: 45000, currency: 'EUR', paymentMethod: await tokenize('4000000000000259') });
await api.testHelpers.clock.advance({ seconds: 86400 });
const [dispute] = (await api.disputes.list({ payment: disputed.id })).data;
console.log(`a day later ${dispute.id} opened on ${disputed.id}: ${dispute.reason}, ${money.format(dispute.amount, 'EUR')} EUR, due by ${dispute.dueBy}`);
await api.disputes.submitEvidence(dispute.id, { text: 'Delivered and signed for', files: ['proof-of-delivery.pdf'] });
const timeline = (await api.payments.timeline(disputed.id)).data.map((s) => `${s.type}:${s.outcome}`);
console.log(`timeline of ${disputed.id}: ${timeline.join(' → ')}`);
const updated = await api.customers.retrieve(customer.id);
const events = await api.events.list().autoPagingToArray({ limit: 1000 });
console.log(`${customer.id} lifetime volume: ${money.format(updated.lifetimeVolume.EUR, 'EUR')} EUR; events so far: ${events.length}`);

// Settlement: the sandbox's captures, refund and dispute netted by the settlement engine into
// daily settlements and payouts, T+2 business days of the EUR calendar (TARGET), as the clock
// advances; every event on the way goes to the webhook route above.
await api.testHelpers.clock.advance({ seconds: 7 * 86400 });
await sandbox.settled();
const settlements = await api.settlements.list().autoPagingToArray({ limit: 100 });
const settlement = settlements.find((s) => s.periodStart.startsWith('2026-04-02'));
const { summary } = settlement;
console.log(`${settlement.id} for ${settlement.periodStart.slice(0, 10)}: gross ${money.format(summary.grossPayments, 'EUR')}, ` +
  `refunds ${money.format(summary.refunds, 'EUR')}, disputes ${money.format(summary.disputes, 'EUR')}, ` +
  `fees ${money.format(summary.fees, 'EUR')}, net ${money.format(summary.net, 'EUR')} EUR`);
for await (const entry of api.settlements.listEntries(settlement.id)) {
  console.log(`  ${entry.type.padEnd(12)} ${entry.source.padEnd(29)} ${String(entry.amount).padStart(8)}`);
}
const payout = await api.payouts.retrieve(settlement.payout);
console.log(`${payout.id} of ${money.format(payout.amount, 'EUR')} EUR ${payout.status}, arrived ${payout.arrivalDate} (Good Friday and Easter Monday are TARGET holidays)`);
const link = await api.settlements.statement(settlement.id, { format: 'csv' });
const csv = await (await sandbox.fetch(link.url)).text();
console.log(`statement link (no key needed until ${link.expiresAt}): ${csv.trim().split('\n').length - 1} rows of CSV`);

// Webhooks: what the route received, each verified synchronously against the endpoint's secret.
for (const { event } of received) console.log(`verified ${event.type} ${event.data.id}`);
const paid = received.find(({ event }) => event.type === 'payout.paid');
if (paid === undefined) throw new Error('no payout.paid delivery arrived');
try {
  const tampered = paid.payload.replace(`"amount":${paid.event.data.amount}`, '"amount":99999999');
  vinr.webhooks.verify(tampered, paid.header, { secret: endpointSecret, now: clock() / 1000 });
  throw new Error('a tampered delivery was accepted');
} catch (e) {
  if (!(e instanceof SignatureVerificationError)) throw e;
  console.log(`a tampered delivery is refused: ${e.name} [${e.code}]`);
}
