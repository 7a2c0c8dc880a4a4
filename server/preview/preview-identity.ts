import type { Kysely } from 'kysely';
import type { Database } from '../db/schema';
import type { VerifiedIdentity } from '../gateway/identity-signer';
import type { IdentityService } from '../identity/identity-service';
import type { PreviewVisitor } from './preview-access';

/**
 * The developer viewing a preview, as the preview's app sees them: the same identity a published
 * app gets from the gateway (name, e-mail, roles in the project's organisation), for the app id
 * previews run under (the project's id). So `users.current()` answers in the preview as it will
 * in production. Undefined when the project is gone or the user left its organisation.
 */
export async function previewIdentityOf(
  deps: { db: Kysely<Database>; identity: Pick<IdentityService, 'getUser' | 'rolesIn'> },
  visitor: PreviewVisitor,
): Promise<VerifiedIdentity | undefined> {
  const project = await deps.db
    .selectFrom('projects')
    .select('tenant_id')
    .where('id', '=', visitor.projectId)
    .executeTakeFirst();
  if (!project) return undefined;
  const roles = await deps.identity.rolesIn(visitor.userId, project.tenant_id);
  // A member is a user (memberships reference users), so getUser only fails on a database error.
  if (roles.length === 0) return undefined;
  const user = await deps.identity.getUser(visitor.userId);
  return { appId: visitor.projectId, userId: user.id, name: user.name, email: user.email, roles };
}
