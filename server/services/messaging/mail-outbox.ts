import type { Kysely, Selectable } from 'kysely';
import type { Database, MailOutboxTable } from '../../db/schema';
import type { MailStatus, MailVia, OutboxMailDetailDto, OutboxMailDto, OutboxPageDto } from '../../protocol/messaging';
import type { ServiceEnvironment, ServiceScope } from '../service-scope';
import { decodeCursor, encodeCursor } from './messaging-paging';

/** A mail as the outbox records it before it is handed to a server (or kept). */
export interface OutboxEntry {
  id: string;
  scope: ServiceScope;
  from: string;
  replyTo: string | undefined;
  to: readonly string[];
  subject: string;
  text: string;
  html: string | undefined;
  via: MailVia;
  status: MailStatus;
  createdAt: string;
}

/** One app environment whose mail a list shows: a project's previews, or its published app. */
export interface OutboxSource {
  tenantId: string;
  appId: string;
  environment: ServiceEnvironment;
}

/** Every mail apps sent, in `mail_outbox`: what the IDE's Outbox lists and the rate limit counts. */
export class MailOutbox {
  constructor(private readonly db: Kysely<Database>) {}

  async record(entry: OutboxEntry): Promise<void> {
    await this.db
      .insertInto('mail_outbox')
      .values({
        id: entry.id,
        tenant_id: entry.scope.tenantId,
        app_id: entry.scope.appId,
        environment: entry.scope.environment,
        user_id: entry.scope.userId ?? null,
        from_address: entry.from,
        reply_to: entry.replyTo ?? null,
        recipients: JSON.stringify(entry.to),
        subject: entry.subject,
        text_body: entry.text,
        html_body: entry.html ?? null,
        via: entry.via,
        status: entry.status,
        created_at: entry.createdAt,
      })
      .execute();
  }

  /** Records how the SMTP server answered. */
  async settle(
    id: string,
    outcome: { status: 'sent'; messageId: string; at: string } | { status: 'failed'; error: string },
  ): Promise<void> {
    await this.db
      .updateTable('mail_outbox')
      .set(
        outcome.status === 'sent'
          ? { status: 'sent', message_id: outcome.messageId, sent_at: outcome.at }
          : { status: 'failed', error: outcome.error },
      )
      .where('id', '=', id)
      .execute();
  }

  /** Creation times of the scope's newest `limit` mails since `since`, newest first. */
  async recentTimes(scope: ServiceScope, since: string, limit: number): Promise<string[]> {
    const rows = await this.db
      .selectFrom('mail_outbox')
      .select('created_at')
      .where('tenant_id', '=', scope.tenantId)
      .where('app_id', '=', scope.appId)
      .where('environment', '=', scope.environment)
      .where('created_at', '>', since)
      .orderBy('created_at', 'desc')
      .limit(limit)
      .execute();
    return rows.map((row) => row.created_at);
  }

  /** The sources' mail, newest first, without bodies. */
  async page(sources: readonly OutboxSource[], options: { limit: number; cursor?: string }): Promise<OutboxPageDto> {
    if (sources.length === 0) return { mails: [], nextCursor: null };
    const after = options.cursor ? decodeCursor(options.cursor) : undefined;
    const rows = await this.db
      .selectFrom('mail_outbox')
      .select([
        'id',
        'tenant_id',
        'app_id',
        'environment',
        'user_id',
        'from_address',
        'reply_to',
        'recipients',
        'subject',
        'via',
        'status',
        'error',
        'message_id',
        'created_at',
        'sent_at',
      ])
      .select((eb) => eb('html_body', 'is not', null).as('has_html'))
      .where((eb) =>
        eb.or(
          sources.map((source) =>
            eb.and([
              eb('tenant_id', '=', source.tenantId),
              eb('app_id', '=', source.appId),
              eb('environment', '=', source.environment),
            ]),
          ),
        ),
      )
      .$if(after !== undefined, (query) =>
        query.where((eb) =>
          eb.or([
            eb('created_at', '<', after!.createdAt),
            eb.and([eb('created_at', '=', after!.createdAt), eb('id', '<', after!.id)]),
          ]),
        ),
      )
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(options.limit + 1)
      .execute();
    const mails = rows.slice(0, options.limit).map((row) => toMailDto(row, Boolean(row.has_html)));
    const last = mails.at(-1);
    return {
      mails,
      nextCursor: rows.length > options.limit && last ? encodeCursor({ createdAt: last.createdAt, id: last.id }) : null,
    };
  }

  /** One mail with its bodies, if it belongs to one of the sources. */
  async get(sources: readonly OutboxSource[], id: string): Promise<OutboxMailDetailDto | undefined> {
    const row = await this.db.selectFrom('mail_outbox').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) return undefined;
    const visible = sources.some(
      (source) =>
        source.tenantId === row.tenant_id && source.appId === row.app_id && source.environment === row.environment,
    );
    if (!visible) return undefined;
    return { ...toMailDto(row, row.html_body !== null), text: row.text_body, html: row.html_body };
  }
}

type SummaryRow = Omit<Selectable<MailOutboxTable>, 'text_body' | 'html_body'>;

function toMailDto(row: SummaryRow, hasHtml: boolean): OutboxMailDto {
  return {
    id: row.id,
    appId: row.app_id,
    environment: row.environment === 'production' ? 'production' : 'preview',
    to: JSON.parse(row.recipients) as string[],
    subject: row.subject,
    from: row.from_address,
    replyTo: row.reply_to,
    userId: row.user_id,
    via: row.via as MailVia,
    status: row.status as MailStatus,
    error: row.error,
    hasHtml,
    createdAt: row.created_at,
    sentAt: row.sent_at,
  };
}
