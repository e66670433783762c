/**
 * Payments: the list with search (an id, a customer email, a card's last four) and stacked
 * filters (status, amount, currency, date), paginated, with a CSV export of the same view.
 */
import type { Payment, PaymentListParams, PaymentStatus } from '@vinr/sdk';
import type { VNode } from 'preact';
import { useState } from 'preact/hooks';
import { downloadText, errorInfo, formatMoney, formatTime, parseMoney, type ErrorInfo } from './format.js';
import { html } from './html.js';
import { useAction, useLoad, useSession } from './session.js';
import { Empty, ErrorBox, Loading, Pager, Section, Status, usePaging } from './ui.js';

const STATUSES: readonly PaymentStatus[] = ['completed', 'authorized', 'requires_action', 'failed', 'canceled'];

interface Filters {
  search: string;
  status: string;
  currency: string;
  amountMin: string;
  amountMax: string;
  createdFrom: string;
  createdTo: string;
}

const NO_FILTERS: Filters = { search: '', status: '', currency: '', amountMin: '', amountMax: '', createdFrom: '', createdTo: '' };

const FILTER_LABELS: Readonly<Record<keyof Filters, string>> = {
  search: 'Search',
  status: 'Status',
  currency: 'Currency',
  amountMin: 'Amount from',
  amountMax: 'Amount to',
  createdFrom: 'Created from',
  createdTo: 'Created to',
};

/** The API's list parameters for the filters; amounts in the filter's (or the account's) currency. */
function listParams(filters: Filters, defaultCurrency: string): PaymentListParams {
  const currency = filters.currency.trim().toUpperCase();
  const amountCurrency = currency === '' ? defaultCurrency : currency;
  const params: PaymentListParams = {};
  if (filters.search.trim() !== '') params.search = filters.search.trim();
  if (filters.status !== '') params.status = filters.status as PaymentStatus;
  if (currency !== '') params.currency = currency;
  if (filters.amountMin.trim() !== '') params.amountMin = parseMoney(filters.amountMin, amountCurrency);
  if (filters.amountMax.trim() !== '') params.amountMax = parseMoney(filters.amountMax, amountCurrency);
  if (filters.createdFrom !== '') params.createdFrom = filters.createdFrom;
  if (filters.createdTo !== '') params.createdTo = filters.createdTo;
  return params;
}

export function PaymentsScreen(): VNode {
  const session = useSession();
  const [draft, setDraft] = useState<Filters>(NO_FILTERS);
  const [applied, setApplied] = useState<Filters>(NO_FILTERS);
  const [invalid, setInvalid] = useState<ErrorInfo | undefined>(undefined);
  const paging = usePaging();
  const exporting = useAction();
  const list = useLoad(
    (vinr) => vinr.payments.list({ ...listParams(applied, session.currency), limit: 20, ...(paging.cursor === undefined ? {} : { startingAfter: paging.cursor }) }),
    [applied, paging.cursor],
  );

  const apply = (next: Filters): void => {
    try {
      listParams(next, session.currency);
      setInvalid(undefined);
    } catch (e) {
      setInvalid(errorInfo(e));
      return;
    }
    setDraft(next);
    setApplied(next);
    paging.reset();
  };
  const field = (name: keyof Filters) => (e: Event) => setDraft({ ...draft, [name]: (e.currentTarget as HTMLInputElement).value });
  const exportCsv = (): void => {
    void exporting.run(async () => {
      const params = listParams(applied, session.currency);
      const query: Record<string, string | number> = {};
      for (const [k, v] of Object.entries(params)) if (v !== undefined) query[k] = v as string | number;
      const csv = await session.vinr.reporting.export({ view: 'payments', ...query });
      downloadText(csv, `payments-${session.mode}.csv`, 'text/csv');
    });
  };
  const active = (Object.keys(applied) as (keyof Filters)[]).filter((k) => applied[k] !== '');
  const page = list.data;

  return html`<div class="screen">
    <h1>Payments</h1>
    <form class="filters" role="search" onSubmit=${(e: Event) => (e.preventDefault(), apply(draft))}>
      <div class="field grow">
        <label for="pay-search">Search</label>
        <input id="pay-search" type="search" placeholder="pay_, re_, dp_ id, customer email, or last 4 digits" value=${draft.search} onInput=${field('search')} />
      </div>
      <div class="field">
        <label for="pay-status">Status</label>
        <select id="pay-status" value=${draft.status} onChange=${field('status')}>
          <option value="">Any</option>
          ${STATUSES.map((s) => html`<option value=${s}>${s.replace('_', ' ')}</option>`)}
        </select>
      </div>
      <div class="field narrow">
        <label for="pay-currency">Currency</label>
        <input id="pay-currency" maxlength="3" placeholder=${session.currency} value=${draft.currency} onInput=${field('currency')} />
      </div>
      <div class="field narrow">
        <label for="pay-min">Amount from</label>
        <input id="pay-min" inputmode="decimal" value=${draft.amountMin} onInput=${field('amountMin')} />
      </div>
      <div class="field narrow">
        <label for="pay-max">Amount to</label>
        <input id="pay-max" inputmode="decimal" value=${draft.amountMax} onInput=${field('amountMax')} />
      </div>
      <div class="field">
        <label for="pay-from">Created from</label>
        <input id="pay-from" type="date" value=${draft.createdFrom} onInput=${field('createdFrom')} />
      </div>
      <div class="field">
        <label for="pay-to">Created to</label>
        <input id="pay-to" type="date" value=${draft.createdTo} onInput=${field('createdTo')} />
      </div>
      <div class="field buttons">
        <button type="submit" class="primary">Apply</button>
        <button type="button" onClick=${exportCsv} disabled=${exporting.busy}>Export CSV</button>
      </div>
    </form>
    <${ErrorBox} error=${invalid ?? exporting.error} />
    ${active.length === 0
      ? null
      : html`<ul class="chips" aria-label="Active filters">
          ${active.map(
            (k) => html`<li>
              <span>${FILTER_LABELS[k]}: ${applied[k]}</span>
              <button type="button" class="chip-x" aria-label=${`Remove filter ${FILTER_LABELS[k]}`} onClick=${() => apply({ ...applied, [k]: '' })}>×</button>
            </li>`,
          )}
          <li><button type="button" class="link" onClick=${() => apply(NO_FILTERS)}>Clear all</button></li>
        </ul>`}
    <${Section} title="All payments">
      <${ErrorBox} error=${list.error} />
      ${list.loading && page === undefined ? html`<${Loading} />` : null}
      ${page !== undefined && page.data.length === 0 ? html`<${Empty}>No payments match.<//>` : null}
      ${page !== undefined && page.data.length > 0 ? html`<${PaymentTable} payments=${page.data} />` : null}
      <${Pager} paging=${paging} page=${page} />
    <//>
  </div>` as VNode;
}

/** A table of payments; each row links to the payment's page. */
export function PaymentTable({ payments }: { payments: readonly Payment[] }): VNode {
  return html`<div class="table-wrap"><table class="table" data-testid="payments-table">
    <thead><tr><th scope="col">Amount</th><th scope="col">Status</th><th scope="col">Card</th><th scope="col" class="hide-sm">Description</th><th scope="col" class="hide-sm">Created</th><th scope="col" class="hide-sm">ID</th></tr></thead>
    <tbody>
      ${payments.map(
        (p) => html`<tr>
          <td><a href=${`#/payments/${p.id}`} class="strong">${formatMoney(p.amount, p.currency)}</a>
            ${p.amountRefunded > 0 ? html`<div class="muted small">refunded ${formatMoney(p.amountRefunded, p.currency)}</div>` : null}</td>
          <td><${Status} status=${p.status} />${p.dispute === null ? null : html` <${Status} status="disputed" />`}</td>
          <td>${p.card === null ? '—' : html`<span class="card-brand">${p.card.brand}</span> •••• ${p.card.last4}`}</td>
          <td class="truncate hide-sm">${p.description ?? '—'}</td>
          <td class="nowrap hide-sm">${formatTime(p.createdAt)}</td>
          <td class="hide-sm"><code class="id">${p.id}</code></td>
        </tr>`,
      )}
    </tbody>
  </table></div>` as VNode;
}
