import type { Kysely } from 'kysely';
import type { Database } from '../db/schema';
import { digestSecret, newSecret } from '../identity/tokens';

/** Who a preview request belongs to, once its cookie checked out. */
export interface PreviewVisitor {
  projectId: string;
  userId: string;
}

const LINK_TTL_MS = { frame: 60_000, phone: 10 * 60_000 } as const;
const SESSION_TTL_MS = 12 * 3600_000;

/**
 * Access to preview origins without the developer's platform cookie: the IDE asks for a
 * single-use link; opening it on the preview origin trades it for a preview session cookie
 * that is valid for that project only. Secrets are stored as digests.
 */
export class PreviewAccess {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly clock: () => number = Date.now,
  ) {}

  async createLink(
    projectId: string,
    userId: string,
    appPath: string,
    purpose: 'frame' | 'phone',
  ): Promise<{ token: string; expiresAt: Date }> {
    const token = newSecret('pvl_');
    const expiresAt = new Date(this.clock() + LINK_TTL_MS[purpose]);
    await this.db
      .insertInto('preview_links')
      .values({
        token_hash: digestSecret(token),
        project_id: projectId,
        user_id: userId,
        path: appPath,
        expires_at: expiresAt.toISOString(),
      })
      .execute();
    return { token, expiresAt };
  }

  /** Uses up a link of this project; returns the session secret for the cookie and the path to open. */
  async redeemLink(
    projectId: string,
    token: string,
  ): Promise<{ sessionSecret: string; path: string; userId: string } | null> {
    const link = await this.db
      .deleteFrom('preview_links')
      .where('token_hash', '=', digestSecret(token))
      .where('project_id', '=', projectId)
      .returningAll()
      .executeTakeFirst();
    if (!link || Date.parse(link.expires_at) <= this.clock()) return null;
    const sessionSecret = newSecret('pvs_');
    await this.db
      .insertInto('preview_sessions')
      .values({
        id_hash: digestSecret(sessionSecret),
        project_id: projectId,
        user_id: link.user_id,
        expires_at: new Date(this.clock() + SESSION_TTL_MS).toISOString(),
      })
      .execute();
    return { sessionSecret, path: link.path, userId: link.user_id };
  }

  async resolveSession(projectId: string, secret: string): Promise<PreviewVisitor | null> {
    const row = await this.db
      .selectFrom('preview_sessions')
      .select(['project_id', 'user_id', 'expires_at'])
      .where('id_hash', '=', digestSecret(secret))
      .where('project_id', '=', projectId)
      .executeTakeFirst();
    if (!row || Date.parse(row.expires_at) <= this.clock()) return null;
    return { projectId: row.project_id, userId: row.user_id };
  }

  async deleteExpired(): Promise<void> {
    const now = new Date(this.clock()).toISOString();
    await this.db.deleteFrom('preview_links').where('expires_at', '<=', now).execute();
    await this.db.deleteFrom('preview_sessions').where('expires_at', '<=', now).execute();
  }
}
