/**
 * The test mode's clock (settlements, payouts and dispute deadlines move only with it). Shown in
 * test mode only; it uses the Owner's key whatever role is viewed, since it drives the
 * simulator rather than the account.
 */
import type { TestClock } from '@vinr/sdk';
import type { VNode } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { formatTime } from './format.js';
import { html } from './html.js';
import { useAction, useSession } from './session.js';
import { ErrorBox } from './ui.js';

const STEPS: readonly (readonly [string, number])[] = [
  ['+1 hour', 3_600],
  ['+1 day', 86_400],
  ['+7 days', 7 * 86_400],
  ['+30 days', 30 * 86_400],
];

export function ClockControl(): VNode {
  const session = useSession();
  const [clock, setClock] = useState<TestClock | undefined>(undefined);
  const action = useAction();
  useEffect(() => {
    let current = true;
    session.owner.testHelpers.clock.retrieve().then(
      (c) => current && setClock(c),
      () => undefined,
    );
    return () => {
      current = false;
    };
  }, [session.owner, session.revision]);
  const advance = (seconds: number): void => {
    void action.run(async () => {
      setClock(await session.owner.testHelpers.clock.advance({ seconds }));
      session.touch();
    });
  };
  return html`<div class="clock" role="group" aria-label="Sandbox clock">
    <span class="clock-now" data-testid="clock-now" title="The test mode's simulated time">
      ${clock === undefined ? '…' : formatTime(clock.now)}
    </span>
    ${STEPS.map(
      ([label, seconds]) =>
        html`<button type="button" class="small" disabled=${action.busy} onClick=${() => advance(seconds)} aria-label=${`Advance the clock ${label.slice(1)}`}>${label}</button>`,
    )}
    <${ErrorBox} error=${action.error} />
  </div>` as VNode;
}
