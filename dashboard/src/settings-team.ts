/** Settings → Team: invite, change role, remove (roles apply per mode). */
import type { Role, TeamMember } from '@vinr/sdk';
import type { VNode } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { formatTime } from './format.js';
import { html } from './html.js';
import { ROLE_LABELS, ROLES } from './roles.js';
import { useAction, useLoad, useSession, useShown } from './session.js';
import { ConfirmDialog, Empty, ErrorBox, Loading, Section } from './ui.js';

export function TeamSettings(): VNode {
  const session = useSession();
  const manage = useShown('manageTeam');
  const list = useLoad((vinr) => vinr.team.list({ limit: 100 }), []);
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<Role>('support');
  const [removing, setRemoving] = useState<TeamMember | undefined>(undefined);
  // A role being saved, by member id. The select is controlled: without this it would snap back
  // to the stored role while the change is in flight, and show the old role until the list reloads.
  const [chosen, setChosen] = useState<Readonly<Record<string, Role>>>({});
  useEffect(() => {
    const members = list.data?.data;
    if (members !== undefined) setChosen((c) => withoutConfirmed(c, members));
  }, [list.data]);
  const action = useAction();
  const invite = (e: Event): void => {
    e.preventDefault();
    void action.run(async () => {
      await session.vinr.team.create({ email: email.trim(), role });
      setEmail('');
      list.reload();
    });
  };
  const change = (member: TeamMember, next: Role): void => {
    setChosen((c) => ({ ...c, [member.id]: next }));
    void action
      .run(async () => {
        await session.vinr.team.update(member.id, { role: next });
        list.reload();
      })
      .then((saved) => {
        if (!saved) setChosen((c) => without(c, member.id));
      });
  };
  return html`<${Section} title=${`Team (${session.mode === 'test' ? 'sandbox' : 'live'} mode)`}>
    <p class="muted">Roles apply per mode: a member of this mode has no access to the other.</p>
    ${manage
      ? html`<form class="filters" onSubmit=${invite} aria-label="Invite a member">
          <div class="field grow"><label for="team-email">Email</label><input id="team-email" type="email" required value=${email} onInput=${(e: Event) => setEmail((e.currentTarget as HTMLInputElement).value)} /></div>
          <div class="field"><label for="team-role">Role</label>
            <select id="team-role" value=${role} onChange=${(e: Event) => setRole((e.currentTarget as HTMLSelectElement).value as Role)}>
              ${ROLES.map((r) => html`<option value=${r}>${ROLE_LABELS[r]}</option>`)}
            </select></div>
          <div class="field buttons"><button type="submit" class="primary" disabled=${action.busy}>Invite</button></div>
        </form>`
      : null}
    <${ErrorBox} error=${action.error ?? list.error} />
    ${list.loading && list.data === undefined ? html`<${Loading} />` : null}
    ${list.data !== undefined && list.data.data.length === 0 ? html`<${Empty}>No team members in this mode yet.<//>` : null}
    ${list.data !== undefined && list.data.data.length > 0
      ? html`<div class="table-wrap"><table class="table" data-testid="team-table">
          <thead><tr><th scope="col">Email</th><th scope="col">Role</th><th scope="col">Added</th><th scope="col"><span class="sr-only">Actions</span></th></tr></thead>
          <tbody>${list.data.data.map(
            (m) => html`<tr>
              <td>${m.email}</td>
              <td>${manage
                ? html`<select aria-label=${`Role of ${m.email}`} value=${chosen[m.id] ?? m.role} onChange=${(e: Event) => change(m, (e.currentTarget as HTMLSelectElement).value as Role)}>
                    ${ROLES.map((r) => html`<option value=${r}>${ROLE_LABELS[r]}</option>`)}
                  </select>`
                : ROLE_LABELS[m.role]}</td>
              <td class="nowrap">${formatTime(m.createdAt)}</td>
              <td>${manage ? html`<button type="button" class="small danger" onClick=${() => setRemoving(m)}>Remove</button>` : null}</td>
            </tr>`,
          )}</tbody>
        </table></div>`
      : null}
    ${removing === undefined
      ? null
      : html`<${ConfirmDialog} title="Remove this member?" confirmLabel="Remove" danger=${true}
          onConfirm=${async () => {
            await session.vinr.team.del(removing.id);
            list.reload();
          }}
          onClose=${() => setRemoving(undefined)}><p>${removing.email} loses access to ${session.mode === 'test' ? 'sandbox' : 'live'} mode at once.</p><//>`}
  <//>` as VNode;
}

function without(chosen: Readonly<Record<string, Role>>, id: string): Record<string, Role> {
  const { [id]: _dropped, ...rest } = chosen;
  return rest;
}

/** The roles still being saved: those the listed members do not show yet. */
function withoutConfirmed(chosen: Readonly<Record<string, Role>>, members: readonly TeamMember[]): Readonly<Record<string, Role>> {
  const confirmed = members.filter((m) => chosen[m.id] === m.role);
  return confirmed.length === 0 ? chosen : confirmed.reduce((c, m) => without(c, m.id), chosen);
}
