import type { Kysely } from 'kysely';
import type { Database } from '../db/schema';
import { digestSecret, newSecret, nowIso } from '../identity/tokens';

const CODE_TTL_MS = 60_000;
const SESSION_TTL_MS = 12 * 3600_000;

/**
 * Sessions on app hosts. The platform, where the user is signed in, issues a single-use code
 * for one app; the app host trades it for its own session cookie. Secrets are stored as digests.
 */
export class AppSessions {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly clock: () => number = Date.now,
  ) {}

  /** A code that lets `userId` start a session on the app's host once, within a minute. */
  async createLoginCode(appId: string, userId: string): Promise<string> {
    const code = newSecret('alc_');
    await this.db
      .insertInto('app_login_codes')
      .values({
        code_hash: digestSecret(code),
        app_id: appId,
        user_id: userId,
        expires_at: new Date(this.clock() + CODE_TTL_MS).toISOString(),
      })
      .execute();
    return code;
  }

  /** Uses up a code of this app; returns the new session's secret (for the cookie), or null. */
  async redeemLoginCode(appId: string, code: string): Promise<{ sessionSecret: string; userId: string } | null> {
    const row = await this.db
      .deleteFrom('app_login_codes')
      .where('code_hash', '=', digestSecret(code))
      .where('app_id', '=', appId)
      .returning(['user_id', 'expires_at'])
      .executeTakeFirst();
    if (!row || Date.parse(row.expires_at) <= this.clock()) return null;
    const sessionSecret = newSecret('aps_');
    await this.db
      .insertInto('app_sessions')
      .values({
        id_hash: digestSecret(sessionSecret),
        app_id: appId,
        user_id: row.user_id,
        created_at: nowIso(this.clock),
        expires_at: new Date(this.clock() + SESSION_TTL_MS).toISOString(),
      })
      .execute();
    return { sessionSecret, userId: row.user_id };
  }

  /** The user of a live session of this app. */
  async userOf(appId: string, sessionSecret: string): Promise<string | null> {
    const row = await this.db
      .selectFrom('app_sessions')
      .select(['user_id', 'expires_at'])
      .where('id_hash', '=', digestSecret(sessionSecret))
      .where('app_id', '=', appId)
      .executeTakeFirst();
    if (!row || Date.parse(row.expires_at) <= this.clock()) return null;
    return row.user_id;
  }

  async destroySession(sessionSecret: string): Promise<void> {
    await this.db.deleteFrom('app_sessions').where('id_hash', '=', digestSecret(sessionSecret)).execute();
  }

  async deleteExpired(): Promise<void> {
    const now = nowIso(this.clock);
    await this.db.deleteFrom('app_login_codes').where('expires_at', '<=', now).execute();
    await this.db.deleteFrom('app_sessions').where('expires_at', '<=', now).execute();
  }
}
