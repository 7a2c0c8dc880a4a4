import type { Kysely } from 'kysely';
import { invalidInput } from '../core/errors';
import type { Database } from '../db/schema';
import { appServiceNames } from '../protocol/app-manifest';
import type { PlatformServiceName } from '../protocol/platform-services';
import { parseDomainPolicy, type DomainPolicy } from './urlfetch/domain-policy';

/** A tenant's contract: the services it may use and its URL fetch domain policy. */
export interface ServiceContract {
  services: PlatformServiceName[];
  urlPolicy: DomainPolicy;
}

const EVERYTHING: ServiceContract = { services: [...appServiceNames], urlPolicy: {} };

/**
 * Tenants' service contracts, kept in `service_contracts`. A tenant without a row has every
 * service and no domain policy (private and internal addresses are refused regardless).
 * Reads are cached briefly: every service call checks the contract.
 */
export class ServiceContracts {
  private readonly cache = new Map<string, { contract: ServiceContract; at: number }>();

  constructor(
    private readonly db: Kysely<Database>,
    private readonly cacheMs = 5_000,
    private readonly clock: () => number = Date.now,
  ) {}

  async contractOf(tenantId: string): Promise<ServiceContract> {
    const cached = this.cache.get(tenantId);
    if (cached && this.clock() - cached.at < this.cacheMs) return cached.contract;
    const row = await this.db
      .selectFrom('service_contracts')
      .select(['services', 'url_policy'])
      .where('tenant_id', '=', tenantId)
      .executeTakeFirst();
    const contract = row
      ? {
          services: JSON.parse(row.services) as PlatformServiceName[],
          urlPolicy: JSON.parse(row.url_policy) as DomainPolicy,
        }
      : EVERYTHING;
    this.cache.set(tenantId, { contract, at: this.clock() });
    return contract;
  }

  async servicesOf(tenantId: string): Promise<ReadonlySet<PlatformServiceName>> {
    return new Set((await this.contractOf(tenantId)).services);
  }

  /** Sets a tenant's contract (operators); unknown services and bad domain patterns are refused. */
  async setContract(
    tenantId: string,
    input: { services: readonly string[]; urlPolicy?: unknown },
  ): Promise<ServiceContract> {
    const unknown = input.services.filter((name) => !(appServiceNames as readonly string[]).includes(name));
    if (unknown.length > 0)
      throw invalidInput(`Unknown services ${unknown.join(', ')}; the services are ${appServiceNames.join(', ')}.`);
    const contract: ServiceContract = {
      services: [...new Set(input.services)] as PlatformServiceName[],
      urlPolicy: parseDomainPolicy(input.urlPolicy ?? {}),
    };
    const values = {
      tenant_id: tenantId,
      services: JSON.stringify(contract.services),
      url_policy: JSON.stringify(contract.urlPolicy),
      updated_at: new Date(this.clock()).toISOString(),
    };
    await this.db
      .insertInto('service_contracts')
      .values(values)
      .onConflict((conflict) =>
        conflict.column('tenant_id').doUpdateSet({
          services: values.services,
          url_policy: values.url_policy,
          updated_at: values.updated_at,
        }),
      )
      .execute();
    this.cache.delete(tenantId);
    return contract;
  }
}
