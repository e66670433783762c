/** Events: the log, filterable by type (or family) and object, each payload copyable. */
import type { EventListParams, EventType } from '@vinr/sdk';
import type { VNode } from 'preact';
import { useState } from 'preact/hooks';
import { formatTime } from './format.js';
import { html } from './html.js';
import { useLoad } from './session.js';
import { Empty, ErrorBox, Loading, Pager, Payload, Section, usePaging } from './ui.js';

const FAMILIES = ['payment.*', 'refund.*', 'dispute.*', 'customer.*', 'payment_method.*', 'api_key.*', 'team_member.*', 'settlement.*', 'payout.*', 'account.*', 'webhook_endpoint.*'];

export function EventsScreen(): VNode {
  const [type, setType] = useState('');
  const [object, setObject] = useState('');
  const [applied, setApplied] = useState({ type: '', object: '' });
  const paging = usePaging();
  const list = useLoad((vinr) => {
    const params: EventListParams = { limit: 25 };
    if (applied.type !== '') params.type = applied.type as EventType;
    if (applied.object !== '') params.object = applied.object;
    if (paging.cursor !== undefined) params.startingAfter = paging.cursor;
    return vinr.events.list(params);
  }, [applied, paging.cursor]);
  const page = list.data;
  return html`<div class="screen">
    <h1>Events</h1>
    <form class="filters" onSubmit=${(e: Event) => (e.preventDefault(), setApplied({ type: type.trim(), object: object.trim() }), paging.reset())}>
      <div class="field">
        <label for="ev-type">Type</label>
        <input id="ev-type" list="ev-types" placeholder="payment.* or payment.refunded" value=${type} onInput=${(e: Event) => setType((e.currentTarget as HTMLInputElement).value)} />
        <datalist id="ev-types">${FAMILIES.map((f) => html`<option value=${f} />`)}</datalist>
      </div>
      <div class="field grow">
        <label for="ev-object">Object id</label>
        <input id="ev-object" placeholder="pay_…, cust_…, dp_…" value=${object} onInput=${(e: Event) => setObject((e.currentTarget as HTMLInputElement).value)} />
      </div>
      <div class="field buttons"><button type="submit" class="primary">Apply</button></div>
    </form>
    <${Section} title="Event log">
      <${ErrorBox} error=${list.error} />
      ${list.loading && page === undefined ? html`<${Loading} />` : null}
      ${page !== undefined && page.data.length === 0 ? html`<${Empty}>No events match.<//>` : null}
      <ul class="events" data-testid="events">
        ${(page?.data ?? []).map(
          (event) => html`<li>
            <details>
              <summary><code class="event-type">${event.type}</code> <code class="id">${(event.data as { id?: string }).id ?? ''}</code> <span class="muted">${formatTime(event.createdAt)}</span></summary>
              <${Payload} value=${event} label=${`payload of ${event.id}`} />
            </details>
          </li>`,
        )}
      </ul>
      <${Pager} paging=${paging} page=${page} />
    <//>
  </div>` as VNode;
}
