import type { AppVersionDto } from '../../../server/protocol/apps';
import { type Command, connect, resolveApp, stringOption, tenantOption } from '../cli-context';
import { formatTable } from '../text-table';

/** `slipway versions APP`: an app's versions, newest first, with the serving one marked. */
export const versionsCommand: Command = {
  spec: {
    name: 'versions',
    summary: "List an app's versions (newest first); * marks the one that serves",
    positionals: ['APP'],
    options: { tenant: tenantOption, json: { type: 'boolean', description: 'Print the versions as a JSON array' } },
  },
  async run(ctx, args) {
    const api = await connect(ctx);
    const app = await resolveApp(api, args.positionals[0] ?? '', stringOption(args, 'tenant'));
    const versions = await api.json<AppVersionDto[]>(`/apps/${encodeURIComponent(app.id)}/versions`);
    if (args.values.json === true) {
      ctx.out(JSON.stringify(versions));
      return 0;
    }
    const rows = versions.map((v) => [
      `${v.active ? '*' : ' '} v${v.number}`,
      v.state,
      v.health,
      v.source,
      v.commit?.slice(0, 8) ?? '-',
      v.createdAt,
      v.createdByName ?? v.createdBy,
    ]);
    const header = ['  VERSION', 'STATE', 'HEALTH', 'SOURCE', 'COMMIT', 'CREATED', 'BY'];
    for (const line of formatTable([header, ...rows])) ctx.out(line);
    return 0;
  },
};
