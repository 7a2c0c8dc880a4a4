import { DomainError } from '../../core/errors';
import { SignedTokens } from '../../identity/signed-tokens';

/** What a launcher token lets its holder do: hear one user's push in one organisation, until it expires. */
export interface PushLauncherGrant {
  tenantId: string;
  userId: string;
  /** Milliseconds since the epoch. */
  expiresAt: number;
}

/** The version prefix of launcher tokens (channel tokens have their own). */
export const LAUNCHER_TOKEN_VERSION = 'l1';

/**
 * Launcher tokens: signed and not stored, like channel tokens, but under their own key and MAC
 * context, so a channel token never passes for a launcher token or the other way round.
 */
export class PushLauncherTokens {
  private readonly tokens: SignedTokens;

  constructor(
    keyFile: string,
    private readonly clock: () => number = Date.now,
  ) {
    this.tokens = new SignedTokens(keyFile, LAUNCHER_TOKEN_VERSION, 'slipway-push-launcher-v1\n', false);
  }

  issue(grant: PushLauncherGrant): Promise<string> {
    return this.tokens.sign({ t: grant.tenantId, u: grant.userId, x: Math.floor(grant.expiresAt / 1000) });
  }

  /** True when `token` is in this kind's form (it may still be forged or expired). */
  static looksLikeOne(token: string): boolean {
    return token.startsWith(`${LAUNCHER_TOKEN_VERSION}.`);
  }

  /** The grant a token carries; `unauthenticated` when it is not ours, damaged or expired. */
  async verify(token: string): Promise<PushLauncherGrant> {
    const opened = await this.tokens.open(token);
    const value = ('payload' in opened ? opened.payload : null) as Record<string, unknown> | null;
    const { t, u, x } = value ?? {};
    if (typeof t !== 'string' || typeof u !== 'string' || typeof x !== 'number')
      throw new DomainError(
        'unauthenticated',
        'The launcher token is missing, malformed or not from this installation: the launcher gets one from GET /api/v1/launcher.',
      );
    const expiresAt = x * 1000;
    if (expiresAt <= this.clock())
      throw new DomainError('unauthenticated', 'The launcher token has expired: reload the launcher.', {
        expired: true,
      });
    return { tenantId: t, userId: u, expiresAt };
  }
}
