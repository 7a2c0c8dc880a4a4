import type { AppDto } from '../../server/protocol/apps';
import type { MembershipDto, SessionDto } from '../../server/protocol/identity';
import { ApiConnection } from './api-connection';
import { CliError } from './cli-errors';
import type { CommandSpec } from './command-line';
import { type CliEnv, configPath, readConfig, resolveConnection } from './config-store';

/** What a command may touch: environment, working folder, output, network. Tests pass fakes. */
export interface CliContext {
  env: CliEnv;
  cwd: string;
  /** Writes one line to standard output. */
  out: (line: string) => void;
  /** Writes one line to standard error. */
  err: (line: string) => void;
  fetch: typeof fetch;
  /** Ends long-running commands (`logs --follow`) on Ctrl+C. */
  signal?: AbortSignal;
  /** Asks for a secret without echo; absent when there is no terminal to ask on. */
  promptSecret?: (question: string) => Promise<string>;
}

/** Parsed values of one command line. */
export interface CommandArgs {
  values: Record<string, string | boolean | undefined>;
  positionals: string[];
}

/** A command: its spec (for parsing and --help) and what it does; resolves to the exit code. */
export interface Command {
  spec: CommandSpec;
  run(ctx: CliContext, args: CommandArgs): Promise<number>;
}

/** A client for the saved (or environment-given) server and token. */
export async function connect(ctx: CliContext): Promise<ApiConnection> {
  const saved = await readConfig(configPath(ctx.env));
  return new ApiConnection(resolveConnection(saved, ctx.env), ctx.fetch);
}

/** A string option's value, or undefined. */
export function stringOption(args: CommandArgs, name: string): string | undefined {
  const value = args.values[name];
  return typeof value === 'string' ? value : undefined;
}

/** The tenant a command acts in: `--tenant` (slug or id), else the user's only/first tenant. */
export async function resolveTenant(api: ApiConnection, wanted: string | undefined): Promise<MembershipDto> {
  const { memberships } = await api.json<SessionDto>('/session');
  if (wanted) {
    const match = memberships.find((m) => m.tenantId === wanted || m.tenantSlug === wanted);
    if (!match) {
      const known = memberships.map((m) => m.tenantSlug).join(', ') || 'none';
      throw new CliError(`You are not a member of tenant "${wanted}" (yours: ${known}).`);
    }
    return match;
  }
  const first = memberships[0];
  if (!first) throw new CliError('Your account belongs to no tenant yet; ask a manager to add you.');
  return first;
}

/** An app by id, or by slug within `--tenant` (or within every tenant of the user). */
export async function resolveApp(api: ApiConnection, wanted: string, tenant: string | undefined): Promise<AppDto> {
  if (/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(wanted)) {
    return api.json<AppDto>(`/apps/${encodeURIComponent(wanted)}`);
  }
  const { memberships } = await api.json<SessionDto>('/session');
  const tenants = tenant ? [await resolveTenant(api, tenant)] : memberships;
  const matches: AppDto[] = [];
  for (const m of tenants) {
    const apps = await api.json<AppDto[]>('/apps', { query: { tenantId: m.tenantId } });
    matches.push(...apps.filter((a) => a.slug === wanted));
  }
  if (matches.length === 0) throw new CliError(`No app "${wanted}"; \`slipway apps\` lists yours.`);
  if (matches.length > 1) throw new CliError(`Several tenants have an app "${wanted}"; add --tenant SLUG.`);
  return matches[0] as AppDto;
}

/** `--tenant` as every command that looks up an app offers it. */
export const tenantOption = {
  type: 'string',
  valueName: 'TENANT',
  description: 'Tenant slug or id (default: your first tenant)',
} as const;
