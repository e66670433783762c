/**
 * Home: the tiles of the dashboard guide for a date range and currency (gross volume, net
 * volume, successful payments with the success rate and declines by reason, and MRR, honestly
 * empty), a chart of daily volume, and the CSV export of the payments behind them.
 */
import type { ReportingSummary, Vinr } from '@vinr/sdk';
import type { VNode } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { downloadText, formatMoney, formatRate } from './format.js';
import { html } from './html.js';
import { useAction, useLoad, useSession } from './session.js';
import { ErrorBox, Loading, Section } from './ui.js';

const DAY = 86_400_000;

/** `YYYY-MM-DD` of a time, in UTC like the API. */
const day = (t: number): string => new Date(t).toISOString().slice(0, 10);

interface HomeData {
  total: ReportingSummary;
  /** One summary per day of the range (at most 31 days are charted). */
  days: { date: string; gross: number }[];
}

async function loadHome(vinr: Vinr, from: string, to: string, currency: string): Promise<HomeData> {
  // `to` is exclusive in the API; the filter's "to" date is inclusive for people.
  const end = Date.parse(`${to}T00:00:00Z`) + DAY;
  const start = Date.parse(`${from}T00:00:00Z`);
  const total = await vinr.reporting.summary({ from, to: day(end), currency });
  const dates: string[] = [];
  for (let t = Math.max(start, end - 31 * DAY); t < end; t += DAY) dates.push(day(t));
  const days = await Promise.all(
    dates.map((date) => vinr.reporting.summary({ from: date, to: day(Date.parse(`${date}T00:00:00Z`) + DAY), currency }).then((s) => ({ date, gross: s.grossVolume }))),
  );
  return { total, days };
}

interface Range {
  from: string;
  to: string;
  currency: string;
}

/** The last 14 days up to the mode's today: in test mode the simulated clock's, which may be ahead. */
export function HomeScreen(): VNode {
  const session = useSession();
  const [initial, setInitial] = useState<Range | undefined>(undefined);
  useEffect(() => {
    let current = true;
    const today = session.mode === 'test' ? session.owner.testHelpers.clock.retrieve().then((c) => Date.parse(c.now), () => Date.now()) : Promise.resolve(Date.now());
    void today.then((t) => current && setInitial({ from: day(t - 13 * DAY), to: day(t), currency: '' }));
    return () => {
      current = false;
    };
  }, [session.mode, session.owner]);
  return initial === undefined
    ? (html`<div class="screen"><h1>Home</h1><${Loading} /></div>` as VNode)
    : (html`<${HomeView} initial=${initial} />` as VNode);
}

function HomeView({ initial }: { initial: Range }): VNode {
  const session = useSession();
  const [range, setRange] = useState(initial);
  const [draft, setDraft] = useState(range);
  const currency = (range.currency === '' ? session.currency : range.currency).toUpperCase();
  const home = useLoad((vinr) => loadHome(vinr, range.from, range.to, currency), [range, currency]);
  const exporting = useAction();
  const exportCsv = (): void => {
    void exporting.run(async () => {
      const csv = await session.vinr.reporting.export({ view: 'payments', currency, createdFrom: range.from, createdTo: range.to });
      downloadText(csv, `payments-${range.from}-${range.to}-${session.mode}.csv`, 'text/csv');
    });
  };
  const data = home.data;
  return html`<div class="screen">
    <h1>Home</h1>
    <form class="filters" onSubmit=${(e: Event) => (e.preventDefault(), setRange(draft))}>
      <div class="field"><label for="home-from">From</label><input id="home-from" type="date" required value=${draft.from} onInput=${(e: Event) => setDraft({ ...draft, from: (e.currentTarget as HTMLInputElement).value })} /></div>
      <div class="field"><label for="home-to">To</label><input id="home-to" type="date" required value=${draft.to} onInput=${(e: Event) => setDraft({ ...draft, to: (e.currentTarget as HTMLInputElement).value })} /></div>
      <div class="field narrow"><label for="home-currency">Currency</label><input id="home-currency" maxlength="3" placeholder=${session.currency} value=${draft.currency} onInput=${(e: Event) => setDraft({ ...draft, currency: (e.currentTarget as HTMLInputElement).value })} /></div>
      <div class="field buttons"><button type="submit" class="primary">Apply</button><button type="button" onClick=${exportCsv} disabled=${exporting.busy}>Export CSV</button></div>
    </form>
    <${ErrorBox} error=${home.error ?? exporting.error} />
    ${data === undefined
      ? home.loading
        ? html`<${Loading} />`
        : null
      : html`<div class="tiles" data-testid="tiles">
          <div class="tile"><h2>Gross volume</h2><p class="big">${formatMoney(data.total.grossVolume, currency)}</p><p class="muted small">Captured in the range</p></div>
          <div class="tile"><h2>Net volume</h2><p class="big">${formatMoney(data.total.netVolume, currency)}</p>
            <p class="muted small">Refunds ${formatMoney(data.total.refunds, currency)} · disputes ${formatMoney(data.total.disputes, currency)} · fees ${formatMoney(data.total.fees, currency)}</p></div>
          <div class="tile"><h2>Successful payments</h2><p class="big">${data.total.successfulPayments}</p>
            <p class="muted small">Success rate ${formatRate(data.total.successRate)} · ${data.total.failedPayments} declined</p>
            ${Object.keys(data.total.declinesByReason).length === 0
              ? null
              : html`<ul class="plain small">${Object.entries(data.total.declinesByReason).map(([reason, n]) => html`<li>${reason.replace(/_/g, ' ')}: ${n}</li>`)}</ul>`}</div>
          <div class="tile empty-tile"><h2>MRR & active subscriptions</h2><p class="big muted">—</p><p class="muted small">Billing is not part of the sandbox.</p></div>
        </div>
        <${Section} title=${`Daily gross volume (${currency})`}><${Chart} days=${data.days} currency=${currency} /><//>`}
  </div>` as VNode;
}

/** Bars of daily gross volume, as SVG (no chart library: a few elements do). */
function Chart({ days, currency }: { days: HomeData['days']; currency: string }): VNode {
  const max = Math.max(1, ...days.map((d) => d.gross));
  const width = 100 / Math.max(1, days.length);
  return html`<figure class="chart">
    <svg viewBox="0 0 100 40" preserveAspectRatio="none" role="img" aria-label=${`Daily gross volume in ${currency}, ${days.length} days`}>
      ${days.map((d, i) => {
        const h = (d.gross / max) * 38;
        return html`<rect x=${i * width + width * 0.15} y=${40 - h} width=${width * 0.7} height=${h} class="bar"><title>${d.date}: ${formatMoney(d.gross, currency)}</title></rect>`;
      })}
    </svg>
    <figcaption class="chart-axis"><span>${days[0]?.date ?? ''}</span><span>max ${formatMoney(max === 1 ? 0 : max, currency)}</span><span>${days[days.length - 1]?.date ?? ''}</span></figcaption>
  </figure>` as VNode;
}
