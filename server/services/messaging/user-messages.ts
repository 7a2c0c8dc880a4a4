import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema';
import type { UserMessageDto, UserMessagesPageDto } from '../../protocol/messaging';
import type { ServiceScope } from '../service-scope';
import { decodeCursor, encodeCursor } from './messaging-paging';

/** A message as an app sends it. */
export interface NewUserMessage {
  id: string;
  scope: ServiceScope;
  recipientId: string;
  subject: string;
  body: string;
  createdAt: string;
}

/** In-platform messages in `user_messages`: sent by apps, read by their recipients in the platform. */
export class UserMessages {
  constructor(private readonly db: Kysely<Database>) {}

  async record(message: NewUserMessage): Promise<void> {
    await this.db
      .insertInto('user_messages')
      .values({
        id: message.id,
        tenant_id: message.scope.tenantId,
        app_id: message.scope.appId,
        environment: message.scope.environment,
        recipient_id: message.recipientId,
        sender_id: message.scope.userId ?? null,
        subject: message.subject,
        body: message.body,
        created_at: message.createdAt,
        read_at: null,
      })
      .execute();
  }

  /** A user's messages from one tenant or every tenant, newest first, and how many of those are unread. */
  async page(
    recipientId: string,
    options: { limit: number; cursor?: string; tenantId?: string },
  ): Promise<UserMessagesPageDto> {
    const after = options.cursor ? decodeCursor(options.cursor) : undefined;
    const rows = await this.db
      .selectFrom('user_messages as m')
      .leftJoin('users as sender', 'sender.id', 'm.sender_id')
      // Previews send under their project's id, published apps under the app's.
      .leftJoin('apps', (join) => join.onRef('apps.id', '=', 'm.app_id').on('m.environment', '=', 'production'))
      .leftJoin('projects', (join) => join.onRef('projects.id', '=', 'm.app_id').on('m.environment', '=', 'preview'))
      .select([
        'm.id',
        'm.tenant_id',
        'm.app_id',
        'm.environment',
        'm.subject',
        'm.body',
        'm.created_at',
        'm.read_at',
        'sender.id as sender_id',
        'sender.name as sender_name',
        'sender.email as sender_email',
        'apps.title as app_title',
        'projects.name as project_name',
      ])
      .where('m.recipient_id', '=', recipientId)
      .$if(options.tenantId !== undefined, (query) => query.where('m.tenant_id', '=', options.tenantId!))
      .$if(after !== undefined, (query) =>
        query.where((eb) =>
          eb.or([
            eb('m.created_at', '<', after!.createdAt),
            eb.and([eb('m.created_at', '=', after!.createdAt), eb('m.id', '<', after!.id)]),
          ]),
        ),
      )
      .orderBy('m.created_at', 'desc')
      .orderBy('m.id', 'desc')
      .limit(options.limit + 1)
      .execute();
    const messages: UserMessageDto[] = rows.slice(0, options.limit).map((row) => ({
      id: row.id,
      tenantId: row.tenant_id,
      appId: row.app_id,
      environment: row.environment === 'production' ? 'production' : 'preview',
      appName: row.app_title ?? row.project_name ?? null,
      from:
        row.sender_id !== null
          ? { id: row.sender_id, name: row.sender_name ?? '', email: row.sender_email ?? '' }
          : null,
      subject: row.subject,
      body: row.body,
      createdAt: row.created_at,
      readAt: row.read_at,
    }));
    const unread = await this.db
      .selectFrom('user_messages')
      .select((eb) => eb.fn.countAll().as('n'))
      .where('recipient_id', '=', recipientId)
      .$if(options.tenantId !== undefined, (query) => query.where('tenant_id', '=', options.tenantId!))
      .where('read_at', 'is', null)
      .executeTakeFirstOrThrow();
    const last = messages.at(-1);
    return {
      messages,
      nextCursor: rows.length > options.limit && last ? encodeCursor({ createdAt: last.createdAt, id: last.id }) : null,
      unread: Number(unread.n),
    };
  }

  /** Marks the recipient's message read (once: the first time stays); false when it is not theirs. */
  async markRead(recipientId: string, id: string, at: string): Promise<boolean> {
    const row = await this.db
      .selectFrom('user_messages')
      .select('read_at')
      .where('id', '=', id)
      .where('recipient_id', '=', recipientId)
      .executeTakeFirst();
    if (!row) return false;
    if (row.read_at === null)
      await this.db
        .updateTable('user_messages')
        .set({ read_at: at })
        .where('id', '=', id)
        .where('read_at', 'is', null)
        .execute();
    return true;
  }
}
