/** Settings → Webhooks: register `we_` endpoints for chosen events, their delivery log, replay. */
import type { EventType, WebhookEndpoint } from '@vinr/sdk';
import type { VNode } from 'preact';
import { useState } from 'preact/hooks';
import { formatTime } from './format.js';
import { html } from './html.js';
import { useAction, useLoad, useSession } from './session.js';
import { CopyButton, Empty, ErrorBox, Loading, Pager, Section, Status, usePaging } from './ui.js';

type Selector = EventType | `${string}.*` | '*';

const CHOICES: readonly Selector[] = ['*', 'payment.*', 'refund.*', 'dispute.*', 'customer.*', 'payment_method.*', 'settlement.*', 'payout.*', 'api_key.*', 'team_member.*', 'account.*', 'webhook_endpoint.*'];

export function WebhooksSettings(): VNode {
  const session = useSession();
  const list = useLoad((vinr) => vinr.webhooks.list({ limit: 100 }), []);
  const [url, setUrl] = useState('');
  const [events, setEvents] = useState<Selector[]>(['payment.*']);
  const [created, setCreated] = useState<WebhookEndpoint | undefined>(undefined);
  const action = useAction();
  const toggle = (choice: Selector, on: boolean): void => setEvents(on ? [...events, choice] : events.filter((e) => e !== choice));
  const register = (e: Event): void => {
    e.preventDefault();
    void action.run(async () => {
      setCreated(await session.vinr.webhooks.create({ url: url.trim(), enabledEvents: events }));
      setUrl('');
      list.reload();
    });
  };
  return html`<${Section} title="Webhook endpoints">
    <form class="stack" onSubmit=${register} aria-label="Register an endpoint">
      <div class="field"><label for="wh-url">Endpoint URL</label><input id="wh-url" type="url" required placeholder="https://example.com/webhooks/vinr" value=${url} onInput=${(e: Event) => setUrl((e.currentTarget as HTMLInputElement).value)} /></div>
      <fieldset class="choices"><legend>Events to send</legend>
        ${CHOICES.map((c) => html`<label class="check"><input type="checkbox" checked=${events.includes(c)} onChange=${(e: Event) => toggle(c, (e.currentTarget as HTMLInputElement).checked)} /> ${c === '*' ? 'all events' : c}</label>`)}
      </fieldset>
      <div><button type="submit" class="primary" disabled=${action.busy || events.length === 0}>Register endpoint</button></div>
    </form>
    ${created?.secret === undefined
      ? null
      : html`<div class="reveal" role="status"><p><strong>Signing secret of ${created.id}:</strong> copy it now, it is not shown again.</p>
          <code class="secret">${created.secret}</code> <${CopyButton} text=${created.secret} label="Copy the signing secret" /></div>`}
    <${ErrorBox} error=${action.error ?? list.error} />
    ${list.loading && list.data === undefined ? html`<${Loading} />` : null}
    ${list.data !== undefined && list.data.data.length === 0 ? html`<${Empty}>No endpoints.<//>` : null}
    ${list.data !== undefined && list.data.data.length > 0
      ? html`<div class="table-wrap"><table class="table" data-testid="webhooks-table">
          <thead><tr><th scope="col">URL</th><th scope="col">Events</th><th scope="col">Status</th><th scope="col">ID</th></tr></thead>
          <tbody>${list.data.data.map(
            (w) => html`<tr>
              <td><a href=${`#/settings/webhooks/${w.id}`} class="strong">${w.url}</a></td>
              <td class="small">${w.enabledEvents.join(', ')}</td>
              <td><${Status} status=${w.status} /></td>
              <td><code class="id">${w.id}</code></td>
            </tr>`,
          )}</tbody>
        </table></div>`
      : null}
  <//>` as VNode;
}

export function WebhookDetail({ id }: { id: string }): VNode {
  const session = useSession();
  const paging = usePaging();
  const endpoint = useLoad((vinr) => vinr.webhooks.retrieve(id), [id]);
  const deliveries = useLoad((vinr) => vinr.webhooks.listDeliveries(id, { limit: 20, ...(paging.cursor === undefined ? {} : { startingAfter: paging.cursor }) }), [id, paging.cursor]);
  const action = useAction();
  const [queued, setQueued] = useState<string | undefined>(undefined);
  const replay = (deliveryId: string): void => {
    void action.run(async () => {
      await session.vinr.webhooks.replayDelivery(id, deliveryId);
      // The API queues the attempt and answers at once; its outcome is in the log a moment later.
      setQueued(deliveryId);
      deliveries.reload();
      setTimeout(deliveries.reload, 1_000);
    });
  };
  const page = deliveries.data;
  return html`<div>
    <p><a href="#/settings/webhooks">← Webhook endpoints</a></p>
    <${ErrorBox} error=${endpoint.error} />
    ${endpoint.data === undefined
      ? null
      : html`<${Section} title=${endpoint.data.url}>
          <dl class="facts"><dt>ID</dt><dd><code class="id">${endpoint.data.id}</code></dd><dt>Status</dt><dd><${Status} status=${endpoint.data.status} /></dd>
            <dt>Events</dt><dd>${endpoint.data.enabledEvents.join(', ')}</dd><dt>Created</dt><dd>${formatTime(endpoint.data.createdAt)}</dd></dl>
        <//>`}
    <${Section} title="Deliveries" actions=${html`<button type="button" class="small" onClick=${deliveries.reload}>Refresh</button>`}>
      <${ErrorBox} error=${action.error ?? deliveries.error} />
      ${queued === undefined ? null : html`<p class="muted" aria-live="polite">Replay of <code>${queued}</code> queued: its attempt shows here once the endpoint answers (Refresh).</p>`}
      ${deliveries.loading && page === undefined ? html`<${Loading} />` : null}
      ${page !== undefined && page.data.length === 0 ? html`<${Empty}>No deliveries yet.<//>` : null}
      ${page !== undefined && page.data.length > 0
        ? html`<div class="table-wrap"><table class="table" data-testid="deliveries-table">
            <thead><tr><th scope="col">Event</th><th scope="col">Status</th><th scope="col">Attempts</th><th scope="col">Next attempt</th><th scope="col"><span class="sr-only">Actions</span></th></tr></thead>
            <tbody>${page.data.map(
              (d) => html`<tr data-delivery=${d.id}>
                <td><code class="event-type">${d.eventType}</code><div class="muted small"><code>${d.event}</code></div></td>
                <td><${Status} status=${d.status} /></td>
                <td data-testid="attempts">${d.attempts.length}${d.attempts.some((a) => a.replay) ? ' (replayed)' : ''}
                  <div class="muted small">${d.attempts.map((a) => (a.responseStatus === null ? (a.error ?? 'no response') : `HTTP ${a.responseStatus}`)).join(' · ')}</div></td>
                <td class="nowrap">${formatTime(d.nextAttemptAt)}</td>
                <td><button type="button" class="small" disabled=${action.busy} onClick=${() => replay(d.id)} aria-label=${`Replay delivery ${d.id}`}>Replay</button></td>
              </tr>`,
            )}</tbody>
          </table></div>`
        : null}
      <${Pager} paging=${paging} page=${page} />
    <//>
  </div>` as VNode;
}
