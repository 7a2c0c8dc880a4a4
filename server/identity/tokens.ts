import { createHash, randomBytes, randomUUID } from 'node:crypto';

/** A random secret for cookies and API tokens (256 bits, URL-safe). */
export function newSecret(prefix = ''): string {
  return prefix + randomBytes(32).toString('base64url');
}

/** Secrets are stored only as SHA-256 digests, so a leaked database grants no access. */
export function digestSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('base64url');
}

export function newId(): string {
  return randomUUID();
}

export function nowIso(clock: () => number = Date.now): string {
  return new Date(clock()).toISOString();
}
