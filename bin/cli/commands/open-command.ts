import { spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import path from 'node:path';
import type { CliEnv } from '../config-store';
import { type Command, connect, resolveApp, stringOption, tenantOption } from '../cli-context';

/** `slipway open APP`: prints the app's URL and opens it when a browser is at hand. */
export const openCommand: Command = {
  spec: {
    name: 'open',
    summary: "Print an app's URL, and open it in a browser when one is available",
    positionals: ['APP'],
    options: {
      tenant: tenantOption,
      'no-browser': { type: 'boolean', description: 'Only print the URL' },
    },
  },
  async run(ctx, args) {
    const api = await connect(ctx);
    const app = await resolveApp(api, args.positionals[0] ?? '', stringOption(args, 'tenant'));
    ctx.out(app.url);
    const opener = args.values['no-browser'] === true ? null : browserOpener(ctx.env);
    if (opener) {
      // Detached and ignored: a browser is a convenience, never a requirement.
      const child = spawn(opener, [app.url], { detached: true, stdio: 'ignore' });
      child.on('error', () => undefined);
      child.unref();
    }
    return 0;
  },
};

/** $BROWSER, else xdg-open/open when a display exists; null on a headless machine. */
export function browserOpener(env: CliEnv): string | null {
  if (env.BROWSER) return env.BROWSER;
  if (process.platform === 'darwin') return 'open';
  if (!env.DISPLAY && !env.WAYLAND_DISPLAY) return null;
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    const candidate = path.join(dir, 'xdg-open');
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // keep looking
    }
  }
  return null;
}
