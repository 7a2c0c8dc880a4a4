import type { AppDto } from '../../../server/protocol/apps';
import type { SessionDto } from '../../../server/protocol/identity';
import { type Command, connect, resolveTenant, stringOption, tenantOption } from '../cli-context';
import { formatTable } from '../text-table';

/** `slipway apps`: the published apps of a tenant (or of all the user's tenants). */
export const appsCommand: Command = {
  spec: {
    name: 'apps',
    summary: 'List published apps with their active version and URL',
    positionals: [],
    options: { tenant: tenantOption, json: { type: 'boolean', description: 'Print the apps as a JSON array' } },
  },
  async run(ctx, args) {
    const api = await connect(ctx);
    const wanted = stringOption(args, 'tenant');
    const tenants = wanted ? [await resolveTenant(api, wanted)] : (await api.json<SessionDto>('/session')).memberships;
    const apps: AppDto[] = [];
    for (const tenant of tenants) {
      apps.push(...(await api.json<AppDto[]>('/apps', { query: { tenantId: tenant.tenantId } })));
    }
    if (args.values.json === true) {
      ctx.out(JSON.stringify(apps));
      return 0;
    }
    if (apps.length === 0) {
      ctx.out('No apps yet: `slipway publish` a folder, or press Publish in the IDE.');
      return 0;
    }
    const slugOf = new Map(tenants.map((t) => [t.tenantId, t.tenantSlug]));
    const rows = apps.map((a) => [
      a.slug,
      slugOf.get(a.tenantId) ?? a.tenantId,
      a.runtime,
      a.activeVersion === null ? '-' : `v${a.activeVersion}`,
      a.url,
    ]);
    for (const line of formatTable([['APP', 'TENANT', 'RUNTIME', 'ACTIVE', 'URL'], ...rows])) ctx.out(line);
    return 0;
  },
};
