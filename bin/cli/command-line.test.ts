import { describe, expect, it } from 'vitest';
import { UsageError } from './cli-errors';
import { commandHelp, parseCommandLine, type CommandSpec } from './command-line';

const specs: CommandSpec[] = [
  {
    name: 'publish',
    summary: 'Publish a folder',
    positionals: ['[DIR]'],
    options: {
      name: { type: 'string', valueName: 'SLUG', description: 'App slug' },
      json: { type: 'boolean', description: 'JSON output' },
    },
  },
  {
    name: 'logs',
    summary: 'Show logs',
    positionals: ['APP'],
    options: { follow: { type: 'boolean', short: 'f', description: 'Follow' } },
  },
];

describe('parseCommandLine', () => {
  it('reads a command with options and an optional positional', () => {
    expect(parseCommandLine(['publish', 'site', '--name', 'hello', '--json'], specs)).toEqual({
      kind: 'run',
      command: 'publish',
      values: { name: 'hello', json: true },
      positionals: ['site'],
    });
    expect(parseCommandLine(['publish'], specs)).toMatchObject({ kind: 'run', positionals: [] });
  });

  it('accepts --name=value and short flags', () => {
    expect(parseCommandLine(['publish', '--name=x1'], specs)).toMatchObject({ values: { name: 'x1' } });
    expect(parseCommandLine(['logs', 'app', '-f'], specs)).toMatchObject({ values: { follow: true } });
  });

  it('refuses unknown commands and options, and missing or extra positionals', () => {
    expect(() => parseCommandLine(['deploy'], specs)).toThrow(/unknown command "deploy"/);
    expect(() => parseCommandLine(['publish', '--bogus'], specs)).toThrow(/publish: Unknown option '--bogus'/);
    expect(() => parseCommandLine(['logs'], specs)).toThrow(/logs: missing APP/);
    expect(() => parseCommandLine(['publish', 'a', 'b'], specs)).toThrow(/unexpected argument "b"/);
    expect(() => parseCommandLine(['publish', '--name'], specs)).toThrow(UsageError);
  });

  it('answers --help for the overview and for each command', () => {
    const overview = parseCommandLine([], specs);
    expect(overview.kind === 'help' && overview.text).toMatch(/publish\s+Publish a folder\n\s+logs\s+Show logs/);
    expect(parseCommandLine(['help', 'logs'], specs)).toEqual({ kind: 'help', text: commandHelp(specs[1]!) });
    const help = parseCommandLine(['publish', 'dir', '--help'], specs);
    expect(help.kind === 'help' && help.text).toContain('Usage: slipway publish [DIR] [OPTIONS]');
    expect(help.kind === 'help' && help.text).toMatch(/--name SLUG\s+App slug/);
    expect(commandHelp(specs[1]!)).toMatch(/-f, --follow\s+Follow/);
  });
});
