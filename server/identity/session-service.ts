import type { Kysely } from 'kysely';
import { notFound } from '../core/errors';
import type { Database } from '../db/schema';
import type { ApiTokenDto, CreatedApiTokenDto } from '../protocol/identity';
import type { Principal } from './principal';
import { digestSecret, newId, newSecret, nowIso } from './tokens';

const API_TOKEN_PREFIX = 'slw_';

/** Browser sessions (cookie) and API tokens (bearer), both stored only as digests. */
export class SessionService {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly sessionTtlMs = 7 * 24 * 3600_000,
    private readonly clock: () => number = Date.now,
  ) {}

  /** Starts a session; the returned secret goes into the cookie and nowhere else. */
  async createSession(userId: string): Promise<{ secret: string; csrfToken: string; expiresAt: Date }> {
    const secret = newSecret();
    const csrfToken = newSecret();
    const expiresAt = new Date(this.clock() + this.sessionTtlMs);
    await this.db
      .insertInto('sessions')
      .values({
        id_hash: digestSecret(secret),
        user_id: userId,
        csrf_token: csrfToken,
        created_at: nowIso(this.clock),
        expires_at: expiresAt.toISOString(),
      })
      .execute();
    return { secret, csrfToken, expiresAt };
  }

  async resolveSession(secret: string): Promise<Principal | null> {
    const key = digestSecret(secret);
    const row = await this.db
      .selectFrom('sessions')
      .innerJoin('users', 'users.id', 'sessions.user_id')
      .select([
        'users.id',
        'users.email',
        'users.name',
        'users.is_operator',
        'sessions.csrf_token',
        'sessions.expires_at',
      ])
      .where('sessions.id_hash', '=', key)
      .executeTakeFirst();
    if (!row || Date.parse(row.expires_at) <= this.clock()) return null;
    return {
      userId: row.id,
      email: row.email,
      name: row.name,
      isOperator: row.is_operator === 1,
      via: 'session',
      sessionKey: key,
      csrfToken: row.csrf_token,
    };
  }

  /** Ends a session; returns its key so the caller can end what the session owned. */
  async destroySession(secret: string): Promise<string> {
    const key = digestSecret(secret);
    await this.db.deleteFrom('sessions').where('id_hash', '=', key).execute();
    return key;
  }

  async deleteExpiredSessions(): Promise<void> {
    await this.db.deleteFrom('sessions').where('expires_at', '<=', nowIso(this.clock)).execute();
  }

  async createApiToken(userId: string, name: string, expiresInDays?: number): Promise<CreatedApiTokenDto> {
    const token = newSecret(API_TOKEN_PREFIX);
    const row = {
      id: newId(),
      user_id: userId,
      name,
      token_hash: digestSecret(token),
      created_at: nowIso(this.clock),
      expires_at: expiresInDays ? new Date(this.clock() + expiresInDays * 86_400_000).toISOString() : null,
      last_used_at: null,
    };
    await this.db.insertInto('api_tokens').values(row).execute();
    return { ...toApiTokenDto(row), token };
  }

  async resolveApiToken(token: string): Promise<Principal | null> {
    if (!token.startsWith(API_TOKEN_PREFIX)) return null;
    const key = digestSecret(token);
    const row = await this.db
      .selectFrom('api_tokens')
      .innerJoin('users', 'users.id', 'api_tokens.user_id')
      .select([
        'api_tokens.id as tokenId',
        'api_tokens.expires_at',
        'users.id',
        'users.email',
        'users.name',
        'users.is_operator',
      ])
      .where('api_tokens.token_hash', '=', key)
      .executeTakeFirst();
    if (!row || (row.expires_at && Date.parse(row.expires_at) <= this.clock())) return null;
    await this.db
      .updateTable('api_tokens')
      .set({ last_used_at: nowIso(this.clock) })
      .where('id', '=', row.tokenId)
      .execute();
    return {
      userId: row.id,
      email: row.email,
      name: row.name,
      isOperator: row.is_operator === 1,
      via: 'api-token',
      sessionKey: key,
    };
  }

  async listApiTokens(userId: string): Promise<ApiTokenDto[]> {
    const rows = await this.db
      .selectFrom('api_tokens')
      .selectAll()
      .where('user_id', '=', userId)
      .orderBy('created_at')
      .execute();
    return rows.map(toApiTokenDto);
  }

  async revokeApiToken(userId: string, tokenId: string): Promise<void> {
    const result = await this.db
      .deleteFrom('api_tokens')
      .where('id', '=', tokenId)
      .where('user_id', '=', userId)
      .executeTakeFirst();
    if (Number(result.numDeletedRows) === 0) throw notFound('No such API token.');
  }
}

function toApiTokenDto(row: {
  id: string;
  name: string;
  created_at: string;
  expires_at: string | null;
  last_used_at: string | null;
}): ApiTokenDto {
  return {
    id: row.id,
    name: row.name,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    lastUsedAt: row.last_used_at,
  };
}
