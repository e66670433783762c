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

// Webhooks: sign a delivery as VINR would, then verify it synchronously and get the event back.
const webhookSecret = vinr.webhooks.generateSecret();
const receiver = new Vinr({ webhookSecret });
const delivery = JSON.stringify({
  id: vinr.ids.generate('evt'),
  object: 'event',
  type: 'payout.paid',
  createdAt: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
  livemode: false,
  data: { id: vinr.ids.generate('po'), object: 'payout', amount: 424290, currency: 'EUR' },
});
const header = vinr.webhooks.generateTestHeader({ payload: delivery, secret: webhookSecret });
const event = receiver.webhooks.verify(delivery, header);
console.log(`verified ${event.type} ${event.data.id}: ${money.format(event.data.amount, event.data.currency)} EUR`);
try {
  receiver.webhooks.verify(delivery.replace('424290', '999999'), header);
} catch (e) {
  if (!(e instanceof SignatureVerificationError)) throw e;
  console.log(`a tampered delivery is refused: ${e.name} [${e.code}]`);
}
