/**
 * Refund (full or partial) of one payment, behind a confirmation that states the amount, the
 * customer and that it is irreversible. Used by the payment's page and the customer's record.
 */
import type { Payment } from '@vinr/sdk';
import type { VNode } from 'preact';
import { useState } from 'preact/hooks';
import { errorInfo, formatMoney, parseMoney, type ErrorInfo } from './format.js';
import { html } from './html.js';
import { useAllowed, useShown, useSession } from './session.js';
import { ConfirmDialog, ErrorBox } from './ui.js';

/** What is left to refund: captured minus refunded. */
export function refundable(payment: Payment): number {
  return Math.max(0, payment.amountCaptured - payment.amountRefunded);
}

export function RefundAction(props: { payment: Payment; customerLabel: string; onDone: () => void }): VNode | null {
  const { payment } = props;
  const session = useSession();
  const shown = useShown('refund');
  const allowed = useAllowed('refund');
  const remaining = refundable(payment);
  const [amountText, setAmountText] = useState('');
  const [confirming, setConfirming] = useState<number | undefined>(undefined);
  const [invalid, setInvalid] = useState<ErrorInfo | undefined>(undefined);
  if (!shown) return null;
  const inputId = `refund-amount-${payment.id}`;

  const start = (e: Event): void => {
    e.preventDefault();
    try {
      const amount = amountText.trim() === '' ? remaining : parseMoney(amountText, payment.currency);
      if (amount <= 0) throw new Error('enter an amount above zero');
      setInvalid(undefined);
      setConfirming(amount);
    } catch (error) {
      setInvalid(errorInfo(error));
    }
  };

  return html`<form class="refund" onSubmit=${start} aria-label="Refund">
    ${remaining === 0
      ? html`<p class="muted" data-testid="refund-exhausted">${payment.amountRefunded > 0 ? 'Fully refunded: nothing left to refund.' : 'Nothing captured to refund.'}</p>`
      : html`<p class="muted">Refundable: ${formatMoney(remaining, payment.currency)}</p>`}
    <div class="row">
      <div class="field">
        <label for=${inputId}>Amount (${payment.currency.toUpperCase()}), empty for all that remains</label>
        <input id=${inputId} inputmode="decimal" value=${amountText} onInput=${(e: Event) => setAmountText((e.currentTarget as HTMLInputElement).value)} />
      </div>
      <button type="submit" class="danger" data-testid="refund-button" disabled=${remaining === 0}
        title=${allowed ? undefined : `The ${session.role} role cannot issue refunds: the API will refuse it`}>Refund…</button>
    </div>
    <${ErrorBox} error=${invalid} />
    ${confirming === undefined
      ? null
      : html`<${ConfirmDialog}
          title="Refund this payment?"
          confirmLabel=${`Refund ${formatMoney(confirming, payment.currency)}`}
          danger=${true}
          onConfirm=${async () => {
            await session.vinr.refunds.create({ payment: payment.id, amount: confirming });
            setAmountText('');
            props.onDone();
          }}
          onClose=${() => setConfirming(undefined)}
        >
          <p>Refund <strong>${formatMoney(confirming, payment.currency)}</strong> of payment <code>${payment.id}</code> to <strong>${props.customerLabel}</strong>.</p>
          <p class="warning">Refunds are irreversible: there is no undo, only a new offsetting action.</p>
        <//>`}
  </form>` as VNode;
}
