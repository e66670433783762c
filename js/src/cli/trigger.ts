/**
 * `vinr trigger <event>`: makes the sandbox emit an event the way real traffic would, by
 * creating the objects that produce it through the API (no event is forged), then checks that
 * the event was emitted and prints its id.
 */
import { VinrCardError, type EventType, type Payment, type Payout, type Vinr } from '@vinr/sdk';
import { UsageError, type CommandSpec, type ParsedArgs } from './args.js';
import { connect, CONNECTION_FLAGS } from './connect.js';
import type { Output } from './output.js';

/** What a trigger made, to print: `payment pay_…`. */
type Made = [kind: string, id: string][];

interface Trigger {
  summary: string;
  run(vinr: Vinr, made: Made): Promise<void>;
}

const card = (number: string) => ({ type: 'card' as const, card: { number, expMonth: 12, expYear: 2034, cvc: '123' } });

async function payWith(vinr: Vinr, made: Made, number: string, extra: { capture?: boolean } = {}): Promise<Payment> {
  const method = await vinr.paymentMethods.create(card(number));
  made.push(['payment method', method.id]);
  const payment = await vinr.payments.create({ amount: 2000, currency: 'EUR', paymentMethod: method.id, description: 'vinr trigger', ...extra });
  made.push(['payment', payment.id]);
  return payment;
}

/** A payment with a card that declines: the API answers 402, naming the failed payment it stored. */
async function declinedPayment(vinr: Vinr, made: Made): Promise<void> {
  try {
    await payWith(vinr, made, '4000000000000002');
  } catch (e) {
    if (!(e instanceof VinrCardError) || e.paymentId === undefined) throw e;
    made.push(['payment', `${e.paymentId} (${e.code})`]);
    return;
  }
  throw new Error('the declining test card 4000 0000 0000 0002 was not declined');
}

/**
 * Advances the test clock a day at a time (up to 40) until `found` returns something: the
 * schedules run only on the sandbox clock.
 */
async function advanceUntil<T>(vinr: Vinr, made: Made, found: () => Promise<T | undefined>): Promise<T> {
  for (let day = 0; day <= 40; day++) {
    const result = await found();
    if (result !== undefined) {
      if (day > 0) made.push(['clock advanced', `${day}d`]);
      return result;
    }
    await vinr.testHelpers.clock.advance({ seconds: 86_400 });
  }
  throw new Error('no payout after 40 days on the sandbox clock: check the account settlement schedule (vinr account)');
}

async function paidOutPayout(vinr: Vinr, made: Made, status: Payout['status'] | 'any'): Promise<Payout> {
  await payWith(vinr, made, '4242424242424242');
  const known = new Set((await vinr.payouts.list({ limit: 100 })).data.map((p) => p.id));
  return advanceUntil(vinr, made, async () =>
    (await vinr.payouts.list({ limit: 100 })).data.find((p) => !known.has(p.id) && (status === 'any' || p.status === status)),
  );
}

export const TRIGGERS: Readonly<Partial<Record<EventType, Trigger>>> = {
  'payment.completed': { summary: 'a payment with 4242 4242 4242 4242', run: (v, m) => payWith(v, m, '4242424242424242').then(() => {}) },
  'payment.authorized': {
    summary: 'a payment authorized without capture',
    run: (v, m) => payWith(v, m, '4242424242424242', { capture: false }).then(() => {}),
  },
  'payment.failed': { summary: 'a payment declined (card_declined)', run: declinedPayment },
  'payment.requires_action': {
    summary: 'a payment that needs 3-D Secure',
    run: (v, m) => payWith(v, m, '4000002760003184').then(() => {}),
  },
  'payment.canceled': {
    summary: 'an authorized payment, canceled',
    async run(vinr, made) {
      const payment = await payWith(vinr, made, '4242424242424242', { capture: false });
      await vinr.payments.cancel(payment.id, { reason: 'requested_by_customer' });
    },
  },
  'payment.refunded': {
    summary: 'a payment, refunded in full',
    async run(vinr, made) {
      const payment = await payWith(vinr, made, '4242424242424242');
      made.push(['refund', (await vinr.refunds.create({ payment: payment.id })).id]);
    },
  },
  'refund.created': {
    summary: 'a payment, partly refunded',
    async run(vinr, made) {
      const payment = await payWith(vinr, made, '4242424242424242');
      made.push(['refund', (await vinr.refunds.create({ payment: payment.id, amount: 500 })).id]);
    },
  },
  'dispute.created': {
    summary: 'a payment, disputed as fraudulent',
    async run(vinr, made) {
      const payment = await payWith(vinr, made, '4242424242424242');
      made.push(['dispute', (await vinr.testHelpers.payments.dispute(payment.id, { reason: 'fraudulent' })).id]);
    },
  },
  'dispute.closed': {
    summary: 'a dispute, closed as won',
    async run(vinr, made) {
      const payment = await payWith(vinr, made, '4242424242424242');
      const dispute = await vinr.testHelpers.payments.dispute(payment.id, { reason: 'fraudulent' });
      made.push(['dispute', dispute.id]);
      await vinr.testHelpers.disputes.close(dispute.id, { outcome: 'won' });
    },
  },
  'customer.created': {
    summary: 'a customer',
    async run(vinr, made) {
      made.push(['customer', (await vinr.customers.create({ email: 'trigger@example.com', name: 'Trigger' })).id]);
    },
  },
  'settlement.created': {
    summary: 'a payment, then the clock advanced until it settles',
    async run(vinr, made) {
      made.push(['payout', (await paidOutPayout(vinr, made, 'any')).id]);
    },
  },
  'payout.paid': {
    summary: 'a payment, then the clock advanced until its payout is paid',
    async run(vinr, made) {
      made.push(['payout', (await paidOutPayout(vinr, made, 'paid')).id]);
    },
  },
  'payout.failed': {
    summary: 'a payment, the clock advanced until it is paid out, and the payout failed',
    async run(vinr, made) {
      const payout = await paidOutPayout(vinr, made, 'any');
      made.push(['payout', (await vinr.testHelpers.payouts.fail(payout.id)).id]);
    },
  },
};

export const triggerCommand: CommandSpec = {
  name: 'trigger',
  summary: 'Makes the sandbox emit an event, by creating the objects that produce it through the API.',
  positional: ['<event>'],
  flags: CONNECTION_FLAGS,
  details: `
Events:
${Object.entries(TRIGGERS)
  .map(([name, t]) => `  ${name.padEnd(26)}${t?.summary ?? ''}`)
  .join('\n')}

Example:
  vinr trigger payment.completed`,
};

export async function runTrigger(args: ParsedArgs, env: NodeJS.ProcessEnv, out: Output): Promise<void> {
  const type = args.positional[0] as EventType;
  const trigger = TRIGGERS[type];
  if (trigger === undefined) {
    throw new UsageError(`'${type}' is not an event vinr can trigger; one of: ${Object.keys(TRIGGERS).join(', ')}`);
  }
  const vinr = connect(args, env);
  const before = (await vinr.events.list({ type, limit: 1 })).data[0]?.id;
  const made: Made = [];
  await trigger.run(vinr, made);
  for (const [kind, id] of made) out.line(`  ${kind.padEnd(15)} ${id}`);
  const latest = (await vinr.events.list({ type, limit: 1 })).data[0];
  if (latest === undefined || latest.id === before) throw new Error(`the sandbox emitted no ${type} event`);
  out.line(`triggered ${type}: ${latest.id}`);
}
