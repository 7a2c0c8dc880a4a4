import type { VerifiedIdentity } from '../gateway/identity-signer';
import type { PreviewPersona } from '../protocol/preview';

/**
 * Who each developer's preview shows them as, per project: themselves (the default), signed
 * out, or themselves holding only one role, so one person can try the staff member's and the
 * manager's pages of an app. Kept in memory: after a platform restart previews show the
 * developer as themselves again.
 */
export class PreviewPersonas {
  private readonly chosen = new Map<string, PreviewPersona>();

  of(userId: string, projectId: string): PreviewPersona {
    return this.chosen.get(keyOf(userId, projectId)) ?? 'self';
  }

  set(userId: string, projectId: string, persona: PreviewPersona): void {
    if (persona === 'self') this.chosen.delete(keyOf(userId, projectId));
    else this.chosen.set(keyOf(userId, projectId), persona);
  }
}

/** The identity the app receives for a persona: none when signed out, the chosen role alone for a role. */
export function identityAs(identity: VerifiedIdentity, persona: PreviewPersona): VerifiedIdentity | undefined {
  if (persona === 'self') return identity;
  if (persona === 'signed-out') return undefined;
  return { ...identity, roles: [persona] };
}

function keyOf(userId: string, projectId: string): string {
  return `${userId}\n${projectId}`;
}
