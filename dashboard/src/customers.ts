/**
 * Customers: the list with lifetime volume and default method; a customer's record with their
 * stored cards and payments, and a refund started from the record.
 */
import type { Customer, Payment, PaymentMethod, Vinr } from '@vinr/sdk';
import type { VNode } from 'preact';
import { useState } from 'preact/hooks';
import { formatMoney, formatTime } from './format.js';
import { html } from './html.js';
import { customerLabel } from './payment-detail.js';
import { RefundAction, refundable } from './refund.js';
import { useLoad, useShown } from './session.js';
import { Empty, ErrorBox, Loading, Money, Pager, Section, Status, usePaging } from './ui.js';

function Volume({ volume }: { volume: Record<string, number> }): VNode {
  const entries = Object.entries(volume);
  return html`<span>${entries.length === 0 ? '—' : entries.map(([c, a]) => formatMoney(a, c)).join(', ')}</span>` as VNode;
}

export function CustomersScreen({ id }: { id: string | undefined }): VNode {
  return id === undefined ? (html`<${CustomerList} />` as VNode) : (html`<${CustomerRecord} key=${id} id=${id} />` as VNode);
}

function CustomerList(): VNode {
  const [email, setEmail] = useState('');
  const [applied, setApplied] = useState('');
  const paging = usePaging();
  const list = useLoad(
    (vinr) => vinr.customers.list({ limit: 20, ...(applied === '' ? {} : { email: applied }), ...(paging.cursor === undefined ? {} : { startingAfter: paging.cursor }) }),
    [applied, paging.cursor],
  );
  const page = list.data;
  return html`<div class="screen">
    <h1>Customers</h1>
    <form class="filters" role="search" onSubmit=${(e: Event) => (e.preventDefault(), setApplied(email.trim()), paging.reset())}>
      <div class="field grow">
        <label for="cust-email">Email</label>
        <input id="cust-email" type="search" value=${email} onInput=${(e: Event) => setEmail((e.currentTarget as HTMLInputElement).value)} />
      </div>
      <div class="field buttons"><button type="submit" class="primary">Search</button></div>
    </form>
    <${Section} title="All customers">
      <${ErrorBox} error=${list.error} />
      ${list.loading && page === undefined ? html`<${Loading} />` : null}
      ${page !== undefined && page.data.length === 0 ? html`<${Empty}>No customers.<//>` : null}
      ${page !== undefined && page.data.length > 0
        ? html`<div class="table-wrap"><table class="table">
            <thead><tr><th scope="col">Customer</th><th scope="col">Lifetime volume</th><th scope="col">Default method</th><th scope="col">Created</th></tr></thead>
            <tbody>${page.data.map(
              (c: Customer) => html`<tr>
                <td><a href=${`#/customers/${c.id}`} class="strong">${c.email ?? c.name ?? c.id}</a><div class="muted small">${c.name ?? ''} <code class="id">${c.id}</code></div></td>
                <td><${Volume} volume=${c.lifetimeVolume} /></td>
                <td>${c.defaultPaymentMethod === null ? '—' : html`<code class="id">${c.defaultPaymentMethod}</code>`}</td>
                <td class="nowrap">${formatTime(c.createdAt)}</td>
              </tr>`,
            )}</tbody>
          </table></div>`
        : null}
      <${Pager} paging=${paging} page=${page} />
    <//>
  </div>` as VNode;
}

interface Record_ {
  customer: Customer;
  methods: PaymentMethod[];
  payments: Payment[];
}

async function loadRecord(vinr: Vinr, id: string): Promise<Record_> {
  const [customer, methods, payments] = await Promise.all([
    vinr.customers.retrieve(id),
    vinr.customers.listPaymentMethods(id, { limit: 100 }),
    vinr.payments.list({ customer: id, limit: 50 }),
  ]);
  return { customer, methods: methods.data, payments: payments.data };
}

function CustomerRecord({ id }: { id: string }): VNode {
  const record = useLoad((vinr) => loadRecord(vinr, id), [id]);
  const [refunding, setRefunding] = useState<string | undefined>(undefined);
  const canRefund = useShown('refund');
  if (record.data === undefined) {
    return html`<div class="screen"><p><a href="#/customers">← Customers</a></p><h1>Customer</h1><${ErrorBox} error=${record.error} />${record.loading ? html`<${Loading} />` : null}</div>` as VNode;
  }
  const { customer, methods, payments } = record.data;
  return html`<div class="screen">
    <p><a href="#/customers">← Customers</a></p>
    <h1>${customer.email ?? customer.name ?? customer.id}</h1>
    <${Section} title="Details">
      <dl class="facts">
        <dt>Name</dt><dd>${customer.name ?? '—'}</dd>
        <dt>Email</dt><dd>${customer.email ?? '—'}</dd>
        <dt>Lifetime volume</dt><dd><${Volume} volume=${customer.lifetimeVolume} /></dd>
        <dt>ID</dt><dd><code class="id">${customer.id}</code></dd>
      </dl>
    <//>
    <${Section} title="Stored cards">
      ${methods.length === 0
        ? html`<${Empty}>No stored cards.<//>`
        : html`<ul class="plain">${methods.map(
            (m) => html`<li><span class="card-brand">${m.card.brand}</span> •••• ${m.card.last4} · ${m.card.expMonth}/${m.card.expYear}
              ${m.id === customer.defaultPaymentMethod ? html` <span class="badge">default</span>` : null} <code class="id">${m.id}</code></li>`,
          )}</ul>`}
    <//>
    <${Section} title="Payments">
      ${payments.length === 0
        ? html`<${Empty}>No payments.<//>`
        : html`<div class="table-wrap"><table class="table">
            <thead><tr><th scope="col">Amount</th><th scope="col">Status</th><th scope="col">Created</th><th scope="col">Refund</th></tr></thead>
            <tbody>${payments.map(
              (p) => html`<tr>
                <td><a href=${`#/payments/${p.id}`}><${Money} amount=${p.amount} currency=${p.currency} /></a></td>
                <td><${Status} status=${p.status} /></td>
                <td class="nowrap">${formatTime(p.createdAt)}</td>
                <td>${refunding === p.id
                  ? html`<${RefundAction} payment=${p} customerLabel=${customerLabel(customer, customer.id)} onDone=${() => (setRefunding(undefined), record.reload())} />`
                  : canRefund && refundable(p) > 0
                    ? html`<button type="button" class="small" onClick=${() => setRefunding(p.id)}>Refund…</button>`
                    : html`<span class="muted">—</span>`}</td>
              </tr>`,
            )}</tbody>
          </table></div>`}
    <//>
  </div>` as VNode;
}
