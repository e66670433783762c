/**
 * `vinr`, the package's command (`npx @vinr/sdk sandbox`). Each command is a spec (its flags
 * as data, help generated from it) and a function; this module picks one, turns SIGINT/SIGTERM
 * into a graceful stop, and maps failures to exit codes: 2 for bad input on the command line,
 * 1 for anything else, with one clear message and no stack trace.
 */
import { readFileSync } from 'node:fs';
import { advanceCommand, runAdvance } from './advance.js';
import { commandHelp, parseArgs, UsageError, usageLine, type CommandSpec, type ParsedArgs } from './args.js';
import { listenCommand, runListen } from './listen.js';
import { processOutput, type Output } from './output.js';
import { runSandbox, sandboxCommand } from './sandbox-command.js';
import { runTrigger, triggerCommand } from './trigger.js';

type Run = (args: ParsedArgs, env: NodeJS.ProcessEnv, out: Output, stop: Promise<void>) => Promise<void>;

const COMMANDS: readonly { spec: CommandSpec; run: Run }[] = [
  { spec: sandboxCommand, run: (args, _env, out, stop) => runSandbox(args, out, stop) },
  { spec: listenCommand, run: runListen },
  { spec: triggerCommand, run: (args, env, out) => runTrigger(args, env, out) },
  { spec: advanceCommand, run: (args, env, out) => runAdvance(args, env, out) },
];

function mainHelp(): string {
  const width = Math.max(...COMMANDS.map((c) => c.spec.name.length)) + 2;
  return [
    'Usage: vinr <command> [options]',
    '',
    'The VINR sandbox on your machine: a local API server and webhook tools.',
    '',
    'Commands:',
    ...COMMANDS.map(({ spec }) => `  ${spec.name.padEnd(width)}${spec.summary}`),
    '',
    "Run 'vinr <command> --help' for a command's options. 'vinr --version' prints the version.",
    '',
  ].join('\n');
}

function version(): string {
  const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version?: unknown };
  return String(manifest.version);
}

/** A promise that resolves on the first SIGINT or SIGTERM; a second one exits at once. */
function stopSignal(out: Output): Promise<void> {
  return new Promise((resolve) => {
    let stopping = false;
    const onSignal = (): void => {
      if (stopping) {
        out.error('stopped without finishing');
        process.exit(130);
      }
      stopping = true;
      resolve();
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
}

export async function main(argv: readonly string[], env: NodeJS.ProcessEnv, out: Output): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    out.line(mainHelp());
    return name === undefined ? 2 : 0;
  }
  if (name === '--version' || name === '-v') {
    out.line(version());
    return 0;
  }
  const command = COMMANDS.find((c) => c.spec.name === name);
  if (command === undefined) {
    out.error(`vinr: unknown command '${name}'. Commands: ${COMMANDS.map((c) => c.spec.name).join(', ')} ('vinr --help')`);
    return 2;
  }
  try {
    const args = parseArgs(command.spec, rest);
    if (args.flags.has('help')) {
      out.line(commandHelp(command.spec));
      return 0;
    }
    await command.run(args, env, out, stopSignal(out));
    return 0;
  } catch (e) {
    if (e instanceof UsageError) {
      out.error(`vinr ${name}: ${e.message}\nUsage: ${usageLine(command.spec)}`);
      return 2;
    }
    out.error(`vinr ${name}: ${describeFailure(e)}`);
    return 1;
  }
}

/** One line for a failure: the SDK's errors carry a code and, from the API, a request id. */
function describeFailure(e: unknown): string {
  if (!(e instanceof Error)) return String(e);
  const fields = e as Error & { code?: unknown; requestId?: unknown; param?: unknown };
  const details = [
    typeof fields.code === 'string' ? `code ${fields.code}` : undefined,
    typeof fields.param === 'string' ? `param ${fields.param}` : undefined,
    typeof fields.requestId === 'string' ? `request ${fields.requestId}` : undefined,
  ].filter((d) => d !== undefined);
  // A storage failure at start wraps what the adapter said (the file and offset of a corrupt log).
  const cause = e.cause instanceof Error ? `: ${e.cause.message}` : '';
  return details.length === 0 ? `${e.message}${cause}` : `${e.message}${cause} (${details.join(', ')})`;
}
