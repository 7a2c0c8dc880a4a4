import { z } from 'zod';

export const TENANT_ROLES = ['manager', 'developer', 'user'] as const;
/** A role a member holds inside one tenant. */
export type TenantRole = (typeof TENANT_ROLES)[number];

const email = z.string().trim().toLowerCase().email().max(254);
const password = z.string().min(10, 'must be at least 10 characters').max(256);

export const loginBodySchema = z.object({ email, password: z.string().min(1).max(256) });
export type LoginBody = z.infer<typeof loginBodySchema>;

export const createTenantBodySchema = z.object({
  name: z.string().trim().min(1).max(100),
  slug: z.string().regex(/^[a-z][a-z0-9-]{1,30}[a-z0-9]$/, 'lowercase letters, digits and dashes, 3–32 long'),
});

export const addMemberBodySchema = z.object({
  email,
  name: z.string().trim().min(1).max(100),
  roles: z.array(z.enum(TENANT_ROLES)).min(1),
});

export const acceptInvitationBodySchema = z.object({ password });

export const createApiTokenBodySchema = z.object({
  name: z.string().trim().min(1).max(100),
  expiresInDays: z.number().int().min(1).max(365).optional(),
});

/** The signed-in user as the UI sees them. */
export interface UserDto {
  id: string;
  email: string;
  name: string;
  isOperator: boolean;
}

/** One tenant the user belongs to, with their roles there. */
export interface MembershipDto {
  tenantId: string;
  tenantSlug: string;
  tenantName: string;
  roles: TenantRole[];
}

/** `GET /api/v1/session` */
export interface SessionDto {
  user: UserDto;
  memberships: MembershipDto[];
  csrfToken: string;
}

export interface TenantDto {
  id: string;
  slug: string;
  name: string;
  createdAt: string;
}

export interface MemberDto {
  userId: string;
  email: string;
  name: string;
  roles: TenantRole[];
  /** Present when the user has not set a password yet. */
  invitationToken?: string;
}

export interface ApiTokenDto {
  id: string;
  name: string;
  createdAt: string;
  expiresAt: string | null;
  lastUsedAt: string | null;
}

export interface CreatedApiTokenDto extends ApiTokenDto {
  /** Shown once; only its hash is stored. */
  token: string;
}
