/**
 * The `vinr` command's argument parsing: each command declares its flags as data (name, whether
 * it takes a value, its help line) and how many positional arguments it takes; anything else is
 * a usage error that names the offending argument. `--flag value` and `--flag=value` both work.
 */

/** A flag a command accepts. */
export interface FlagSpec {
  /** Without the dashes: `port` for `--port`. */
  name: string;
  /** The value's placeholder in the help (`PORT`), or undefined for a switch. */
  value?: string | undefined;
  help: string;
}

/** A command of `vinr`, as data: its help text is generated from this. */
export interface CommandSpec {
  name: string;
  /** One line, for `vinr --help`. */
  summary: string;
  /** `<event>`, `<duration>`: the positional arguments, in the usage line. */
  positional: readonly string[];
  flags: readonly FlagSpec[];
  /** Paragraphs after the flags: examples, defaults. */
  details: string;
}

export interface ParsedArgs {
  flags: Map<string, string | true>;
  positional: string[];
}

/** Bad input on the command line: `vinr` prints the message and the usage line, and exits 2. */
export class UsageError extends Error {
  override get name(): string {
    return 'UsageError';
  }
}

/** Flags every command takes. */
export const HELP_FLAG: FlagSpec = { name: 'help', help: 'show this help' };

export function parseArgs(spec: CommandSpec, argv: readonly string[]): ParsedArgs {
  const known = new Map([...spec.flags, HELP_FLAG].map((f) => [f.name, f]));
  const flags = new Map<string, string | true>();
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--') {
      positional.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith('-') || arg === '-') {
      positional.push(arg);
      continue;
    }
    if (arg === '-h') {
      flags.set('help', true);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq < 0 ? undefined : eq);
    const flag = arg.startsWith('--') ? known.get(name) : undefined;
    if (flag === undefined) throw new UsageError(`unknown option '${eq < 0 ? arg : arg.slice(0, eq)}' for 'vinr ${spec.name}'`);
    if (flags.has(name)) throw new UsageError(`--${name} was given twice`);
    if (flag.value === undefined) {
      if (eq >= 0) throw new UsageError(`--${name} takes no value`);
      flags.set(name, true);
      continue;
    }
    const value = eq >= 0 ? arg.slice(eq + 1) : argv[++i];
    if (value === undefined || (eq < 0 && value.startsWith('--'))) throw new UsageError(`--${name} needs a value: --${name} ${flag.value}`);
    flags.set(name, value);
  }
  if (flags.has('help')) return { flags, positional };
  if (positional.length !== spec.positional.length) {
    const expected = spec.positional.length === 0 ? 'no arguments' : spec.positional.join(' ');
    const extra = positional.length > spec.positional.length ? ` (unexpected '${positional[spec.positional.length]}')` : '';
    throw new UsageError(`'vinr ${spec.name}' takes ${expected}${extra}`);
  }
  return { flags, positional };
}

/** The usage line: `vinr trigger <event> [--api-base URL] …`. */
export function usageLine(spec: CommandSpec): string {
  const flags = spec.flags.map((f) => `[--${f.name}${f.value === undefined ? '' : ` ${f.value}`}]`);
  return ['vinr', spec.name, ...spec.positional, ...flags].join(' ');
}

/** `vinr <command> --help`. */
export function commandHelp(spec: CommandSpec): string {
  const rows = [...spec.flags, HELP_FLAG].map((f) => [`--${f.name}${f.value === undefined ? '' : ` ${f.value}`}`, f.help] as const);
  const width = Math.max(...rows.map(([left]) => left.length)) + 2;
  return [
    `Usage: ${usageLine(spec)}`,
    '',
    spec.summary,
    '',
    'Options:',
    ...rows.map(([left, help]) => `  ${left.padEnd(width)}${help}`),
    '',
    spec.details.trim(),
    '',
  ].join('\n');
}

/** An integer flag, checked. */
export function integerFlag(args: ParsedArgs, name: string, min: number, max: number): number | undefined {
  const value = args.flags.get(name);
  if (value === undefined || value === true) return undefined;
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n) || n < min || n > max) {
    throw new UsageError(`--${name} must be a whole number from ${min} to ${max}, not '${value}'`);
  }
  return n;
}

/** A string flag's value, if given. */
export function stringFlag(args: ParsedArgs, name: string): string | undefined {
  const value = args.flags.get(name);
  return typeof value === 'string' ? value : undefined;
}
