import type { ProjectDto } from '../../../server/protocol/projects';
import { type Command, connect, resolveTenant, stringOption, tenantOption } from '../cli-context';
import { UsageError } from '../cli-errors';

/** `slipway new NAME --template ID`: creates a project from a template. */
export const newCommand: Command = {
  spec: {
    name: 'new',
    summary: 'Create a project from a template and print where to open it in the IDE',
    positionals: ['NAME'],
    options: {
      template: { type: 'string', valueName: 'ID', description: 'Template id, e.g. python-hello or java-hello' },
      tenant: tenantOption,
      json: { type: 'boolean', description: 'Print the project as JSON' },
    },
  },
  async run(ctx, args) {
    const templateId = stringOption(args, 'template');
    if (!templateId) throw new UsageError('new: --template is required', 'new');
    const api = await connect(ctx);
    const tenant = await resolveTenant(api, stringOption(args, 'tenant'));
    const project = await api.json<ProjectDto>(`/tenants/${encodeURIComponent(tenant.tenantId)}/projects`, {
      method: 'POST',
      json: { name: args.positionals[0], templateId },
    });
    const ideUrl = `${api.connection.url}/ide/${project.id}`;
    if (args.values.json === true) ctx.out(JSON.stringify({ ...project, ideUrl }));
    else ctx.out(`Created ${project.name} (${project.runtime}) in ${tenant.tenantSlug}: ${ideUrl}`);
    return 0;
  },
};
