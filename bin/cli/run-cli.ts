import type { CliContext, Command } from './cli-context';
import { CliError, errorJson, formatError, UsageError } from './cli-errors';
import { parseCommandLine } from './command-line';
import { appsCommand } from './commands/apps-command';
import { loginCommand } from './commands/login-command';
import { logsCommand } from './commands/logs-command';
import { newCommand } from './commands/new-command';
import { openCommand } from './commands/open-command';
import { publishCommand } from './commands/publish-command';
import { rollbackCommand } from './commands/rollback-command';
import { versionsCommand } from './commands/versions-command';

/** Every command, in the order --help lists them. */
export const COMMANDS: readonly Command[] = [
  loginCommand,
  newCommand,
  publishCommand,
  appsCommand,
  versionsCommand,
  rollbackCommand,
  logsCommand,
  openCommand,
];

/** Exit codes: 0 done, 1 the command failed, 2 the command line was wrong. */
export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

/** Runs one command line; never throws: errors become one line (or one JSON object) and an exit code. */
export async function runCli(argv: readonly string[], ctx: CliContext): Promise<number> {
  const json = argv.includes('--json');
  try {
    const parsed = parseCommandLine(
      argv,
      COMMANDS.map((c) => c.spec),
    );
    if (parsed.kind === 'help') {
      ctx.out(parsed.text);
      return EXIT.ok;
    }
    const command = COMMANDS.find((c) => c.spec.name === parsed.command);
    if (!command) throw new UsageError(`unknown command "${parsed.command}"`);
    return await command.run(ctx, parsed);
  } catch (error) {
    if (json) ctx.out(JSON.stringify(errorJson(error)));
    else ctx.err(`slipway: ${formatError(error)}`);
    if (error instanceof UsageError) {
      if (!json) ctx.err(`Run \`slipway ${error.command ? `${error.command} ` : ''}--help\` for usage.`);
      return EXIT.usage;
    }
    // Anything that is not an expected failure is a bug: say so, still without a stack trace
    // unless asked for one.
    if (!(error instanceof CliError) && ctx.env.SLIPWAY_DEBUG && error instanceof Error) ctx.err(error.stack ?? '');
    return EXIT.failed;
  }
}
