import path from 'node:path';
import type { PublishEvent } from '../../../server/protocol/apps';
import { type Command, connect, resolveTenant, stringOption, tenantOption } from '../cli-context';
import { CliError } from '../cli-errors';
import { preparePublishUpload } from '../pack-folder';
import { publishResultJson, renderPublishEvent, slugFrom } from '../publish-output';

/** `slipway publish [DIR]`: uploads a folder (or WAR/zip) and follows the publish to the end. */
export const publishCommand: Command = {
  spec: {
    name: 'publish',
    summary: 'Publish a folder with slipway.json (or a .war/.zip file) as a new version of an app',
    positionals: ['[DIR]'],
    options: {
      name: {
        type: 'string',
        valueName: 'SLUG',
        description: "App slug: required for a WAR; for a folder it must match slipway.json's name",
      },
      tenant: tenantOption,
      json: { type: 'boolean', description: 'Print one JSON object at the end ({ok, url, version, appId, …})' },
    },
    notes: [
      'DIR defaults to the current folder. .git, node_modules, __pycache__, target and build folders',
      'are not uploaded. The app is created on its first publish. Exit code 1 when the publish fails;',
      'a failed publish changes nothing that serves.',
    ],
  },
  async run(ctx, args) {
    const json = args.values.json === true;
    const target = path.resolve(ctx.cwd, args.positionals[0] ?? '.');
    const upload = await preparePublishUpload(target);
    // A folder's (or zip's) slipway.json names the app, and the registry holds it to that name;
    // a WAR has no manifest, so its slug comes from --name or the file's name.
    const givenName = stringOption(args, 'name');
    const name =
      givenName ??
      (upload.contentType === 'application/java-archive' ? slugFrom(upload.suggestedName ?? '') : undefined);
    const slug = name ?? upload.suggestedName ?? path.basename(target);
    const api = await connect(ctx);
    const tenant = await resolveTenant(api, stringOption(args, 'tenant'));
    if (!json) ctx.out(`Publishing ${upload.description} as ${slug} in ${tenant.tenantSlug}…`);
    const events = api.stream<PublishEvent>(`/tenants/${encodeURIComponent(tenant.tenantId)}/apps/publish`, {
      method: 'POST',
      query: { name },
      body: { bytes: upload.bytes, contentType: upload.contentType },
    });
    for await (const event of events) {
      // A failure is printed once, as the error main() reports.
      if (!json && event.type !== 'failed') for (const line of renderPublishEvent(event)) ctx.out(line);
      if (event.type === 'done') {
        if (json) ctx.out(JSON.stringify(publishResultJson(event)));
        return 0;
      }
      if (event.type === 'failed') {
        const reason = event.detail.replace(/\.?\s*$/, '.');
        throw new CliError(`Publish failed at ${event.stage}: ${reason} Nothing that serves was changed.`, {
          stage: event.stage,
        });
      }
    }
    throw new CliError('The server ended the publish stream without a result; see `slipway versions`.');
  },
};
