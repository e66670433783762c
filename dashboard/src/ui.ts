/** Small components every screen uses: errors, money, copy, confirmation, paging, tables. */
import type { ComponentChildren, VNode } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { errorInfo, formatMoney, type ErrorInfo } from './format.js';
import { html } from './html.js';

/** An API failure as the user needs it: the message, and the request id to quote to support. */
export function ErrorBox({ error }: { error: ErrorInfo | undefined }): VNode | null {
  if (error === undefined) return null;
  return html`<div class="error" role="alert">
    <strong>${error.status === 403 ? 'Not allowed for this role' : error.status === undefined ? 'Error' : `Error ${error.status}`}</strong>
    <span class="error-message">${error.message}</span>
    ${error.requestId === undefined ? null : html`<span class="request-id">Request id: <code>${error.requestId}</code></span>`}
  </div>` as VNode;
}

export function Money({ amount, currency }: { amount: number; currency: string }): VNode {
  return html`<span class=${amount < 0 ? 'money negative' : 'money'}>${formatMoney(amount, currency)}</span>` as VNode;
}

export function Status({ status }: { status: string }): VNode {
  return html`<span class=${`badge badge-${status.replace(/[^a-z_]/g, '')}`}>${status.replace(/_/g, ' ')}</span>` as VNode;
}

/** Copies `text` to the clipboard; says whether it worked (the clipboard can be refused). */
export function CopyButton({ text, label }: { text: string; label: string }): VNode {
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');
  const copy = (): void => {
    navigator.clipboard.writeText(text).then(
      () => setState('copied'),
      () => setState('failed'),
    );
  };
  return html`<button type="button" class="small" onClick=${copy} aria-label=${label}>
    ${state === 'copied' ? 'Copied' : state === 'failed' ? 'Copy failed' : 'Copy'}
  </button>` as VNode;
}

/**
 * A modal confirmation (the native `<dialog>`: focus is trapped, Escape cancels). `onConfirm`
 * runs the action; its failure stays in the dialog with the API's message and request id.
 */
export function ConfirmDialog(props: {
  title: string;
  children: ComponentChildren;
  confirmLabel: string;
  danger?: boolean;
  onConfirm: () => Promise<unknown>;
  onClose: () => void;
}): VNode {
  const ref = useRef<HTMLDialogElement>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ErrorInfo | undefined>(undefined);
  useEffect(() => {
    const dialog = ref.current;
    if (dialog !== null && !dialog.open) dialog.showModal();
  }, []);
  const confirm = async (): Promise<void> => {
    setBusy(true);
    setError(undefined);
    try {
      await props.onConfirm();
      ref.current?.close();
    } catch (e) {
      setError(errorInfo(e));
    } finally {
      setBusy(false);
    }
  };
  return html`<dialog ref=${ref} class="dialog" aria-labelledby="dialog-title" onClose=${props.onClose}>
    <h2 id="dialog-title">${props.title}</h2>
    <div class="dialog-body">${props.children}</div>
    <${ErrorBox} error=${error} />
    <div class="dialog-actions">
      <button type="button" onClick=${() => ref.current?.close()}>Cancel</button>
      <button type="button" class=${props.danger === true ? 'danger' : 'primary'} disabled=${busy} onClick=${confirm}>
        ${busy ? 'Working…' : props.confirmLabel}
      </button>
    </div>
  </dialog>` as VNode;
}

/** Cursor paging over a newest-first list: a stack of `startingAfter` cursors. */
export interface Paging {
  readonly cursor: string | undefined;
  readonly page: number;
  next(lastId: string): void;
  previous(): void;
  reset(): void;
}

export function usePaging(): Paging {
  const [stack, setStack] = useState<string[]>([]);
  return {
    cursor: stack[stack.length - 1],
    page: stack.length + 1,
    next: (lastId) => setStack((s) => [...s, lastId]),
    previous: () => setStack((s) => s.slice(0, -1)),
    reset: () => setStack([]),
  };
}

/** Previous and next under a list page (nothing before the first page has loaded). */
export function Pager({ paging, page }: { paging: Paging; page: { hasMore: boolean; data: readonly { id: string }[] } | undefined }): VNode | null {
  if (page === undefined) return null;
  const { hasMore } = page;
  const lastId = page.data[page.data.length - 1]?.id;
  return html`<nav class="pager" aria-label="Pages">
    <button type="button" disabled=${paging.page === 1} onClick=${paging.previous}>Previous</button>
    <span>Page ${paging.page}</span>
    <button type="button" disabled=${!hasMore || lastId === undefined} onClick=${() => lastId !== undefined && paging.next(lastId)}>Next</button>
  </nav>` as VNode;
}

export function Loading(): VNode {
  return html`<p class="muted" role="status">Loading…</p>` as VNode;
}

export function Empty({ children }: { children: ComponentChildren }): VNode {
  return html`<p class="empty">${children}</p>` as VNode;
}

/** A JSON payload, pretty-printed, with its copy button. */
export function Payload({ value, label }: { value: unknown; label: string }): VNode {
  const text = JSON.stringify(value, null, 2);
  return html`<div class="payload">
    <div class="payload-bar"><span class="muted">${label}</span><${CopyButton} text=${text} label=${`Copy ${label}`} /></div>
    <pre tabindex="0">${text}</pre>
  </div>` as VNode;
}

/** A page section with a heading and optional actions on its right. */
export function Section(props: { title: string; actions?: ComponentChildren; children: ComponentChildren; level?: 2 | 3 }): VNode {
  const heading = props.level === 3 ? html`<h3>${props.title}</h3>` : html`<h2>${props.title}</h2>`;
  return html`<section class="card">
    <div class="card-head">${heading}<div class="card-actions">${props.actions}</div></div>
    ${props.children}
  </section>` as VNode;
}
