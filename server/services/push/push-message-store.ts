import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema';
import type { ServiceScope } from '../service-scope';

/** A message kept for a user, as a connecting page receives it. */
export interface StoredPushMessage {
  seq: number;
  id: string;
  /** The app that sent it (launchers hear several). */
  appId: string;
  /** JSON text. */
  body: string;
  sentAt: string;
}

/** Whose kept messages: one app's (a page), or every app's of the organisation (a launcher). */
export interface KeptMessagesScope {
  tenantId: string;
  environment: ServiceScope['environment'];
  appId?: string;
}

/** What the hub needs of the store: a user's queue in order, and removing what pages acknowledged. */
export interface PushQueue {
  /** Unexpired messages after `afterSeq`, oldest first. */
  pending(
    scope: KeptMessagesScope,
    userId: string,
    page: { afterSeq: number; now: number; limit: number },
  ): Promise<StoredPushMessage[]>;
  remove(scope: KeptMessagesScope, userId: string, seqs: readonly number[]): Promise<void>;
}

type Scope = Omit<ServiceScope, 'userId'>;

/** `push_messages`: messages for users with no open page, kept until acknowledged or expired. */
export class PushMessageStore implements PushQueue {
  constructor(private readonly db: Kysely<Database>) {}

  async add(
    scope: Scope,
    userId: string,
    message: { id: string; body: string; sentAt: string; expiresAt: number },
  ): Promise<void> {
    await this.db
      .insertInto('push_messages')
      .values({
        id: message.id,
        tenant_id: scope.tenantId,
        app_id: scope.appId,
        environment: scope.environment,
        user_id: userId,
        body: message.body,
        sent_at: message.sentAt,
        expires_at: new Date(message.expiresAt).toISOString(),
      })
      .execute();
  }

  /** How many unexpired messages wait for the user. */
  async count(scope: Scope, userId: string, now: number): Promise<number> {
    const row = await this.ofUser(scope, userId)
      .where('expires_at', '>', new Date(now).toISOString())
      .select((eb) => eb.fn.countAll<number | string>().as('count'))
      .executeTakeFirst();
    return Number(row?.count ?? 0);
  }

  async pending(
    scope: KeptMessagesScope,
    userId: string,
    page: { afterSeq: number; now: number; limit: number },
  ): Promise<StoredPushMessage[]> {
    const rows = await this.ofUser(scope, userId)
      .where('seq', '>', page.afterSeq)
      .where('expires_at', '>', new Date(page.now).toISOString())
      .select(['seq', 'id', 'app_id', 'body', 'sent_at'])
      .orderBy('seq')
      .limit(page.limit)
      .execute();
    return rows.map((row) => ({
      seq: Number(row.seq),
      id: row.id,
      appId: row.app_id,
      body: row.body,
      sentAt: row.sent_at,
    }));
  }

  async remove(scope: KeptMessagesScope, userId: string, seqs: readonly number[]): Promise<void> {
    if (seqs.length === 0) return;
    let query = this.db
      .deleteFrom('push_messages')
      .where('tenant_id', '=', scope.tenantId)
      .where('environment', '=', scope.environment)
      .where('user_id', '=', userId)
      .where('seq', 'in', [...seqs]);
    if (scope.appId !== undefined) query = query.where('app_id', '=', scope.appId);
    await query.execute();
  }

  /** Deletes every expired message; returns how many. */
  async removeExpired(now: number): Promise<number> {
    const result = await this.db
      .deleteFrom('push_messages')
      .where('expires_at', '<=', new Date(now).toISOString())
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  private ofUser(scope: KeptMessagesScope, userId: string) {
    const query = this.db
      .selectFrom('push_messages')
      .where('tenant_id', '=', scope.tenantId)
      .where('environment', '=', scope.environment)
      .where('user_id', '=', userId);
    return scope.appId === undefined ? query : query.where('app_id', '=', scope.appId);
  }
}
