import type { Kysely } from 'kysely';
import type { Database } from '../db/schema';
import type { AppSessions } from './app-sessions';
import { safeReturnPath } from './control-http';

/**
 * The platform half of the login hop: for a signed-in user, issues a single-use code for one
 * app and says where to send the browser — the callback on that app's own host, never elsewhere.
 */
export class AppLoginIssuer {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly sessions: AppSessions,
    /** An app's origin from its slug and its tenant's slug (config.appOriginOf). */
    private readonly originOf: (appSlug: string, tenantSlug: string) => string,
  ) {}

  /** The callback URL on the app's host, or null when there is no such app. */
  async authorize(userId: string, appId: string, returnPath: string, state: string): Promise<string | null> {
    const app = await this.db
      .selectFrom('apps')
      .innerJoin('tenants', 'tenants.id', 'apps.tenant_id')
      .select(['apps.id', 'apps.slug', 'tenants.slug as tenantSlug'])
      .where('apps.id', '=', appId)
      .executeTakeFirst();
    if (!app) return null;
    const code = await this.sessions.createLoginCode(app.id, userId);
    const callback = new URL('/_slipway/callback', this.originOf(app.slug, app.tenantSlug));
    callback.searchParams.set('code', code);
    callback.searchParams.set('state', state);
    callback.searchParams.set('return', safeReturnPath(returnPath));
    return callback.href;
  }
}
