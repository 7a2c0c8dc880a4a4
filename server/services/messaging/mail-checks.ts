import { invalidInput, tooLarge } from '../../core/errors';
import { MAIL_LIMITS, MESSAGE_LIMITS } from '../../protocol/messaging';

/** A mail as an app asks to send it. */
export interface MailRequest {
  to: readonly string[];
  subject: string;
  text: string;
  html?: string | undefined;
}

/** An in-platform message as an app asks to send it. */
export interface MessageRequest {
  user: string;
  subject: string;
  body: string;
}

// A bare address only: no display names, comments, quoted local parts or lists, so that what the
// app sent is exactly one recipient and nothing in it can be read as another header.
const LOCAL_PART = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/;
// Letters of any script (nodemailer sends international domains as punycode).
const DOMAIN_LABEL = /^[\p{L}\p{N}]([\p{L}\p{N}-]{0,61}[\p{L}\p{N}])?$/u;
const LINE_BREAK = /[\r\n]/;
// C0 controls but tab, and DEL: nothing a subject line should carry.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f]/;

/** Why `address` is not a plain mail address (`name@example.com`), or undefined when it is one. */
export function addressProblem(address: string): string | undefined {
  if (LINE_BREAK.test(address)) return 'it contains a line break, which would inject mail headers';
  if (address.length > 254) return 'it is longer than 254 characters';
  if (/[,;]/.test(address)) return 'it lists several addresses; give each its own element of "to"';
  const at = address.lastIndexOf('@');
  if (at <= 0 || at === address.length - 1) return 'it is not of the form name@example.com';
  const local = address.slice(0, at);
  const domain = address.slice(at + 1);
  if (local.length > 64 || !LOCAL_PART.test(local))
    return "the part before @ may hold only letters, digits, dots and !#$%&'*+/=?^_`{|}~- (no spaces, names or <>)";
  const labels = domain.split('.');
  if (labels.length < 2 || !labels.every((label) => DOMAIN_LABEL.test(label)))
    return 'the part after @ is not a domain name like example.com';
  if (/^\d+$/.test(labels.at(-1) ?? '')) return 'the part after @ is not a domain name like example.com';
  return undefined;
}

/** Refuses a mail an SMTP server must never see: bad or too many addresses, header injection, sizes. */
export function checkMail(mail: MailRequest): void {
  if (mail.to.length === 0) throw invalidInput('Name at least one recipient in "to".', { field: 'to' });
  if (mail.to.length > MAIL_LIMITS.maxRecipients)
    throw invalidInput(`A mail goes to at most ${MAIL_LIMITS.maxRecipients} recipients; "to" has ${mail.to.length}.`, {
      field: 'to',
      limit: MAIL_LIMITS.maxRecipients,
    });
  mail.to.forEach((address, index) => {
    const problem = addressProblem(address);
    if (problem)
      throw invalidInput(`"${printable(address)}" (to.${index}) is not a valid mail address: ${problem}.`, {
        field: `to.${index}`,
      });
  });
  checkSubject(mail.subject, MAIL_LIMITS.maxSubjectChars);
  checkSize('text', mail.text, MAIL_LIMITS.maxBodyBytes);
  if (mail.html !== undefined) checkSize('html', mail.html, MAIL_LIMITS.maxBodyBytes);
}

/** Refuses a message with an empty or multi-line subject, or a body over the limit. */
export function checkMessage(message: MessageRequest): void {
  if (!message.user) throw invalidInput('Name the user to send the message to in "user".', { field: 'user' });
  checkSubject(message.subject, MESSAGE_LIMITS.maxSubjectChars);
  if (!message.subject.trim()) throw invalidInput('The subject must not be empty.', { field: 'subject' });
  checkSize('body', message.body, MESSAGE_LIMITS.maxBodyBytes);
}

function checkSubject(subject: string, maxChars: number): void {
  if (LINE_BREAK.test(subject))
    throw invalidInput('The subject must be one line: a line break in it would inject mail headers.', {
      field: 'subject',
    });
  if (CONTROL.test(subject))
    throw invalidInput('The subject must not contain control characters.', { field: 'subject' });
  const chars = [...subject].length;
  if (chars > maxChars)
    throw invalidInput(`The subject is ${chars} characters long; the limit is ${maxChars}.`, {
      field: 'subject',
      limit: maxChars,
    });
}

function checkSize(field: string, value: string, maxBytes: number): void {
  const bytes = Buffer.byteLength(value, 'utf8');
  if (bytes > maxBytes)
    throw tooLarge(`"${field}" is ${bytes} bytes; the limit is ${maxBytes}.`, { field, limit: maxBytes });
}

/** An address as an error message may quote it: one line, not endless. */
function printable(text: string): string {
  const line = text.replace(/[\r\n]/g, (c) => (c === '\r' ? '\\r' : '\\n'));
  return line.length > 80 ? `${line.slice(0, 77)}...` : line;
}
