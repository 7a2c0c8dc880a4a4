import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Kysely } from 'kysely';
import { openDatabase } from '../../db/database';
import type { Database } from '../../db/schema';
import { IdentityService } from '../../identity/identity-service';
import type { Principal } from '../../identity/principal';
import type { TenantRole } from '../../protocol/identity';
import { createTestDatabase } from '../../test-support/test-databases';
import { ProjectService } from '../../workspace/project-service';
import { TemplateCatalog } from '../../workspace/template-catalog';
import type { MailTransport, OutgoingMail } from './mail-transport';
import { MessagingService, type MessagingDeps } from './messaging-service';

/** A migrated database with identity and projects, for messaging tests on one dialect. */
export interface MessagingTestContext {
  db: Kysely<Database>;
  identity: IdentityService;
  projects: ProjectService;
  /** A messaging service on this database; `deps` replace the defaults (no SMTP, 100 an hour). */
  messaging(deps?: Partial<MessagingDeps>): MessagingService;
  /** A tenant with a member of the given roles. */
  tenantWith(slug: string, roles?: TenantRole[]): Promise<{ tenantId: string; principal: Principal }>;
  /** A member added to an existing tenant. */
  member(tenantId: string, email: string, roles?: TenantRole[]): Promise<Principal>;
  /** A project row (no working tree) and, when `appId` is given, a published app linked to it. */
  project(tenantId: string, createdBy: string, name: string, appId?: string): Promise<string>;
  dispose(): Promise<void>;
}

export async function openMessagingTest(dialect: 'sqlite' | 'postgres'): Promise<MessagingTestContext> {
  const dir = await mkdtemp(path.join(tmpdir(), 'slipway-messaging-'));
  const database = await createTestDatabase(dialect, dir);
  const db = await openDatabase(database.location);
  const identity = new IdentityService(db, { N: 1024, r: 8, p: 1 });
  const projects = new ProjectService(db, identity, new TemplateCatalog(dir), path.join(dir, 'projects'));
  const now = new Date().toISOString();
  const member = async (tenantId: string, email: string, roles: TenantRole[] = ['developer']): Promise<Principal> => {
    const added = await identity.addMember(tenantId, { email, name: email.split('@')[0] ?? email, roles });
    return { userId: added.userId, email, name: added.name, isOperator: false, via: 'session', sessionKey: 'test' };
  };
  return {
    db,
    identity,
    projects,
    messaging: (deps = {}) =>
      new MessagingService({
        db,
        identity,
        projects,
        transport: undefined,
        from: 'Slipway <noreply@slipway.test>',
        mailsPerHour: 100,
        ...deps,
      }),
    async tenantWith(slug, roles = ['developer']) {
      const tenant = await identity.createTenant({ name: slug, slug });
      return { tenantId: tenant.id, principal: await member(tenant.id, `dev@${slug}.test`, roles) };
    },
    member,
    async project(tenantId, createdBy, name, appId) {
      const id = `p-${name}`;
      await db
        .insertInto('projects')
        .values({
          id,
          tenant_id: tenantId,
          name,
          runtime: 'python',
          template_id: null,
          created_by: createdBy,
          created_at: now,
        })
        .execute();
      if (appId)
        await db
          .insertInto('apps')
          .values({
            id: appId,
            tenant_id: tenantId,
            slug: name,
            title: `${name} app`,
            runtime: 'python',
            project_id: id,
            active_version_id: null,
            created_by: createdBy,
            created_at: now,
          })
          .execute();
      return id;
    },
    async dispose() {
      await db.destroy();
      await database.drop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** A transport that keeps what it was given, and fails when told to. */
export class RecordingTransport implements MailTransport {
  readonly sent: OutgoingMail[] = [];
  failWith: Error | undefined;

  send(mail: OutgoingMail): Promise<{ messageId: string }> {
    if (this.failWith) return Promise.reject(this.failWith);
    this.sent.push(mail);
    return Promise.resolve({ messageId: `<${this.sent.length}@test>` });
  }

  dispose(): void {}
}
