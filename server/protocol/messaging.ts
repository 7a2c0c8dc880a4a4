import { z } from 'zod';

/** What `messaging/mail` accepts (docs/platform-services.md). */
export const MAIL_LIMITS = {
  maxRecipients: 50,
  maxSubjectChars: 200,
  /** Each of `text` and `html`, in UTF-8 bytes. */
  maxBodyBytes: 1024 * 1024,
} as const;

/** What `messaging/message` accepts. */
export const MESSAGE_LIMITS = {
  maxSubjectChars: 200,
  /** In UTF-8 bytes. */
  maxBodyBytes: 64 * 1024,
} as const;

/** How a mail left: through the installation's SMTP server, or kept in the built-in outbox. */
export type MailVia = 'smtp' | 'outbox';

/**
 * `outbox`: kept for the developer (no SMTP server configured); `sending`: handed to the SMTP
 * server; `sent`: accepted by it; `failed`: refused or unreachable (see `error`).
 */
export type MailStatus = 'outbox' | 'sending' | 'sent' | 'failed';

/** A mail an app sent, as the IDE's Outbox lists it (without its bodies). */
export interface OutboxMailDto {
  id: string;
  appId: string;
  environment: 'preview' | 'production';
  to: string[];
  subject: string;
  from: string;
  replyTo: string | null;
  /** The user the app sent it for, when the request carried a verified identity. */
  userId: string | null;
  via: MailVia;
  status: MailStatus;
  error: string | null;
  hasHtml: boolean;
  createdAt: string;
  sentAt: string | null;
}

/** One mail with its bodies. */
export interface OutboxMailDetailDto extends OutboxMailDto {
  text: string;
  html: string | null;
}

/** A page of a project's outbox, newest first; `nextCursor` fetches the older ones. */
export interface OutboxPageDto {
  mails: OutboxMailDto[];
  nextCursor: string | null;
}

/** An in-platform message an app sent to a user. */
export interface UserMessageDto {
  id: string;
  tenantId: string;
  appId: string;
  environment: 'preview' | 'production';
  /** The app's title (production) or project name (preview); null once it is gone. */
  appName: string | null;
  /** The user the app sent it for, if any. */
  from: { id: string; name: string; email: string } | null;
  subject: string;
  body: string;
  createdAt: string;
  readAt: string | null;
}

/** A page of the signed-in user's messages, newest first, and how many are unread in all. */
export interface UserMessagesPageDto {
  messages: UserMessageDto[];
  nextCursor: string | null;
  unread: number;
}

/** `?limit=&cursor=` of the paginated messaging lists. */
export const messagingPageQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(50),
  cursor: z.string().max(200).optional(),
});

/** `GET /messages`: a page, optionally of one organisation's apps only (the launcher shows one at a time). */
export const inboxQuerySchema = messagingPageQuerySchema.extend({
  tenantId: z.string().min(1).max(64).optional(),
});
