/**
 * One payment: its summary, the timeline (authorization, 3DS, capture, refunds, disputes) with
 * each step's raw event payload, refunds, and the dispute panel with its evidence form.
 */
import type { Customer, Dispute, Event as VinrEvent, Payment, Refund, TimelineEntry, Vinr } from '@vinr/sdk';
import type { VNode } from 'preact';
import { useState } from 'preact/hooks';
import { formatMoney, formatTime } from './format.js';
import { html } from './html.js';
import { RefundAction } from './refund.js';
import { useAction, useAllowed, useLoad, useSession, useShown } from './session.js';
import { ConfirmDialog, CopyButton, ErrorBox, Loading, Money, Payload, Section, Status } from './ui.js';

interface PaymentView {
  payment: Payment;
  timeline: TimelineEntry[];
  events: Map<string, VinrEvent>;
  refunds: Refund[];
  customer: Customer | null;
  dispute: Dispute | null;
}

async function loadPayment(vinr: Vinr, id: string, readEvents: boolean): Promise<PaymentView> {
  const payment = await vinr.payments.retrieve(id);
  const [timeline, events, refunds, customer, dispute] = await Promise.all([
    vinr.payments.timeline(id),
    // Roles without the events permission still see the timeline, without payloads (and the
    // call that would only answer 403 is not made).
    readEvents ? vinr.events.list({ object: id, limit: 100 }).then((page) => page.data, () => [] as VinrEvent[]) : Promise.resolve([] as VinrEvent[]),
    vinr.refunds.list({ payment: id, limit: 100 }),
    payment.customer === null ? Promise.resolve(null) : vinr.customers.retrieve(payment.customer).catch(() => null),
    payment.dispute === null ? Promise.resolve(null) : vinr.disputes.retrieve(payment.dispute),
  ]);
  return { payment, timeline: timeline.data, events: new Map(events.map((e) => [e.id, e])), refunds: refunds.data, customer, dispute };
}

const STEP_LABELS: Readonly<Record<string, string>> = {
  authorization: 'Authorization',
  three_d_secure: '3-D Secure',
  capture: 'Capture',
  failure: 'Failure',
  cancellation: 'Cancellation',
  refund: 'Refund',
  dispute: 'Dispute',
};

export function customerLabel(customer: Customer | null, id: string | null): string {
  if (customer !== null) return customer.email ?? customer.name ?? customer.id;
  return id ?? 'the card holder (no customer on file)';
}

export function PaymentDetail({ id }: { id: string }): VNode {
  const session = useSession();
  const readEvents = useAllowed('readEvents');
  const view = useLoad((vinr) => loadPayment(vinr, id, readEvents), [id]);
  if (view.data === undefined) {
    return html`<div class="screen"><p><a href="#/payments">← Payments</a></p><h1>Payment</h1><${ErrorBox} error=${view.error} />${view.loading ? html`<${Loading} />` : null}</div>` as VNode;
  }
  const { payment, timeline, events, refunds, customer, dispute } = view.data;
  return html`<div class="screen">
    <p><a href="#/payments">← Payments</a></p>
    <div class="title-row">
      <h1><${Money} amount=${payment.amount} currency=${payment.currency} /></h1>
      <${Status} status=${payment.status} />
      <code class="id">${payment.id}</code><${CopyButton} text=${payment.id} label="Copy payment id" />
    </div>
    <${ErrorBox} error=${view.error} />
    <div class="grid-2">
      <${Section} title="Summary">
        <dl class="facts">
          <dt>Customer</dt><dd>${payment.customer === null ? '—' : html`<a href=${`#/customers/${payment.customer}`}>${customerLabel(customer, payment.customer)}</a>`}</dd>
          <dt>Card</dt><dd>${payment.card === null ? '—' : `${payment.card.brand} •••• ${payment.card.last4} (${payment.card.expMonth}/${payment.card.expYear})`}</dd>
          <dt>Captured</dt><dd><${Money} amount=${payment.amountCaptured} currency=${payment.currency} /></dd>
          <dt>Refunded</dt><dd data-testid="amount-refunded"><${Money} amount=${payment.amountRefunded} currency=${payment.currency} /></dd>
          <dt>Description</dt><dd>${payment.description ?? '—'}</dd>
          <dt>Created</dt><dd>${formatTime(payment.createdAt)}</dd>
          ${payment.failureMessage === null ? null : html`<dt>Failure</dt><dd>${payment.failureCode}: ${payment.failureMessage}</dd>`}
        </dl>
      <//>
      <${Section} title="Refund">
        <${RefundAction} payment=${payment} customerLabel=${customerLabel(customer, payment.customer)} onDone=${view.reload} />
        ${refunds.length === 0
          ? html`<p class="muted">No refunds.</p>`
          : html`<ul class="plain" data-testid="refund-list">${refunds.map(
              (r) => html`<li><${Money} amount=${r.amount} currency=${r.currency} /> <code class="id">${r.id}</code> <span class="muted">${formatTime(r.createdAt)}</span></li>`,
            )}</ul>`}
      <//>
    </div>
    ${dispute === null
      ? html`<${SimulateDispute} payment=${payment} onDone=${view.reload} />`
      : html`<${DisputePanel} dispute=${dispute} onDone=${view.reload} />`}
    <${Section} title="Timeline">
      <ol class="timeline" data-testid="timeline">
        ${timeline.map((step) => {
          const event = events.get(step.eventId);
          return html`<li class="step">
            <div class="step-head">
              <strong>${STEP_LABELS[step.type] ?? step.type}</strong>
              ${step.outcome === null ? null : html`<${Status} status=${step.outcome} />`}
              ${step.amount === null ? null : html`<${Money} amount=${step.amount} currency=${payment.currency} />`}
              ${step.object === null ? null : html`<code class="id">${step.object}</code>`}
              <span class="muted">${formatTime(step.at)}</span>
            </div>
            ${event === undefined
              ? html`<p class="muted small">Event <code>${step.eventId}</code>${readEvents ? '' : ' (this role cannot read events)'}</p>`
              : html`<details><summary>Event ${event.type} <code>${event.id}</code></summary><${Payload} value=${event} label=${`payload of ${event.id}`} /></details>`}
          </li>`;
        })}
      </ol>
    <//>
  </div>` as VNode;
}

/** The dispute: status, deadline, and the evidence form (irreversible, refused after the due date). */
function DisputePanel({ dispute, onDone }: { dispute: Dispute; onDone: () => void }): VNode {
  const session = useSession();
  const shown = useShown('respondToDisputes');
  const [text, setText] = useState('');
  const [files, setFiles] = useState('');
  const [confirming, setConfirming] = useState(false);
  const open = dispute.status === 'needs_response' && dispute.evidence === null;
  return html`<${Section} title="Dispute">
    <dl class="facts" data-testid="dispute">
      <dt>Status</dt><dd><${Status} status=${dispute.status} /></dd>
      <dt>Amount</dt><dd><${Money} amount=${dispute.amount} currency=${dispute.currency} /></dd>
      <dt>Reason</dt><dd>${dispute.reason.replace(/_/g, ' ')}</dd>
      <dt>Respond by</dt><dd><strong>${formatTime(dispute.dueBy)}</strong></dd>
      <dt>ID</dt><dd><code class="id">${dispute.id}</code></dd>
    </dl>
    ${dispute.evidence === null
      ? null
      : html`<div class="evidence" data-testid="evidence-submitted">
          <h3>Evidence submitted ${formatTime(dispute.evidence.submittedAt)}</h3>
          <p class="prewrap">${dispute.evidence.text}</p>
          ${dispute.evidence.files.length === 0 ? null : html`<p class="muted">Files: ${dispute.evidence.files.join(', ')}</p>`}
        </div>`}
    ${open && shown
      ? html`<form class="stack" onSubmit=${(e: Event) => (e.preventDefault(), setConfirming(true))} aria-label="Dispute evidence">
          <div class="field">
            <label for="evidence-text">Evidence</label>
            <textarea id="evidence-text" rows="4" required value=${text} onInput=${(e: Event) => setText((e.currentTarget as HTMLTextAreaElement).value)}></textarea>
          </div>
          <div class="field">
            <label for="evidence-files">File names (comma-separated, up to 5)</label>
            <input id="evidence-files" value=${files} onInput=${(e: Event) => setFiles((e.currentTarget as HTMLInputElement).value)} />
          </div>
          <p class="warning">Evidence is final once submitted: it cannot be changed or added to. The due date is ${formatTime(dispute.dueBy)}.</p>
          <div><button type="submit" class="primary">Submit evidence…</button></div>
        </form>`
      : null}
    ${confirming
      ? html`<${ConfirmDialog}
          title="Submit this evidence?"
          confirmLabel="Submit evidence"
          onConfirm=${async () => {
            const names = files.split(',').map((f) => f.trim()).filter((f) => f !== '');
            await session.vinr.disputes.submitEvidence(dispute.id, { text, ...(names.length === 0 ? {} : { files: names }) });
            onDone();
          }}
          onClose=${() => setConfirming(false)}
        ><p>Submitting is irreversible: the evidence for <code>${dispute.id}</code> cannot be changed afterwards.</p><//>`
      : null}
  <//>` as VNode;
}

/** Test mode only: open a dispute on a completed payment (the sandbox's test helper). */
function SimulateDispute({ payment, onDone }: { payment: Payment; onDone: () => void }): VNode | null {
  const session = useSession();
  const shown = useShown('testHelpers');
  const action = useAction();
  if (session.mode !== 'test' || payment.status !== 'completed' || !shown) return null;
  return html`<${Section} title="Dispute" level=${3}>
    <p class="muted">No dispute. In the sandbox you can simulate a cardholder opening one.</p>
    <button type="button" disabled=${action.busy} onClick=${() => action.run(async () => {
      await session.vinr.testHelpers.payments.dispute(payment.id, { reason: 'fraudulent' });
      onDone();
    })}>Simulate a dispute</button>
    <${ErrorBox} error=${action.error} />
  <//>` as VNode;
}
