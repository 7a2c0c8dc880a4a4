import type { Disposable } from '../../core/disposable';

/** A mail ready to leave the platform: checked, with its sender and headers decided. */
export interface OutgoingMail {
  from: string;
  to: readonly string[];
  replyTo?: string | undefined;
  subject: string;
  text: string;
  html?: string | undefined;
  /** Extra headers naming the app the mail comes from. */
  headers: Readonly<Record<string, string>>;
}

/**
 * Delivers mail to the world (the installation's SMTP server). Without one, the messaging
 * service keeps mail in its outbox only.
 */
export interface MailTransport extends Disposable {
  /** Resolves once the server accepted the mail; rejects with the server's reason otherwise. */
  send(mail: OutgoingMail): Promise<{ messageId: string }>;
}
