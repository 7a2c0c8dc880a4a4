import type { Kysely } from 'kysely';
import { DomainError } from '../core/errors';
import type { Database } from '../db/schema';

/** How many failures one key may have in one window before its logins are refused. */
export interface ThrottlePolicy {
  maxFailures: number;
  windowMs: number;
}

/**
 * Per account a few failures suffice to stop password guessing; per client address the limit
 * is higher, because a whole office may share one address and must not lock itself out.
 */
export interface LoginThrottlePolicies {
  perAccount: ThrottlePolicy;
  perAddress: ThrottlePolicy;
}

const DEFAULT_POLICIES: LoginThrottlePolicies = {
  perAccount: { maxFailures: 5, windowMs: 15 * 60_000 },
  perAddress: { maxFailures: 50, windowMs: 15 * 60_000 },
};

/**
 * Counts failed logins in the database, so every platform process sees the same counts and a
 * restart does not reset them.
 */
export class LoginThrottle {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly policies: LoginThrottlePolicies = DEFAULT_POLICIES,
    private readonly clock: () => number = Date.now,
  ) {}

  /** Throws `too-many-requests` when the account or the address is over its limit. */
  async check(email: string, address: string): Promise<void> {
    for (const { key, policy } of this.keysOf(email, address)) {
      const row = await this.db.selectFrom('login_failures').selectAll().where('key', '=', key).executeTakeFirst();
      if (!row) continue;
      const windowEnd = Date.parse(row.window_started_at) + policy.windowMs;
      if (row.failures >= policy.maxFailures && windowEnd > this.clock()) {
        const retryAfterSeconds = Math.ceil((windowEnd - this.clock()) / 1000);
        throw new DomainError('too-many-requests', `Too many failed logins; try again in ${retryAfterSeconds} s.`, {
          retryAfterSeconds,
        });
      }
    }
  }

  async recordFailure(email: string, address: string): Promise<void> {
    const now = this.clock();
    for (const { key, policy } of this.keysOf(email, address)) {
      await this.db.transaction().execute(async (trx) => {
        const row = await trx.selectFrom('login_failures').selectAll().where('key', '=', key).executeTakeFirst();
        const started = new Date(now).toISOString();
        if (!row) {
          await trx.insertInto('login_failures').values({ key, failures: 1, window_started_at: started }).execute();
          return;
        }
        const expired = Date.parse(row.window_started_at) + policy.windowMs <= now;
        await trx
          .updateTable('login_failures')
          .set(expired ? { failures: 1, window_started_at: started } : { failures: row.failures + 1 })
          .where('key', '=', key)
          .execute();
      });
    }
  }

  /** A successful login clears the account's count (not the address's). */
  async recordSuccess(email: string): Promise<void> {
    await this.db.deleteFrom('login_failures').where('key', '=', `account:${email}`).execute();
  }

  private keysOf(email: string, address: string): { key: string; policy: ThrottlePolicy }[] {
    return [
      { key: `account:${email}`, policy: this.policies.perAccount },
      { key: `address:${address}`, policy: this.policies.perAddress },
    ];
  }
}
