import type { AppDto } from '../../../server/protocol/apps';
import { type Command, connect, resolveApp, stringOption, tenantOption } from '../cli-context';
import { UsageError } from '../cli-errors';

/** `slipway rollback APP [--to N]`: serves an earlier ready version again. */
export const rollbackCommand: Command = {
  spec: {
    name: 'rollback',
    summary: 'Serve an earlier version again (default: the previous ready one)',
    positionals: ['APP'],
    options: {
      to: { type: 'string', valueName: 'N', description: 'Version number to serve, e.g. 2' },
      tenant: tenantOption,
      json: { type: 'boolean', description: 'Print the app as JSON once the switch is done' },
    },
  },
  async run(ctx, args) {
    const to = stringOption(args, 'to');
    const version = to === undefined ? undefined : Number(to.replace(/^v/i, ''));
    if (version !== undefined && (!Number.isInteger(version) || version < 1)) {
      throw new UsageError(`rollback: --to must be a version number like 2, not "${to}"`, 'rollback');
    }
    const api = await connect(ctx);
    const app = await resolveApp(api, args.positionals[0] ?? '', stringOption(args, 'tenant'));
    const updated = await api.json<AppDto>(`/apps/${encodeURIComponent(app.id)}/rollback`, {
      method: 'POST',
      json: version === undefined ? {} : { version },
    });
    if (args.values.json === true) ctx.out(JSON.stringify(updated));
    else ctx.out(`${updated.slug} now serves v${updated.activeVersion ?? '?'}: ${updated.url}`);
    return 0;
  },
};
