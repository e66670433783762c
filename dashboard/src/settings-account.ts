/** Settings → Payouts (schedule, bank account) and Account (business name, default currency). */
import type { Account, AccountUpdateParams, ScheduleParams } from '@vinr/sdk';
import type { VNode } from 'preact';
import { useState } from 'preact/hooks';
import { html } from './html.js';
import { useAction, useLoad, useSession, useShown } from './session.js';
import { ErrorBox, Loading, Section } from './ui.js';

const WEEKDAYS = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'] as const;

type Schedule = Account['settlement']['schedule'];

function scheduleText(s: Schedule): string {
  const anchor = s.anchor === null ? '' : ` (anchor ${s.anchor})`;
  return `${s.interval}${anchor}, paid ${s.delayDays} business day${s.delayDays === 1 ? '' : 's'} after the window`;
}

export function PayoutSettings(): VNode {
  const session = useSession();
  const manage = useShown('manageAccount');
  const account = useLoad((vinr) => vinr.account.retrieve(), []);
  const [holder, setHolder] = useState('');
  const [iban, setIban] = useState('');
  const action = useAction();
  const save = (params: AccountUpdateParams) => (e: Event): void => {
    e.preventDefault();
    void action.run(async () => {
      await session.vinr.account.update(params);
      account.reload();
    });
  };
  const a = account.data;
  return html`<div>
    <${ErrorBox} error=${action.error ?? account.error} />
    ${a === undefined && account.loading ? html`<${Loading} />` : null}
    ${a === undefined
      ? null
      : html`<${Section} title="Payout schedule">
          <dl class="facts">
            <dt>Schedule</dt><dd>${scheduleText(a.settlement.schedule)}</dd>
            ${a.settlement.nextSchedule === null ? null : html`<dt>From the next window</dt><dd>${scheduleText(a.settlement.nextSchedule)}</dd>`}
            <dt>Payout currency</dt><dd>${a.settlement.payoutCurrency}</dd>
            <dt>Account maturity</dt><dd>${a.settlement.maturity}</dd>
          </dl>
          ${manage ? html`<${ScheduleForm} initial=${a.settlement.nextSchedule ?? a.settlement.schedule} busy=${action.busy} save=${save} />` : null}
        <//>
        <${Section} title="Bank account">
          <p>${a.bankAccount === null ? 'No bank account.' : `${a.bankAccount.accountHolderName} · ${a.bankAccount.country} ···· ${a.bankAccount.last4}`}</p>
          ${manage
            ? html`<form class="filters" onSubmit=${save({ bankAccount: { accountHolderName: holder.trim(), iban: iban.replace(/\s/g, '') } })} aria-label="Change the bank account">
                <div class="field grow"><label for="bank-holder">Account holder</label><input id="bank-holder" required value=${holder} onInput=${(e: Event) => setHolder((e.currentTarget as HTMLInputElement).value)} /></div>
                <div class="field grow"><label for="bank-iban">IBAN</label><input id="bank-iban" required autocomplete="off" value=${iban} onInput=${(e: Event) => setIban((e.currentTarget as HTMLInputElement).value)} /></div>
                <div class="field buttons"><button type="submit" class="primary" disabled=${action.busy}>Save bank account</button></div>
              </form>`
            : null}
        <//>`}
  </div>` as VNode;
}

/**
 * Starts from the schedule asked for last, not from daily: saving only a new delay must not turn
 * a weekly or monthly schedule into a daily one. Mounted once the account has loaded, so the
 * reload after a save keeps what was typed.
 */
function ScheduleForm({ initial, busy, save }: { initial: Schedule; busy: boolean; save: (params: AccountUpdateParams) => (e: Event) => void }): VNode {
  const [interval, setInterval_] = useState(initial.interval);
  const [delay, setDelay] = useState('');
  const [weekday, setWeekday] = useState<(typeof WEEKDAYS)[number]>(WEEKDAYS.find((d) => d === initial.anchor) ?? 'monday');
  const [monthDay, setMonthDay] = useState(typeof initial.anchor === 'number' ? String(initial.anchor) : '1');
  // The API takes each anchor only with its interval (and refuses it otherwise).
  const schedule: ScheduleParams = {
    interval,
    ...(delay.trim() === '' ? {} : { delayDays: Number(delay) }),
    ...(interval === 'weekly' ? { weeklyAnchor: weekday } : {}),
    ...(interval === 'monthly' ? { monthlyAnchor: Number(monthDay) } : {}),
  };
  return html`<form class="filters" onSubmit=${save({ settlement: { schedule } })} aria-label="Change the schedule">
    <div class="field"><label for="po-interval">Interval</label>
      <select id="po-interval" value=${interval} onChange=${(e: Event) => setInterval_((e.currentTarget as HTMLSelectElement).value as 'daily')}>
        <option value="daily">Daily</option><option value="weekly">Weekly</option><option value="monthly">Monthly</option>
      </select></div>
    ${interval === 'weekly'
      ? html`<div class="field"><label for="po-weekday">Window starts on</label><select id="po-weekday" value=${weekday} onChange=${(e: Event) => setWeekday((e.currentTarget as HTMLSelectElement).value as 'monday')}>${WEEKDAYS.map((d) => html`<option value=${d}>${d}</option>`)}</select></div>`
      : null}
    ${interval === 'monthly'
      ? html`<div class="field narrow"><label for="po-day">Day of month</label><input id="po-day" type="number" min="1" max="28" value=${monthDay} onInput=${(e: Event) => setMonthDay((e.currentTarget as HTMLInputElement).value)} /></div>`
      : null}
    <div class="field narrow"><label for="po-delay">Delay (business days)</label><input id="po-delay" type="number" min="0" placeholder="unchanged" value=${delay} onInput=${(e: Event) => setDelay((e.currentTarget as HTMLInputElement).value)} /></div>
    <div class="field buttons"><button type="submit" class="primary" disabled=${busy}>Save schedule</button></div>
  </form>` as VNode;
}

export function AccountSettings(): VNode {
  const session = useSession();
  const manage = useShown('manageAccount');
  const account = useLoad((vinr) => vinr.account.retrieve(), []);
  const [name, setName] = useState<string | undefined>(undefined);
  const [currency, setCurrency] = useState<string | undefined>(undefined);
  const action = useAction();
  const a = account.data;
  const save = (e: Event): void => {
    e.preventDefault();
    if (a === undefined) return;
    void action.run(async () => {
      await session.vinr.account.update({ businessName: (name ?? a.businessName).trim(), defaultCurrency: (currency ?? a.defaultCurrency).trim().toUpperCase() });
      account.reload();
      session.touch();
    });
  };
  return html`<${Section} title="Account">
    <${ErrorBox} error=${action.error ?? account.error} />
    ${a === undefined
      ? account.loading
        ? html`<${Loading} />`
        : null
      : html`<form class="stack" onSubmit=${save} aria-label="Account settings">
          <div class="field"><label for="acct-name">Business name</label><input id="acct-name" required disabled=${!manage} value=${name ?? a.businessName} onInput=${(e: Event) => setName((e.currentTarget as HTMLInputElement).value)} /></div>
          <div class="field narrow"><label for="acct-currency">Default currency</label><input id="acct-currency" required maxlength="3" disabled=${!manage} value=${currency ?? a.defaultCurrency} onInput=${(e: Event) => setCurrency((e.currentTarget as HTMLInputElement).value)} /></div>
          <p class="muted small">Account <code>${a.id}</code> · ${a.livemode ? 'live mode (simulated)' : 'sandbox mode'}</p>
          ${manage ? html`<div><button type="submit" class="primary" disabled=${action.busy}>Save</button></div>` : null}
        </form>`}
  <//>` as VNode;
}
