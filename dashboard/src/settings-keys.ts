/** Settings → API keys: create (a secret shown once), roll (with the guide's 401 warning), revoke. */
import type { ApiKey, Role } from '@vinr/sdk';
import type { VNode } from 'preact';
import { useState } from 'preact/hooks';
import { formatTime } from './format.js';
import { html } from './html.js';
import { ROLE_LABELS, ROLES } from './roles.js';
import { useAction, useLoad, useSession, useShown } from './session.js';
import { ConfirmDialog, CopyButton, Empty, ErrorBox, Loading, Section, Status } from './ui.js';

export function ApiKeysSettings(): VNode {
  const session = useSession();
  const manage = useShown('manageApiKeys');
  const list = useLoad((vinr) => vinr.apiKeys.list({ limit: 100 }), []);
  const [type, setType] = useState<'secret' | 'publishable'>('secret');
  const [role, setRole] = useState<Role>('developer');
  const [name, setName] = useState('');
  const [revealed, setRevealed] = useState<ApiKey | undefined>(undefined);
  const [rolling, setRolling] = useState<ApiKey | undefined>(undefined);
  const [revoking, setRevoking] = useState<ApiKey | undefined>(undefined);
  const action = useAction();
  const create = (e: Event): void => {
    e.preventDefault();
    void action.run(async () => {
      const key = await session.vinr.apiKeys.create({ type, ...(type === 'secret' ? { role } : {}), ...(name.trim() === '' ? {} : { name: name.trim() }) });
      setRevealed(key);
      setName('');
      list.reload();
    });
  };
  return html`<${Section} title=${`API keys (${session.mode === 'test' ? 'sandbox' : 'live'} mode)`}>
    ${manage
      ? html`<form class="filters" onSubmit=${create} aria-label="Create a key">
          <div class="field"><label for="key-type">Type</label>
            <select id="key-type" value=${type} onChange=${(e: Event) => setType((e.currentTarget as HTMLSelectElement).value as 'secret' | 'publishable')}>
              <option value="secret">Secret</option><option value="publishable">Publishable</option>
            </select></div>
          ${type === 'secret'
            ? html`<div class="field"><label for="key-role">Role</label>
                <select id="key-role" value=${role} onChange=${(e: Event) => setRole((e.currentTarget as HTMLSelectElement).value as Role)}>
                  ${ROLES.map((r) => html`<option value=${r}>${ROLE_LABELS[r]}</option>`)}
                </select></div>`
            : null}
          <div class="field grow"><label for="key-name">Name</label><input id="key-name" value=${name} onInput=${(e: Event) => setName((e.currentTarget as HTMLInputElement).value)} /></div>
          <div class="field buttons"><button type="submit" class="primary" disabled=${action.busy}>Create key</button></div>
        </form>`
      : null}
    ${revealed?.secret === undefined
      ? null
      : html`<div class="reveal" role="status" data-testid="revealed-secret">
          <p><strong>${revealed.rolledAt === null ? 'New key' : 'Rolled key'}:</strong> copy it now, it is not shown again.</p>
          <code class="secret">${revealed.secret}</code> <${CopyButton} text=${revealed.secret} label="Copy the new secret key" />
        </div>`}
    <${ErrorBox} error=${action.error ?? list.error} />
    ${list.loading && list.data === undefined ? html`<${Loading} />` : null}
    ${list.data !== undefined && list.data.data.length === 0 ? html`<${Empty}>No keys.<//>` : null}
    ${list.data !== undefined && list.data.data.length > 0
      ? html`<div class="table-wrap"><table class="table" data-testid="keys-table">
          <thead><tr><th scope="col">Key</th><th scope="col">Name</th><th scope="col">Role</th><th scope="col">Status</th><th scope="col">Created</th><th scope="col"><span class="sr-only">Actions</span></th></tr></thead>
          <tbody>${list.data.data.map(
            (k) => html`<tr data-key=${k.id}>
              <td><code class="id">${k.redacted}</code></td>
              <td>${k.name ?? '—'}</td>
              <td>${k.role === null ? 'publishable' : ROLE_LABELS[k.role]}</td>
              <td><${Status} status=${k.status} /></td>
              <td class="nowrap">${formatTime(k.createdAt)}</td>
              <td class="actions">${manage && k.status === 'active'
                ? html`<button type="button" class="small" onClick=${() => setRolling(k)} aria-label=${`Roll ${k.redacted}`}>Roll…</button>
                    <button type="button" class="small danger" onClick=${() => setRevoking(k)} aria-label=${`Revoke ${k.redacted}`}>Revoke…</button>`
                : null}</td>
            </tr>`,
          )}</tbody>
        </table></div>`
      : null}
    ${rolling === undefined
      ? null
      : html`<${ConfirmDialog} title="Roll this key?" confirmLabel="Roll key" danger=${true}
          onConfirm=${async () => {
            setRevealed(await session.vinr.apiKeys.roll(rolling.id));
            list.reload();
          }}
          onClose=${() => setRolling(undefined)}>
          <p>Rolling <code>${rolling.redacted}</code> invalidates the old secret <strong>immediately</strong>.</p>
          <p class="warning">Update your server's VINR_SECRET_KEY first, or its requests will start returning 401.</p>
        <//>`}
    ${revoking === undefined
      ? null
      : html`<${ConfirmDialog} title="Revoke this key?" confirmLabel="Revoke key" danger=${true}
          onConfirm=${async () => {
            await session.vinr.apiKeys.revoke(revoking.id);
            list.reload();
          }}
          onClose=${() => setRevoking(undefined)}>
          <p><code>${revoking.redacted}</code> stops working at once: every request with it answers 401. This cannot be undone.</p>
        <//>`}
  <//>` as VNode;
}
