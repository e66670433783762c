// The sandbox's money as data (same form as scenarios.mjs): settlements and payouts on the
// schedule, the account, statement links, reporting. The clock starts on Wednesday
// 2026-04-15 10:30 UTC (see the runner's callers).

const card = { type: 'card', card: { number: '4242424242424242', expMonth: 12, expYear: 2030, cvc: '123' } };
const newCard = { key: 'pk', method: 'POST', path: '/v1/payment_methods', body: card, save: { pm: 'id' } };
const pay = (amount) => ({ method: 'POST', path: '/v1/payments', body: { amount, currency: 'EUR', paymentMethod: '{pm}' }, save: { pay: 'id' } });
const advance = (seconds) => ({ method: 'POST', path: '/v1/test_helpers/clock/advance', body: { seconds } });
const DAY = 86400;

export const moneyScenarios = [
  {
    name: 'a capture settles at the end of its day and pays out two TARGET business days later',
    steps: [
      newCard,
      pay(10000),
      { method: 'GET', path: '/v1/settlements', expect: { status: 200, body: { data: '$len:0' } } },
      advance(DAY),
      {
        method: 'GET',
        path: '/v1/settlements',
        // 1.4% + 25 of 10,000 is 165.
        expect: { status: 200, body: { data: [{ object: 'settlement', status: 'pending', currency: 'EUR', periodStart: '2026-04-15T00:00:00Z', periodEnd: '2026-04-16T00:00:00Z', payoutDate: '2026-04-17', summary: { grossPayments: 10000, refunds: 0, disputes: 0, fees: -165, net: 9835 }, entryCount: 2, payout: '$prefix:po_' }] } },
        save: { setl: 'data.0.id', po: 'data.0.payout' },
      },
      { method: 'GET', path: '/v1/settlements/{setl}/transactions', expect: { status: 200, body: { data: [{ type: 'payment', source: '{pay}', amount: 10000 }, { type: 'fee', source: '{pay}', amount: -165 }], hasMore: false } } },
      { method: 'GET', path: '/v1/payouts/{po}', expect: { status: 200, body: { object: 'payout', status: 'pending', amount: 9835, arrivalDate: '2026-04-17', settlements: ['{setl}'] } } },
      advance(DAY),
      { method: 'GET', path: '/v1/payouts/{po}', expect: { status: 200, body: { status: 'paid' } } },
      { method: 'GET', path: '/v1/settlements/{setl}', expect: { status: 200, body: { status: 'paid' } } },
      { method: 'GET', path: '/v1/events?type=payout.paid', expect: { status: 200, body: { data: [{ type: 'payout.paid', createdAt: '2026-04-17T00:00:00Z', data: { id: '{po}', amount: 9835 } }] } } },
      { method: 'GET', path: '/v1/events?type=settlement.created', expect: { status: 200, body: { data: [{ data: { id: '{setl}', summary: { net: 9835 } } }] } } },
      { key: 'liveSk', method: 'GET', path: '/v1/settlements/{setl}', expect: { status: 404, body: { error: { code: 'resource_missing' } } } },
      { key: 'liveSk', method: 'GET', path: '/v1/payouts', expect: { status: 200, body: { data: '$len:0' } } },
    ],
  },
  {
    name: "the account shows seed 004's schedule, and a change applies from the next window",
    steps: [
      { method: 'GET', path: '/v1/account', expect: { status: 200, body: { object: 'account', defaultCurrency: 'EUR', settlement: { schedule: { interval: 'daily', delayDays: 2, anchor: null }, nextSchedule: null, payoutCurrency: 'EUR', minimumPayout: 1000 }, reserve: null, bankAccount: null } } },
      { method: 'PATCH', path: '/v1/account', body: { settlement: { schedule: { interval: 'monthly', monthlyAnchor: 29 } } }, expect: { status: 400, body: { error: { param: 'settlement.schedule.monthlyAnchor' } } } },
      { method: 'PATCH', path: '/v1/account', body: { settlement: { schedule: { interval: 'weekly', weeklyAnchor: 'friday' } } }, expect: { status: 200, body: { settlement: { schedule: { interval: 'daily' }, nextSchedule: { interval: 'weekly', delayDays: 2, anchor: 'friday' } } } } },
      advance(DAY),
      { method: 'GET', path: '/v1/account', expect: { status: 200, body: { settlement: { schedule: { interval: 'weekly', anchor: 'friday' }, nextSchedule: null } } } },
      { method: 'GET', path: '/v1/events?type=account.updated', expect: { status: 200, body: { data: '$len:1' } } },
    ],
  },
  {
    name: 'a statement link serves the CSV and the PDF without a key, for an hour of sandbox time',
    steps: [
      newCard,
      pay(25000),
      advance(DAY),
      { method: 'GET', path: '/v1/settlements', save: { setl: 'data.0.id' } },
      { method: 'GET', path: '/v1/settlements/{setl}/statement?format=csv', expect: { status: 200, body: { url: '$string', expiresAt: '2026-04-16T11:30:00Z', format: 'csv' } }, save: { csv: 'url' } },
      { method: 'GET', path: '/v1/settlements/{setl}/statement?format=pdf', save: { pdf: 'url' } },
      { key: null, method: 'GET', url: '{csv}', expect: { file: { contentType: 'text/csv; charset=utf-8', startsWith: 'settlementId,entryId,type' } } },
      { key: null, method: 'GET', url: '{pdf}', expect: { file: { contentType: 'application/pdf', startsWith: '%PDF-' } } },
      advance(3600),
      { key: null, method: 'GET', url: '{csv}', expect: { status: 403, body: { error: { code: 'file_url_expired' } } } },
    ],
  },
  {
    name: 'reporting: the home tiles, and a payout failure returns the money',
    steps: [
      newCard,
      pay(20000),
      { key: 'pk', method: 'POST', path: '/v1/payment_methods', body: { ...card, card: { ...card.card, number: '4000000000009995' } }, save: { poor: 'id' } },
      { method: 'POST', path: '/v1/payments', body: { amount: 500, currency: 'EUR', paymentMethod: '{poor}' }, expect: { status: 402 } },
      { method: 'POST', path: '/v1/refunds', body: { payment: '{pay}', amount: 3000 } },
      { method: 'GET', path: '/v1/reporting/summary?currency=EUR', expect: { status: 200, body: { object: 'reporting_summary', grossVolume: 20000, refunds: -3000, disputes: 0, fees: -305, netVolume: 16695, successfulPayments: 1, failedPayments: 1, successRate: '0.5000', declinesByReason: { insufficient_funds: 1 } } } },
      advance(DAY),
      { method: 'GET', path: '/v1/payouts', save: { po: 'data.0.id' } },
      { method: 'POST', path: '/v1/test_helpers/payouts/{po}/fail', body: { reason: 'account_closed' }, expect: { status: 200, body: { status: 'failed', failureReason: 'account_closed' } } },
      { method: 'GET', path: '/v1/events?type=payout.failed', expect: { status: 200, body: { data: [{ data: { id: '{po}', status: 'failed' } }] } } },
      advance(4 * DAY),
      { method: 'GET', path: '/v1/payouts?status=paid', expect: { status: 200, body: { data: [{ amount: 16695 }] } } },
    ],
  },
];
