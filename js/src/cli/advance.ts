/** `vinr advance <duration>`: moves the sandbox's test-mode clock forward. */
import { UsageError, type CommandSpec, type ParsedArgs } from './args.js';
import { connect, CONNECTION_FLAGS } from './connect.js';
import type { Output } from './output.js';

export const advanceCommand: CommandSpec = {
  name: 'advance',
  summary: "Moves the sandbox's test-mode clock forward: settlements, payouts, dispute deadlines and webhook retries that fall due run.",
  positional: ['<duration>'],
  flags: CONNECTION_FLAGS,
  details: `
<duration> is a number and a unit, or several: 30s, 90m, 12h, 2d, 1w, 1d12h.

Examples:
  vinr advance 2d
  vinr advance 1d12h --api-base http://127.0.0.1:12111/v1`,
};

const UNIT_SECONDS: Readonly<Record<string, number>> = { s: 1, m: 60, h: 3600, d: 86_400, w: 604_800 };

/** `1d12h` → 129600. Throws a `UsageError` naming the input. */
export function parseDuration(text: string): number {
  const part = /(\d+)([smhdw])/gy;
  let seconds = 0;
  let end = 0;
  for (let m = part.exec(text); m !== null; m = part.exec(text)) {
    seconds += Number(m[1]) * (UNIT_SECONDS[m[2] as string] as number);
    end = part.lastIndex;
  }
  if (text === '' || end !== text.length || !Number.isSafeInteger(seconds) || seconds === 0) {
    throw new UsageError(`'${text}' is not a duration: use a number and a unit (s, m, h, d, w), e.g. 2d or 1d12h`);
  }
  return seconds;
}

export async function runAdvance(args: ParsedArgs, env: NodeJS.ProcessEnv, out: Output): Promise<void> {
  const seconds = parseDuration(args.positional[0] as string);
  const vinr = connect(args, env);
  const clock = await vinr.testHelpers.clock.advance({ seconds });
  out.line(`test clock advanced by ${args.positional[0]}: it is now ${clock.now} (${formatOffset(clock.offsetSeconds)} ahead of real time)`);
}

function formatOffset(seconds: number): string {
  const days = Math.floor(seconds / 86_400);
  const rest = seconds % 86_400;
  const hh = String(Math.floor(rest / 3600)).padStart(2, '0');
  const mm = String(Math.floor((rest % 3600) / 60)).padStart(2, '0');
  return `${days}d ${hh}:${mm}`;
}
