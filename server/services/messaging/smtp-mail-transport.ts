import nodemailer, { type SMTPSentMessageInfo, type SMTPTransportOptions } from 'nodemailer';
import type Mail from 'nodemailer/lib/mailer';
import type { MailTransport, OutgoingMail } from './mail-transport';

/** How long an unresponsive server may keep an app's request waiting, step by step. */
export interface SmtpTimeouts {
  connectMs: number;
  greetingMs: number;
  socketMs: number;
}

const DEFAULT_TIMEOUTS: SmtpTimeouts = { connectMs: 10_000, greetingMs: 10_000, socketMs: 30_000 };

/**
 * Sends through one SMTP server, named by an `smtp://` (STARTTLS when offered) or `smtps://`
 * (TLS) URL with the credentials in it. A connection per mail: apps send little, and nothing
 * is left open between mails.
 */
export class SmtpMailTransport implements MailTransport {
  private readonly transporter: Mail<SMTPSentMessageInfo, SMTPTransportOptions>;

  constructor(url: URL, timeouts: SmtpTimeouts = DEFAULT_TIMEOUTS) {
    if (url.protocol !== 'smtp:' && url.protocol !== 'smtps:')
      throw new Error(`An SMTP URL starts with smtp:// or smtps://, got ${url.protocol}//`);
    this.transporter = nodemailer.createTransport({
      url: url.href,
      connectionTimeout: timeouts.connectMs,
      greetingTimeout: timeouts.greetingMs,
      socketTimeout: timeouts.socketMs,
    });
  }

  async send(mail: OutgoingMail): Promise<{ messageId: string }> {
    const info = await this.transporter.sendMail({
      from: mail.from,
      to: [...mail.to],
      ...(mail.replyTo ? { replyTo: mail.replyTo } : {}),
      subject: mail.subject,
      text: mail.text,
      ...(mail.html !== undefined ? { html: mail.html } : {}),
      headers: { ...mail.headers },
      // The bodies are the app's: never let them name files or URLs for nodemailer to embed.
      disableFileAccess: true,
      disableUrlAccess: true,
    });
    return { messageId: info.messageId };
  }

  dispose(): void {
    this.transporter.close();
  }
}
