// What the benchmarks send, where two of them send the same: the test card in each API's shape,
// the body of a Stripe payment intent that authorizes only (so that a capture can follow), and
// Stripe's form encoding (localstripe reads no JSON). Imported by benches/sandbox/bench.mjs and
// benches/server/flows.mjs.

/** A card that always succeeds, as `POST /v1/payment_methods` of the VINR API takes it. */
export const VINR_CARD = { type: 'card', card: { number: '4242424242424242', expMonth: 12, expYear: 2030, cvc: '123' } };

/** The same card in Stripe's API. */
export const STRIPE_CARD = { type: 'card', card: { number: '4242424242424242', exp_month: 12, exp_year: 2030, cvc: '123' } };

/**
 * `POST /v1/payment_intents`: confirmed at once and captured later, the Stripe equivalent of the
 * VINR API's `{ capture: false }` payment (localstripe has no separate confirm step to time).
 */
export const stripeAuthorization = (customer, paymentMethod, amount) => ({
  amount,
  currency: 'eur',
  customer,
  payment_method: paymentMethod,
  capture_method: 'manual',
  confirm: 'true',
});

/** A body as `application/x-www-form-urlencoded`, nested objects as Stripe's `a[b]=…`. */
export function stripeForm(body) {
  const pairs = (value, prefix) =>
    Object.entries(value).flatMap(([k, v]) => {
      const name = prefix ? `${prefix}[${k}]` : k;
      return typeof v === 'object' && v !== null ? pairs(v, name) : [[name, String(v)]];
    });
  return new URLSearchParams(pairs(body ?? {}, '')).toString();
}
