import type { Kysely } from 'kysely';
import { conflict, DomainError, forbidden, notFound } from '../core/errors';
import type { Database } from '../db/schema';
import type { MemberDto, MembershipDto, TenantDto, TenantRole, UserDto } from '../protocol/identity';
import {
  DEFAULT_PASSWORD_COST,
  hashPassword,
  verifyAgainstNothing,
  verifyPassword,
  type PasswordHashCost,
} from './password';
import type { Principal } from './principal';
import { digestSecret, newId, newSecret, nowIso } from './tokens';

/** Users, tenants and memberships; the authority on who may do what in which tenant. */
export class IdentityService {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly passwordCost: PasswordHashCost = DEFAULT_PASSWORD_COST,
  ) {}

  async createUser(input: { email: string; name: string; password?: string; isOperator?: boolean }): Promise<UserDto> {
    const email = input.email.trim().toLowerCase();
    const existing = await this.db.selectFrom('users').select('id').where('email', '=', email).executeTakeFirst();
    if (existing) throw conflict(`A user with e-mail ${email} already exists.`);
    const user = {
      id: newId(),
      email,
      name: input.name,
      password_hash: input.password ? await hashPassword(input.password, this.passwordCost) : null,
      is_operator: input.isOperator ? 1 : 0,
      invitation_token_hash: null,
      created_at: nowIso(),
    };
    await this.db.insertInto('users').values(user).execute();
    return toUserDto(user);
  }

  /** Returns the user when the password matches; the same work is done for unknown e-mails. */
  async verifyCredentials(email: string, password: string): Promise<UserDto | null> {
    const row = await this.db
      .selectFrom('users')
      .selectAll()
      .where('email', '=', email.trim().toLowerCase())
      .executeTakeFirst();
    if (!row?.password_hash) return verifyAgainstNothing(password, this.passwordCost).then(() => null);
    return (await verifyPassword(password, row.password_hash)) ? toUserDto(row) : null;
  }

  async getUser(userId: string): Promise<UserDto> {
    const row = await this.db.selectFrom('users').selectAll().where('id', '=', userId).executeTakeFirst();
    if (!row) throw notFound('No such user.');
    return toUserDto(row);
  }

  async countUsers(): Promise<number> {
    const row = await this.db
      .selectFrom('users')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  async createTenant(input: { name: string; slug: string }): Promise<TenantDto> {
    const taken = await this.db.selectFrom('tenants').select('id').where('slug', '=', input.slug).executeTakeFirst();
    if (taken) throw conflict(`The tenant slug "${input.slug}" is taken.`);
    const tenant = { id: newId(), slug: input.slug, name: input.name, created_at: nowIso() };
    await this.db.insertInto('tenants').values(tenant).execute();
    return toTenantDto(tenant);
  }

  /** Operators see every tenant; everyone else sees the tenants they belong to. */
  async listTenants(principal: Principal): Promise<TenantDto[]> {
    let query = this.db.selectFrom('tenants').selectAll('tenants').orderBy('tenants.name');
    if (!principal.isOperator) {
      query = query.where('tenants.id', 'in', (eb) =>
        eb.selectFrom('memberships').select('tenant_id').where('user_id', '=', principal.userId),
      );
    }
    return (await query.execute()).map(toTenantDto);
  }

  async memberships(userId: string): Promise<MembershipDto[]> {
    const rows = await this.db
      .selectFrom('memberships')
      .innerJoin('tenants', 'tenants.id', 'memberships.tenant_id')
      .select(['tenants.id', 'tenants.slug', 'tenants.name', 'memberships.role'])
      .where('memberships.user_id', '=', userId)
      .orderBy('tenants.name')
      .execute();
    const byTenant = new Map<string, MembershipDto>();
    for (const row of rows) {
      const entry = byTenant.get(row.id) ?? { tenantId: row.id, tenantSlug: row.slug, tenantName: row.name, roles: [] };
      entry.roles.push(row.role as TenantRole);
      byTenant.set(row.id, entry);
    }
    return [...byTenant.values()];
  }

  async rolesIn(userId: string, tenantId: string): Promise<TenantRole[]> {
    const rows = await this.db
      .selectFrom('memberships')
      .select('role')
      .where('user_id', '=', userId)
      .where('tenant_id', '=', tenantId)
      .execute();
    return rows.map((row) => row.role as TenantRole);
  }

  /**
   * Throws unless the principal holds one of `roles` in the tenant. Non-members get
   * `not-found`, so ids of other tenants' things reveal nothing.
   */
  async requireRole(principal: Principal, tenantId: string, roles: readonly TenantRole[]): Promise<TenantRole[]> {
    const held = await this.rolesIn(principal.userId, tenantId);
    if (held.length === 0 && !principal.isOperator) throw notFound('No such tenant.');
    if (!held.some((role) => roles.includes(role))) {
      throw forbidden(`This needs the role ${roles.join(' or ')} in the tenant.`);
    }
    return held;
  }

  async requireTenantExists(tenantId: string): Promise<void> {
    const row = await this.db.selectFrom('tenants').select('id').where('id', '=', tenantId).executeTakeFirst();
    if (!row) throw notFound('No such tenant.');
  }

  async listMembers(tenantId: string): Promise<MemberDto[]> {
    const rows = await this.db
      .selectFrom('memberships')
      .innerJoin('users', 'users.id', 'memberships.user_id')
      .select(['users.id', 'users.email', 'users.name', 'memberships.role'])
      .where('memberships.tenant_id', '=', tenantId)
      .orderBy('users.email')
      .execute();
    const byUser = new Map<string, MemberDto>();
    for (const row of rows) {
      const entry = byUser.get(row.id) ?? { userId: row.id, email: row.email, name: row.name, roles: [] };
      entry.roles.push(row.role as TenantRole);
      byUser.set(row.id, entry);
    }
    return [...byUser.values()];
  }

  /**
   * Adds roles in a tenant to a user, creating the user when new. A new user gets an
   * invitation token (returned once) with which they set their password.
   */
  async addMember(tenantId: string, input: { email: string; name: string; roles: TenantRole[] }): Promise<MemberDto> {
    const email = input.email.trim().toLowerCase();
    let user = await this.db.selectFrom('users').selectAll().where('email', '=', email).executeTakeFirst();
    let invitationToken: string | undefined;
    if (!user) {
      invitationToken = newSecret('inv_');
      user = {
        id: newId(),
        email,
        name: input.name,
        password_hash: null,
        is_operator: 0,
        invitation_token_hash: digestSecret(invitationToken),
        created_at: nowIso(),
      };
      await this.db.insertInto('users').values(user).execute();
    }
    const held = await this.rolesIn(user.id, tenantId);
    const created = nowIso();
    const missing = input.roles.filter((role) => !held.includes(role));
    if (missing.length > 0) {
      await this.db
        .insertInto('memberships')
        .values(missing.map((role) => ({ tenant_id: tenantId, user_id: user.id, role, created_at: created })))
        .execute();
    }
    const member: MemberDto = { userId: user.id, email, name: user.name, roles: [...held, ...missing] };
    if (invitationToken) member.invitationToken = invitationToken;
    return member;
  }

  async removeMember(tenantId: string, userId: string): Promise<void> {
    const result = await this.db
      .deleteFrom('memberships')
      .where('tenant_id', '=', tenantId)
      .where('user_id', '=', userId)
      .executeTakeFirst();
    if (Number(result.numDeletedRows) === 0) throw notFound('That user is not a member of this tenant.');
  }

  /** Sets the password of an invited user; the invitation works once. */
  async acceptInvitation(token: string, password: string): Promise<UserDto> {
    const row = await this.db
      .selectFrom('users')
      .selectAll()
      .where('invitation_token_hash', '=', digestSecret(token))
      .executeTakeFirst();
    if (!row) throw new DomainError('not-found', 'This invitation is unknown or was already used.');
    await this.db
      .updateTable('users')
      .set({ password_hash: await hashPassword(password, this.passwordCost), invitation_token_hash: null })
      .where('id', '=', row.id)
      .execute();
    return toUserDto(row);
  }
}

function toUserDto(row: { id: string; email: string; name: string; is_operator: number }): UserDto {
  return { id: row.id, email: row.email, name: row.name, isOperator: row.is_operator === 1 };
}

function toTenantDto(row: { id: string; slug: string; name: string; created_at: string }): TenantDto {
  return { id: row.id, slug: row.slug, name: row.name, createdAt: row.created_at };
}
