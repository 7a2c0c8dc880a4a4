/** Kysely table types. Timestamps are ISO-8601 text and flags are 0/1 so both dialects agree. */
export interface TenantsTable {
  id: string;
  slug: string;
  name: string;
  created_at: string;
}

export interface UsersTable {
  id: string;
  email: string;
  name: string;
  password_hash: string | null;
  is_operator: number;
  invitation_token_hash: string | null;
  created_at: string;
}

export interface MembershipsTable {
  tenant_id: string;
  user_id: string;
  role: string;
  created_at: string;
}

export interface SessionsTable {
  id_hash: string;
  user_id: string;
  csrf_token: string;
  created_at: string;
  expires_at: string;
}

export interface ApiTokensTable {
  id: string;
  user_id: string;
  name: string;
  token_hash: string;
  created_at: string;
  expires_at: string | null;
  last_used_at: string | null;
}

export interface LoginFailuresTable {
  key: string;
  failures: number;
  window_started_at: string;
}

export interface ProjectsTable {
  id: string;
  tenant_id: string;
  name: string;
  runtime: string;
  template_id: string | null;
  created_by: string;
  created_at: string;
}

export interface PreviewLinksTable {
  token_hash: string;
  project_id: string;
  user_id: string;
  path: string;
  expires_at: string;
}

export interface PreviewSessionsTable {
  id_hash: string;
  project_id: string;
  user_id: string;
  expires_at: string;
}

/** Every table of the platform database. */
export interface Database {
  tenants: TenantsTable;
  users: UsersTable;
  memberships: MembershipsTable;
  sessions: SessionsTable;
  api_tokens: ApiTokensTable;
  login_failures: LoginFailuresTable;
  projects: ProjectsTable;
  preview_links: PreviewLinksTable;
  preview_sessions: PreviewSessionsTable;
}
