import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

/** A mail as the test SMTP server received it. */
export interface ReceivedMail {
  /** MAIL FROM and RCPT TO. */
  envelope: { from: string; to: string[] };
  /** Header names in lower case, folded lines joined. */
  headers: Record<string, string>;
  /** Everything after the headers, as sent (MIME parts and all). */
  body: string;
}

/**
 * A real SMTP server on loopback for tests: plain SMTP with a password login, keeping what it
 * receives; `refuse` makes it answer RCPT TO for an address with a 550.
 */
export class SmtpTestServer {
  private constructor(
    /** What the server accepted, in order. */
    readonly received: ReceivedMail[],
    /** Addresses RCPT TO refuses with a 550. */
    readonly refuse: Set<string>,
    private readonly server: SMTPServer,
    readonly port: number,
    readonly user: string,
    readonly password: string,
  ) {}

  static async start(user = 'slipway', password = 'mail secret'): Promise<SmtpTestServer> {
    const received: ReceivedMail[] = [];
    const refuse = new Set<string>();
    const server = new SMTPServer({
      logger: false,
      // STARTTLS would need a certificate; plain login is fine on loopback.
      disabledCommands: ['STARTTLS'],
      allowInsecureAuth: true,
      onAuth(auth, _session, callback) {
        if (auth.username === user && auth.password === password) callback(null, { user });
        else callback(new Error('Invalid username or password'));
      },
      onRcptTo(address, _session, callback) {
        if (refuse.has(address.address)) {
          const error = new Error(`<${address.address}>: no such mailbox here`) as Error & { responseCode: number };
          error.responseCode = 550;
          callback(error);
        } else callback();
      },
      onData(stream, session, callback) {
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', () => {
          const { mailFrom, rcptTo } = session.envelope;
          received.push({
            envelope: { from: mailFrom ? mailFrom.address : '', to: rcptTo.map((rcpt) => rcpt.address) },
            ...parseMessage(Buffer.concat(chunks).toString('utf8')),
          });
          callback();
        });
      },
    });
    await new Promise<void>((resolve, reject) => {
      server.server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    const { port } = server.server.address() as AddressInfo;
    return new SmtpTestServer(received, refuse, server, port, user, password);
  }

  /** `smtp://user:password@127.0.0.1:<port>`. */
  get url(): URL {
    return new URL(
      `smtp://${encodeURIComponent(this.user)}:${encodeURIComponent(this.password)}@127.0.0.1:${this.port}`,
    );
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

function parseMessage(raw: string): { headers: Record<string, string>; body: string } {
  const end = raw.indexOf('\r\n\r\n');
  const head = end >= 0 ? raw.slice(0, end) : raw;
  const headers: Record<string, string> = {};
  for (const line of head.replace(/\r\n[ \t]+/g, ' ').split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { headers, body: end >= 0 ? raw.slice(end + 4) : '' };
}
