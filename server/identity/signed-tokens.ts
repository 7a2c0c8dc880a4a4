import { createHmac, timingSafeEqual } from 'node:crypto';
import { createSecret, readSecret } from './secret-file';

const BASE64URL = /^[A-Za-z0-9_-]+$/;

/** Why a token did not open: not in this codec's form at all, or not signed by this installation. */
export type TokenFault = 'malformed' | 'forged';

/**
 * `<version>.<payload>.<mac>` tokens: the payload base64url JSON, the MAC an HMAC-SHA256 under a
 * per-installation secret kept in a 0600 file (created atomically on first use). The context
 * binds a MAC to one use, so one kind of token can never pass for another.
 */
export class SignedTokens {
  private secret: Buffer | undefined;

  constructor(
    private readonly keyFile: string,
    private readonly version: string,
    private readonly context: string,
    /** Verifying before any token was signed refuses everything rather than creating the secret. */
    private readonly createOnVerify = true,
  ) {}

  async sign(payload: object): Promise<string> {
    const encoded = Buffer.from(JSON.stringify(payload)).toString('base64url');
    const secret = await this.key(true);
    return `${this.version}.${encoded}.${this.macOf(secret!, encoded)}`;
  }

  /** The payload (parsed JSON, unchecked) or why the token does not open. */
  async open(token: string): Promise<{ payload: unknown } | { fault: TokenFault }> {
    const [version, encoded, mac, ...rest] = token.split('.');
    if (
      version !== this.version ||
      !encoded ||
      !mac ||
      rest.length > 0 ||
      !BASE64URL.test(encoded) ||
      !BASE64URL.test(mac)
    )
      return { fault: 'malformed' };
    const secret = await this.key(this.createOnVerify);
    if (!secret || !sameMac(this.macOf(secret, encoded), mac)) return { fault: 'forged' };
    try {
      return { payload: JSON.parse(Buffer.from(encoded, 'base64url').toString('utf8')) as unknown };
    } catch {
      return { fault: 'malformed' };
    }
  }

  private macOf(secret: Buffer, encodedPayload: string): string {
    return createHmac('sha256', secret).update(this.context).update(encodedPayload).digest('base64url');
  }

  private async key(create: boolean): Promise<Buffer | undefined> {
    if (this.secret) return this.secret;
    let secret = await readSecret(this.keyFile);
    if (!secret && create) secret = await createSecret(this.keyFile);
    this.secret = secret;
    return secret;
  }
}

function sameMac(expected: string, actual: string): boolean {
  const a = Buffer.from(expected);
  const b = Buffer.from(actual);
  return a.length === b.length && timingSafeEqual(a, b);
}
