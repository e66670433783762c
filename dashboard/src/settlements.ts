/**
 * Settlements & payouts: settlements with seed 004's summary, a settlement's entries traced to
 * their sources, its statement (CSV and PDF, through the API's signed link), and the payouts
 * with their status and arrival date.
 */
import type { Settlement, Vinr } from '@vinr/sdk';
import type { VNode } from 'preact';
import { downloadBlob, downloadUrl, formatDate, formatTime } from './format.js';
import { html } from './html.js';
import { useAction, useLoad, useSession } from './session.js';
import { Empty, ErrorBox, Loading, Money, Pager, Section, Status, usePaging } from './ui.js';

export function SettlementsScreen({ id }: { id: string | undefined }): VNode {
  return id === undefined ? (html`<${Overview} />` as VNode) : (html`<${SettlementDetail} key=${id} id=${id} />` as VNode);
}

function Overview(): VNode {
  const settlementPaging = usePaging();
  const payoutPaging = usePaging();
  const settlements = useLoad(
    (vinr) => vinr.settlements.list({ limit: 20, ...(settlementPaging.cursor === undefined ? {} : { startingAfter: settlementPaging.cursor }) }),
    [settlementPaging.cursor],
  );
  const payouts = useLoad(
    (vinr) => vinr.payouts.list({ limit: 20, ...(payoutPaging.cursor === undefined ? {} : { startingAfter: payoutPaging.cursor }) }),
    [payoutPaging.cursor],
  );
  const s = settlements.data;
  const p = payouts.data;
  return html`<div class="screen">
    <h1>Settlements & payouts</h1>
    <${Section} title="Settlements">
      <${ErrorBox} error=${settlements.error} />
      ${settlements.loading && s === undefined ? html`<${Loading} />` : null}
      ${s !== undefined && s.data.length === 0 ? html`<${Empty}>No settlements yet. In the sandbox, advance the clock past a settlement window.<//>` : null}
      ${s !== undefined && s.data.length > 0
        ? html`<div class="table-wrap"><table class="table" data-testid="settlements-table">
            <thead><tr><th scope="col">Period</th><th scope="col">Gross</th><th scope="col">Net</th><th scope="col">Payout date</th><th scope="col">Status</th><th scope="col">ID</th></tr></thead>
            <tbody>${s.data.map(
              (x: Settlement) => html`<tr>
                <td><a href=${`#/settlements/${x.id}`} class="strong">${formatDate(x.periodStart)} → ${formatDate(x.periodEnd)}</a></td>
                <td><${Money} amount=${x.summary.grossPayments} currency=${x.currency} /></td>
                <td><${Money} amount=${x.summary.net} currency=${x.currency} /></td>
                <td>${x.payoutDate}</td>
                <td><${Status} status=${x.status} /></td>
                <td><code class="id">${x.id}</code></td>
              </tr>`,
            )}</tbody>
          </table></div>`
        : null}
      <${Pager} paging=${settlementPaging} page=${s} />
    <//>
    <${Section} title="Payouts">
      <${ErrorBox} error=${payouts.error} />
      ${p !== undefined && p.data.length === 0 ? html`<${Empty}>No payouts yet.<//>` : null}
      ${p !== undefined && p.data.length > 0
        ? html`<div class="table-wrap"><table class="table" data-testid="payouts-table">
            <thead><tr><th scope="col">Amount</th><th scope="col">Status</th><th scope="col">Arrival date</th><th scope="col">Settlements</th><th scope="col">ID</th></tr></thead>
            <tbody>${p.data.map(
              (x) => html`<tr>
                <td class="strong"><${Money} amount=${x.amount} currency=${x.currency} /></td>
                <td><${Status} status=${x.status} />${x.failureReason === null ? null : html` <span class="muted small">${x.failureReason}</span>`}</td>
                <td>${x.arrivalDate}</td>
                <td>${x.settlements.map((id) => html`<a href=${`#/settlements/${id}`}><code class="id">${id}</code></a> `)}</td>
                <td><code class="id">${x.id}</code></td>
              </tr>`,
            )}</tbody>
          </table></div>`
        : null}
      <${Pager} paging=${payoutPaging} page=${p} />
    <//>
  </div>` as VNode;
}

async function loadSettlement(vinr: Vinr, id: string) {
  const [settlement, entries] = await Promise.all([vinr.settlements.retrieve(id), vinr.settlements.listEntries(id, { limit: 100 })]);
  return { settlement, entries: entries.data, more: entries.hasMore };
}

const SUMMARY_ROWS: readonly (readonly [keyof Settlement['summary'], string])[] = [
  ['grossPayments', 'Gross payments'],
  ['refunds', 'Refunds'],
  ['disputes', 'Disputes'],
  ['fees', 'Fees'],
  ['conversion', 'Conversion'],
  ['failedPayouts', 'Failed payouts'],
  ['reserveHeld', 'Reserve held'],
  ['reserveReleased', 'Reserve released'],
  ['carriedIn', 'Carried in'],
  ['carriedOut', 'Carried out'],
  ['net', 'Net'],
];

function SettlementDetail({ id }: { id: string }): VNode {
  const session = useSession();
  const view = useLoad((vinr) => loadSettlement(vinr, id), [id]);
  const download = useAction();
  const statement = (format: 'csv' | 'pdf'): void => {
    void download.run(async () => {
      const link = await session.vinr.settlements.statement(id, { format });
      const filename = `${id}.${format}`;
      // A signed link of the API, valid for a while: the browser downloads it like any file,
      // unless the API runs in this page (then the page's sandbox answers it).
      if (session.fetchLink === undefined) {
        downloadUrl(link.url, filename);
        return;
      }
      const response = await session.fetchLink(link.url);
      if (!response.ok) throw new Error(`the statement link answered ${response.status}`);
      downloadBlob(await response.blob(), filename);
    });
  };
  if (view.data === undefined) {
    return html`<div class="screen"><p><a href="#/settlements">← Settlements & payouts</a></p><h1>Settlement</h1><${ErrorBox} error=${view.error} />${view.loading ? html`<${Loading} />` : null}</div>` as VNode;
  }
  const { settlement, entries, more } = view.data;
  return html`<div class="screen">
    <p><a href="#/settlements">← Settlements & payouts</a></p>
    <div class="title-row">
      <h1>Settlement ${formatDate(settlement.periodStart)} → ${formatDate(settlement.periodEnd)}</h1>
      <${Status} status=${settlement.status} />
      <code class="id">${settlement.id}</code>
    </div>
    <div class="grid-2">
      <${Section} title="Summary" actions=${html`<button type="button" class="small" onClick=${() => statement('csv')}>Statement CSV</button><button type="button" class="small" onClick=${() => statement('pdf')}>Statement PDF</button>`}>
        <${ErrorBox} error=${download.error} />
        <table class="table summary">
          <tbody>${SUMMARY_ROWS.filter(([k]) => settlement.summary[k] !== undefined).map(
            ([k, label]) => html`<tr class=${k === 'net' ? 'total' : ''}><th scope="row">${label}</th><td class="num"><${Money} amount=${settlement.summary[k] as number} currency=${settlement.currency} /></td></tr>`,
          )}</tbody>
        </table>
      <//>
      <${Section} title="Payout">
        <dl class="facts">
          <dt>Payout date</dt><dd>${settlement.payoutDate}</dd>
          <dt>Payout</dt><dd>${settlement.payout === null ? '—' : html`<code class="id">${settlement.payout}</code>`}</dd>
          <dt>Created</dt><dd>${formatTime(settlement.createdAt)}</dd>
          <dt>Entries</dt><dd>${settlement.entryCount}</dd>
        </dl>
      <//>
    </div>
    <${Section} title="Entries">
      ${entries.length === 0
        ? html`<${Empty}>No entries.<//>`
        : html`<div class="table-wrap"><table class="table">
            <thead><tr><th scope="col">Type</th><th scope="col">Amount</th><th scope="col">Source</th><th scope="col">Created</th></tr></thead>
            <tbody>${entries.map(
              (e) => html`<tr>
                <td>${e.type.replace(/_/g, ' ')}</td>
                <td class="num"><${Money} amount=${e.amount} currency=${e.currency} /></td>
                <td>${e.source.startsWith('pay_') ? html`<a href=${`#/payments/${e.source}`}><code class="id">${e.source}</code></a>` : html`<code class="id">${e.source}</code>`}</td>
                <td class="nowrap">${formatTime(e.createdAt)}</td>
              </tr>`,
            )}</tbody>
          </table></div>`}
      ${more ? html`<p class="muted">Showing the first 100 entries; the statement has them all.</p>` : null}
    <//>
  </div>` as VNode;
}
