import { hostname } from 'node:os';
import type { CreatedApiTokenDto, SessionDto } from '../../../server/protocol/identity';
import { ApiConnection } from '../api-connection';
import { type Command, stringOption } from '../cli-context';
import { CliError, UsageError } from '../cli-errors';
import { configPath, normaliseUrl, writeConfig } from '../config-store';

/** `slipway login`: signs in once, creates an API token and saves it with the server's URL. */
export const loginCommand: Command = {
  spec: {
    name: 'login',
    summary: 'Sign in to a Slipway server and save an API token for later commands',
    positionals: [],
    options: {
      url: { type: 'string', valueName: 'URL', description: 'Server URL (default: $SLIPWAY_URL)' },
      email: { type: 'string', valueName: 'EMAIL', description: 'Your e-mail address' },
      password: {
        type: 'string',
        valueName: 'PASSWORD',
        description: 'Your password (asked for when omitted on a terminal)',
      },
      token: { type: 'string', valueName: 'TOKEN', description: 'Save this existing API token instead of signing in' },
    },
    notes: [
      'The token is saved in ~/.config/slipway/config.json (mode 0600). With --email and --password, a',
      'new API token named after this machine is created; the password itself is never saved.',
    ],
  },
  async run(ctx, args) {
    const rawUrl = stringOption(args, 'url') ?? ctx.env.SLIPWAY_URL;
    if (!rawUrl) throw new UsageError('login: --url is required (or set SLIPWAY_URL)', 'login');
    const url = normaliseUrl(rawUrl);
    const given = stringOption(args, 'token');
    const email = stringOption(args, 'email');
    let password = stringOption(args, 'password');
    // Asked for rather than typed on the command line, where shell history would keep it.
    if (!given && email && !password && ctx.promptSecret) password = await ctx.promptSecret('Password: ');
    if (!given && (!email || !password)) {
      throw new UsageError('login: give --email and --password, or --token', 'login');
    }
    const token = given ?? (await createToken(url, email ?? '', password ?? '', ctx.fetch));
    // Prove the token works before saving it.
    const session = await new ApiConnection({ url, token }, ctx.fetch).json<SessionDto>('/session');
    const file = configPath(ctx.env);
    await writeConfig(file, { url, token, email: session.user.email });
    ctx.out(`Logged in to ${url} as ${session.user.email}; token saved in ${file}.`);
    return 0;
  },
};

/** Signs in with the password, creates an API token with that session, then ends the session. */
async function createToken(url: string, email: string, password: string, fetchImpl: typeof fetch): Promise<string> {
  const anonymous = new ApiConnection({ url }, fetchImpl);
  const login = await anonymous.send('/auth/login', { method: 'POST', json: { email, password } });
  const session = (await login.json()) as SessionDto;
  const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0];
  if (!cookie) throw new CliError('The server signed you in but sent no session cookie.');
  const signedIn = anonymous.withHeaders({ cookie, 'x-csrf-token': session.csrfToken });
  const created = await signedIn.json<CreatedApiTokenDto>('/tokens', {
    method: 'POST',
    json: { name: `slipway CLI on ${hostname()}`.slice(0, 100) },
  });
  await signedIn.send('/auth/logout', { method: 'POST' }).catch(() => undefined);
  return created.token;
}
