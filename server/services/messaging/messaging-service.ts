import type { Kysely } from 'kysely';
import { DomainError, notFound } from '../../core/errors';
import type { Database } from '../../db/schema';
import type { IdentityService } from '../../identity/identity-service';
import type { Principal } from '../../identity/principal';
import type { MailVia, OutboxMailDetailDto, OutboxPageDto, UserMessagesPageDto } from '../../protocol/messaging';
import type { ProjectService } from '../../workspace/project-service';
import type { ServiceScope } from '../service-scope';
import { addressProblem, checkMail, checkMessage, type MailRequest, type MessageRequest } from './mail-checks';
import { projectScopes } from '../project-scopes';
import { MailOutbox } from './mail-outbox';
import type { MailTransport } from './mail-transport';
import { sortableId } from './messaging-paging';
import { UserMessages } from './user-messages';

/** What the messaging service is built on. */
export interface MessagingDeps {
  db: Kysely<Database>;
  identity: Pick<IdentityService, 'rolesIn' | 'getUser'>;
  projects: Pick<ProjectService, 'open'>;
  /** The installation's SMTP server; without one, mail stays in the outbox for the IDE. */
  transport: MailTransport | undefined;
  /** The From of every mail (SLIPWAY_MAIL_FROM). */
  from: string;
  /** Mails one app (in one environment) may send in an hour. */
  mailsPerHour: number;
  clock?: () => number;
  /** Where failed deliveries are noted (expected failures: quietly). */
  warn?: (message: string) => void;
  /** Told of each in-platform message once it is recorded (the recipient's launchers announce it). */
  onDidMessage?: (message: RecordedUserMessage) => void;
}

/** An in-platform message just recorded. */
export interface RecordedUserMessage {
  id: string;
  tenantId: string;
  recipientId: string;
  subject: string;
  createdAt: string;
}

/** A page request of the IDE's lists. */
export interface PageRequest {
  limit: number;
  cursor?: string | undefined;
}

const HOUR_MS = 60 * 60 * 1000;

/**
 * The messaging platform service: mail to the world (through the installation's SMTP server,
 * or kept in a built-in outbox the developer reads in the IDE) and in-platform messages to the
 * members of the app's tenant. Every mail is recorded in the outbox, whatever became of it.
 */
export class MessagingService {
  private readonly outbox: MailOutbox;
  private readonly messages: UserMessages;
  private readonly clock: () => number;
  // The rate limit's check and the mail's record happen under one lock per app, so concurrent
  // calls cannot all see the last free slot.
  private readonly queues = new Map<string, Promise<unknown>>();

  constructor(private readonly deps: MessagingDeps) {
    this.outbox = new MailOutbox(deps.db);
    this.messages = new UserMessages(deps.db);
    this.clock = deps.clock ?? Date.now;
  }

  /** Sends (or keeps) a mail from the scope's app; `via` says which. */
  async mail(scope: ServiceScope, request: MailRequest): Promise<{ id: string; via: MailVia }> {
    checkMail(request);
    const transport = this.deps.transport;
    const via: MailVia = transport ? 'smtp' : 'outbox';
    const replyTo = scope.userId ? await this.emailOf(scope.userId) : undefined;
    const id = await this.exclusive(`${scope.tenantId}/${scope.appId}/${scope.environment}`, async () => {
      await this.checkRate(scope);
      const now = this.clock();
      const id = sortableId('mail', now);
      await this.outbox.record({
        id,
        scope,
        from: this.deps.from,
        replyTo,
        to: request.to,
        subject: request.subject,
        text: request.text,
        html: request.html,
        via,
        status: transport ? 'sending' : 'outbox',
        createdAt: new Date(now).toISOString(),
      });
      return id;
    });
    if (!transport) return { id, via };
    const appName = await this.appNameOf(scope);
    try {
      const { messageId } = await transport.send({
        from: this.deps.from,
        to: request.to,
        replyTo,
        subject: request.subject,
        text: request.text,
        html: request.html,
        headers: {
          'X-Slipway-App': scope.appId,
          'X-Slipway-App-Name': appName,
          'X-Slipway-Environment': scope.environment,
          'X-Slipway-Mail-Id': id,
          // RFC 3834: automatic mail; well-behaved autoresponders do not answer it.
          'Auto-Submitted': 'auto-generated',
        },
      });
      await this.outbox.settle(id, { status: 'sent', messageId, at: new Date(this.clock()).toISOString() });
    } catch (error) {
      const reason = describeFailure(error);
      await this.outbox.settle(id, { status: 'failed', error: reason });
      this.deps.warn?.(`mail ${id} of app ${scope.appId} (${scope.environment}) failed: ${reason}`);
      throw new DomainError(
        'failed-dependency',
        `The mail server did not take the mail: ${reason}. It is recorded in the outbox as failed.`,
        { id },
      );
    }
    return { id, via };
  }

  /** Leaves a message for a member of the scope's tenant, from the app (and the acting user). */
  async message(scope: ServiceScope, request: MessageRequest): Promise<{ id: string }> {
    checkMessage(request);
    // Users of other tenants are "not found": an app learns nothing about them.
    const roles = await this.deps.identity.rolesIn(request.user, scope.tenantId);
    if (roles.length === 0) throw notFound(`No user "${request.user}" in this app's organisation.`, { field: 'user' });
    const now = this.clock();
    const id = sortableId('msg', now);
    const createdAt = new Date(now).toISOString();
    await this.messages.record({
      id,
      scope,
      recipientId: request.user,
      subject: request.subject,
      body: request.body,
      createdAt,
    });
    const { tenantId } = scope;
    this.deps.onDidMessage?.({ id, tenantId, recipientId: request.user, subject: request.subject, createdAt });
    return { id };
  }

  /**
   * A project's outbox for the IDE: its previews' mail and, once it is published, its app's
   * production mail. Needs a project role; others' projects are "not found".
   */
  async projectOutbox(principal: Principal, projectId: string, page: PageRequest): Promise<OutboxPageDto> {
    return this.outbox.page(await projectScopes(this.deps, principal, projectId), page);
  }

  /** One mail of a project's outbox, with its text and HTML. */
  async projectMail(principal: Principal, projectId: string, mailId: string): Promise<OutboxMailDetailDto> {
    const mail = await this.outbox.get(await projectScopes(this.deps, principal, projectId), mailId);
    if (!mail) throw notFound("No such mail in this project's outbox.");
    return mail;
  }

  /** The signed-in user's messages from the apps of one tenant, or of every tenant they belong to. */
  async inbox(principal: Principal, page: PageRequest & { tenantId?: string }): Promise<UserMessagesPageDto> {
    return this.messages.page(principal.userId, page);
  }

  async markRead(principal: Principal, messageId: string): Promise<void> {
    const found = await this.messages.markRead(principal.userId, messageId, new Date(this.clock()).toISOString());
    if (!found) throw notFound('No such message.');
  }

  /** Refuses the mail over the hourly limit, saying when the next one may go. */
  private async checkRate(scope: ServiceScope): Promise<void> {
    const limit = this.deps.mailsPerHour;
    const now = this.clock();
    const times = await this.outbox.recentTimes(scope, new Date(now - HOUR_MS).toISOString(), limit);
    if (times.length < limit) return;
    // The oldest of the newest `limit` mails leaves the window first.
    const frees = Date.parse(times.at(-1)!) + HOUR_MS;
    const retryAfterSeconds = Math.max(1, Math.ceil((frees - now) / 1000));
    throw new DomainError(
      'too-many-requests',
      `This app sent ${limit} mails in the last hour, its limit; try again in ${retryAfterSeconds} s.`,
      { limit, retryAfterSeconds },
    );
  }

  private async emailOf(userId: string): Promise<string | undefined> {
    try {
      const { email } = await this.deps.identity.getUser(userId);
      return addressProblem(email) === undefined ? email : undefined;
    } catch (error) {
      if (error instanceof DomainError && error.code === 'not-found') return undefined;
      throw error;
    }
  }

  /** What a recipient sees the app called: its title in production, its project's name in preview. */
  private async appNameOf(scope: ServiceScope): Promise<string> {
    const row =
      scope.environment === 'production'
        ? await this.deps.db.selectFrom('apps').select('title as name').where('id', '=', scope.appId).executeTakeFirst()
        : await this.deps.db.selectFrom('projects').select('name').where('id', '=', scope.appId).executeTakeFirst();
    return row?.name ?? scope.appId;
  }

  private async exclusive<T>(key: string, work: () => Promise<T>): Promise<T> {
    const previous = this.queues.get(key) ?? Promise.resolve();
    const result = previous.then(work, work);
    const settled = result.then(
      () => undefined,
      () => undefined,
    );
    this.queues.set(key, settled);
    try {
      return await result;
    } finally {
      if (this.queues.get(key) === settled) this.queues.delete(key);
    }
  }
}

/** A delivery failure as one line for the outbox and the app (never the server's credentials). */
function describeFailure(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  const line = text.replace(/\s+/g, ' ').trim() || 'unknown error';
  return line.length > 500 ? `${line.slice(0, 497)}...` : line;
}
