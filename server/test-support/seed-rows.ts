import type { Kysely } from 'kysely';
import type { Database } from '../db/schema';

/** Tenant `t` (slug acme) and user `u`, the owner rows apps need in database-level tests. */
export async function seedTenantAndUser(db: Kysely<Database>, created: string): Promise<void> {
  await db.insertInto('tenants').values({ id: 't', slug: 'acme', name: 'Acme', created_at: created }).execute();
  await db
    .insertInto('users')
    .values({
      id: 'u',
      email: 'u@x.test',
      name: 'U',
      password_hash: null,
      is_operator: 0,
      invitation_token_hash: null,
      created_at: created,
    })
    .execute();
}
