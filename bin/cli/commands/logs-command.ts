import type { AppLogLineDto } from '../../../server/protocol/apps';
import { type Command, connect, resolveApp, stringOption, tenantOption } from '../cli-context';

/** `slipway logs APP [--follow]`: the app's output, optionally followed live. */
export const logsCommand: Command = {
  spec: {
    name: 'logs',
    summary: "Print an app's output; --follow keeps printing until Ctrl+C",
    positionals: ['APP'],
    options: {
      follow: { type: 'boolean', short: 'f', description: 'Keep the stream open and print new lines' },
      tenant: tenantOption,
      json: { type: 'boolean', description: 'Print each line as a JSON object (NDJSON)' },
    },
  },
  async run(ctx, args) {
    const api = await connect(ctx);
    const app = await resolveApp(api, args.positionals[0] ?? '', stringOption(args, 'tenant'));
    const lines = api.stream<AppLogLineDto>(`/apps/${encodeURIComponent(app.id)}/logs`, {
      query: { follow: args.values.follow === true ? 1 : undefined },
      ...(ctx.signal ? { signal: ctx.signal } : {}),
    });
    try {
      for await (const line of lines) {
        ctx.out(args.values.json === true ? JSON.stringify(line) : formatLogLine(line));
      }
    } catch (error) {
      if (ctx.signal?.aborted) return 0; // Ctrl+C ends --follow normally
      throw error;
    }
    return 0;
  },
};

/** `2026-11-22T10:00:00Z v3 a1b2c3d4 ERR text` */
export function formatLogLine(line: AppLogLineDto): string {
  const stream = line.stream === 'stderr' ? 'ERR' : line.stream === 'platform' ? 'SYS' : 'OUT';
  return `${line.at} v${line.version} ${line.instanceId.slice(0, 8)} ${stream} ${line.text}`;
}
