import { parseArgs } from 'node:util';
import { UsageError } from './cli-errors';

/** One option of a command, as `node:util` parseArgs declares it, with its help text. */
export interface OptionSpec {
  type: 'string' | 'boolean';
  short?: string;
  /** Shown in --help, e.g. `SLUG`. */
  valueName?: string;
  description: string;
}

/** What a command accepts and how --help describes it. */
export interface CommandSpec {
  name: string;
  summary: string;
  /** Positional arguments in order, e.g. `['[DIR]']` or `['APP']`; optional ones in brackets. */
  positionals: readonly string[];
  options: Readonly<Record<string, OptionSpec>>;
  /** Extra paragraphs for --help. */
  notes?: readonly string[];
}

/** A parsed command line: help to print, or a command with its values. */
export type ParsedCommandLine =
  | { kind: 'help'; text: string }
  | { kind: 'run'; command: string; values: Record<string, string | boolean | undefined>; positionals: string[] };

/** Parses `argv` (without node and the script) against the commands' specs. */
export function parseCommandLine(argv: readonly string[], specs: readonly CommandSpec[]): ParsedCommandLine {
  const [first, ...rest] = argv;
  if (first === undefined || first === '--help' || first === '-h') return { kind: 'help', text: overviewHelp(specs) };
  if (first === 'help') {
    const topic = rest[0];
    return { kind: 'help', text: topic ? commandHelp(findSpec(specs, topic)) : overviewHelp(specs) };
  }
  const spec = findSpec(specs, first);
  if (rest.includes('--help') || rest.includes('-h')) return { kind: 'help', text: commandHelp(spec) };
  const parsed = parseWithSpec(spec, rest);
  const required = spec.positionals.filter((p) => !p.startsWith('[')).length;
  if (parsed.positionals.length < required) {
    throw new UsageError(
      `${spec.name}: missing ${spec.positionals[parsed.positionals.length] ?? 'argument'}`,
      spec.name,
    );
  }
  if (parsed.positionals.length > spec.positionals.length) {
    throw new UsageError(
      `${spec.name}: unexpected argument "${parsed.positionals[spec.positionals.length]}"`,
      spec.name,
    );
  }
  return { kind: 'run', command: spec.name, ...parsed };
}

function findSpec(specs: readonly CommandSpec[], name: string): CommandSpec {
  const spec = specs.find((s) => s.name === name);
  if (!spec) throw new UsageError(`unknown command "${name}"`);
  return spec;
}

function parseWithSpec(
  spec: CommandSpec,
  args: string[],
): { values: Record<string, string | boolean | undefined>; positionals: string[] } {
  const options: Record<string, { type: 'string' | 'boolean'; short?: string }> = {};
  for (const [name, option] of Object.entries(spec.options)) {
    options[name] = option.short ? { type: option.type, short: option.short } : { type: option.type };
  }
  try {
    const { values, positionals } = parseArgs({ args, options, allowPositionals: true, strict: true });
    return { values, positionals };
  } catch (error) {
    // parseArgs explains well but long-windedly; keep its first sentence.
    const message = error instanceof Error ? (error.message.split('. ')[0] ?? error.message) : String(error);
    throw new UsageError(`${spec.name}: ${message.replace(/\.$/, '')}`, spec.name);
  }
}

/** `slipway --help`: every command on one line. */
export function overviewHelp(specs: readonly CommandSpec[]): string {
  const width = Math.max(...specs.map((s) => s.name.length));
  const lines = specs.map((s) => `  ${s.name.padEnd(width)}  ${s.summary}`);
  return [
    'Usage: slipway COMMAND [ARGS] [OPTIONS]',
    '',
    'Commands:',
    ...lines,
    '',
    "Run `slipway COMMAND --help` for a command's options.",
    'SLIPWAY_URL and SLIPWAY_TOKEN override the server and token saved by `slipway login`.',
  ].join('\n');
}

/** `slipway COMMAND --help`: usage line, summary, options. */
export function commandHelp(spec: CommandSpec): string {
  const optionLabel = (name: string, option: OptionSpec): string =>
    `${option.short ? `-${option.short}, ` : ''}--${name}${option.type === 'string' ? ` ${option.valueName ?? 'VALUE'}` : ''}`;
  const entries = Object.entries(spec.options).map(([name, option]) => [optionLabel(name, option), option.description]);
  entries.push(['-h, --help', 'Show this help']);
  const width = Math.max(...entries.map(([label]) => (label ?? '').length));
  const usage = ['slipway', spec.name, ...spec.positionals, '[OPTIONS]'].join(' ');
  return [
    `Usage: ${usage}`,
    '',
    spec.summary,
    ...(spec.notes?.length ? ['', ...spec.notes] : []),
    '',
    'Options:',
    ...entries.map(([label, text]) => `  ${(label ?? '').padEnd(width)}  ${text}`),
  ].join('\n');
}
