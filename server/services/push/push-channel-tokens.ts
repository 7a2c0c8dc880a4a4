import { DomainError } from '../../core/errors';
import { SignedTokens } from '../../identity/signed-tokens';
import type { ServiceScope } from '../service-scope';
import { channelNameOf, targetOfChannelName, type PushTarget } from './push-target';

/** What a channel token lets a page do: receive one channel's messages, until it expires. */
export interface PushChannelGrant {
  scope: Omit<ServiceScope, 'userId'>;
  target: PushTarget;
  /** Milliseconds since the epoch. */
  expiresAt: number;
}

/**
 * Channel tokens: signed, not stored (like instance tokens), under their own key and MAC context,
 * so neither kind of token passes for the other. A page holds its token as a bearer credential
 * in the socket's URL; it only ever reads one channel, so the token carries no more than that.
 */
export class PushChannelTokens {
  private readonly tokens: SignedTokens;

  constructor(
    keyFile: string,
    private readonly clock: () => number = Date.now,
  ) {
    // A token verified before any was issued is refused without creating the key.
    this.tokens = new SignedTokens(keyFile, 'p1', 'slipway-push-channel-v1\n', false);
  }

  issue(grant: PushChannelGrant): Promise<string> {
    const { tenantId, appId, environment } = grant.scope;
    return this.tokens.sign({
      t: tenantId,
      a: appId,
      e: environment,
      c: channelNameOf(grant.target),
      x: Math.floor(grant.expiresAt / 1000),
    });
  }

  /** The grant a token carries; `unauthenticated` when it is not ours, damaged or expired. */
  async verify(token: string): Promise<PushChannelGrant> {
    const opened = await this.tokens.open(token);
    const value = ('payload' in opened ? opened.payload : null) as Record<string, unknown> | null;
    const { t, a, e, c, x } = value ?? {};
    const target = typeof c === 'string' ? targetOfChannelName(c) : undefined;
    if (
      typeof t !== 'string' ||
      typeof a !== 'string' ||
      (e !== 'preview' && e !== 'production') ||
      !target ||
      typeof x !== 'number'
    )
      throw new DomainError(
        'unauthenticated',
        'The push channel token is missing, malformed or not from this installation: use the "token" of push/channel.',
      );
    const expiresAt = x * 1000;
    if (expiresAt <= this.clock())
      throw new DomainError(
        'unauthenticated',
        'The push channel token has expired: the page needs a new one from push/channel.',
        { expired: true },
      );
    return { scope: { tenantId: t, appId: a, environment: e }, target, expiresAt };
  }
}
