// The benchmark's flow in each API: create customer → create payment (authorize only) → capture
// → refund in part → retrieve → list, the six requests timed. A flow is plain data for
// load.mjs: how to authenticate and encode bodies, a setup each virtual user runs once, and
// `once(send, state)`, one pass of the flow. `send(step, method, path, body?, { key, parse })`
// resolves to the parsed JSON of a 200 and rejects on anything else; `step` (an index into
// `STEPS`, or -1 for setup) files the request's latency under its step.
import { STRIPE_CARD, VINR_CARD, stripeAuthorization, stripeForm } from '../lib/requests.mjs';

export const STEPS = ['create customer', 'create payment', 'capture', 'refund in part', 'retrieve', 'list'];
const AMOUNT = 2500;
const REFUND = 500;

function check(condition, what, got) {
  if (!condition) throw new Error(`unexpected answer: ${what}: ${JSON.stringify(got).slice(0, 300)}`);
}

/** The VINR API as the sandbox server serves it (JSON bodies, camelCase). */
export function vinrFlow({ secretKey, publishableKey }) {
  return {
    key: secretKey,
    contentType: 'application/json',
    encode: JSON.stringify,
    // The card is tokenized once per user, with the publishable key as a browser would: a card
    // not attached to a customer pays for any customer, so every pass is the six requests.
    setup: async (send) => (await send(-1, 'POST', '/v1/payment_methods', VINR_CARD, { key: publishableKey })).id,
    async once(send, paymentMethod) {
      const customer = (await send(0, 'POST', '/v1/customers', { email: 'bench@example.com' })).id;
      const payment = await send(1, 'POST', '/v1/payments', { amount: AMOUNT, currency: 'EUR', customer, paymentMethod, capture: false });
      check(payment.status === 'authorized', 'the payment is authorized only', payment);
      await send(2, 'POST', `/v1/payments/${payment.id}/capture`);
      await send(3, 'POST', '/v1/refunds', { payment: payment.id, amount: REFUND });
      const got = await send(4, 'GET', `/v1/payments/${payment.id}`);
      check(got.amountCaptured === AMOUNT && got.amountRefunded === REFUND, 'the payment shows its capture and refund', got);
      // The page is not parsed: the client's CPU is the server's neighbour on the machine.
      await send(5, 'GET', '/v1/payments?limit=10', undefined, { parse: false });
    },
  };
}

/** The same flow in Stripe's API (form-encoded bodies), as localstripe serves it. */
export function stripeFlow() {
  return {
    // localstripe takes any key that looks like a test key.
    key: 'sk_test_bench',
    contentType: 'application/x-www-form-urlencoded',
    encode: stripeForm,
    setup: async (send) => (await send(-1, 'POST', '/v1/payment_methods', STRIPE_CARD)).id,
    async once(send, paymentMethod) {
      const customer = (await send(0, 'POST', '/v1/customers', { email: 'bench@example.com' })).id;
      const intent = await send(1, 'POST', '/v1/payment_intents', stripeAuthorization(customer, paymentMethod, AMOUNT));
      check(intent.status === 'requires_capture', 'the payment intent is authorized only', intent);
      await send(2, 'POST', `/v1/payment_intents/${intent.id}/capture`);
      await send(3, 'POST', '/v1/refunds', { payment_intent: intent.id, amount: REFUND });
      const got = await send(4, 'GET', `/v1/payment_intents/${intent.id}`);
      check(got.status === 'succeeded', 'the payment intent shows its capture', got);
      await send(5, 'GET', '/v1/payment_intents?limit=10', undefined, { parse: false });
    },
  };
}
