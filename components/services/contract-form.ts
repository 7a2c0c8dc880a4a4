import type { PlatformServiceName, ServiceContractDto } from '@/server/protocol/platform-services';

/** The contract as the operator's form edits it: checked services and one domain pattern per line. */
export interface ContractDraft {
  services: ReadonlySet<PlatformServiceName>;
  allow: string;
  deny: string;
}

/** The form's starting point for a contract. */
export function draftOf(contract: ServiceContractDto): ContractDraft {
  return {
    services: new Set(contract.services),
    allow: (contract.urlPolicy.allow ?? []).join('\n'),
    deny: (contract.urlPolicy.deny ?? []).join('\n'),
  };
}

/**
 * The PUT body for a draft, in the catalogue's order. Blank lines and surrounding spaces are
 * dropped; an empty list is left out, so "no allow list" stays "every public site" (the
 * server checks the patterns themselves and names a bad one).
 */
export function contractOf(draft: ContractDraft, catalogue: readonly PlatformServiceName[]): ServiceContractDto {
  const allow = patternsOf(draft.allow);
  const deny = patternsOf(draft.deny);
  return {
    services: catalogue.filter((service) => draft.services.has(service)),
    urlPolicy: { ...(allow.length ? { allow } : {}), ...(deny.length ? { deny } : {}) },
  };
}

function patternsOf(text: string): string[] {
  return text
    .split(/[\n,]/)
    .map((line) => line.trim())
    .filter(Boolean);
}
