import { randomBytes } from 'node:crypto';
import type { Logger } from '../core/logger';
import type { IdentityService } from './identity-service';

/** What the first start of an installation creates. */
export interface BootstrapResult {
  created: boolean;
  /** Set only when the password was generated, so it can be printed this once. */
  generatedPassword?: string;
}

/**
 * On an empty installation, creates the operator account and a first tenant in which the
 * operator is manager and developer, so a newcomer can create an app at once.
 */
export async function bootstrapInstallation(
  identity: IdentityService,
  admin: { email: string; password: string | undefined },
  log: Logger,
): Promise<BootstrapResult> {
  if ((await identity.countUsers()) > 0) return { created: false };
  const generatedPassword = admin.password ? undefined : randomBytes(15).toString('base64url');
  const password = admin.password ?? generatedPassword ?? '';
  const user = await identity.createUser({ email: admin.email, name: 'Operator', password, isOperator: true });
  const tenant = await identity.createTenant({ name: 'My company', slug: 'my-company' });
  await identity.addMember(tenant.id, { email: user.email, name: user.name, roles: ['manager', 'developer'] });
  log.info(`created the operator account ${user.email} and the tenant "${tenant.name}"`);
  return generatedPassword ? { created: true, generatedPassword } : { created: true };
}
