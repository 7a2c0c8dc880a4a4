import { createPublicKey, verify } from 'node:crypto';

/** A header's value from Node-style headers (lower-case names), '' when absent or repeated. */
export function headerReader(headers: Record<string, string | string[] | undefined>): (name: string) => string {
  return (name) => {
    const value = headers[name.toLowerCase()];
    return typeof value === 'string' ? value : '';
  };
}

/**
 * Whether `signature` (base64url) is the installation key's Ed25519 signature of `text`, made at
 * `time` (Unix seconds) within `freshness` when given: the check behind identity and task headers.
 */
export function verifySigned(
  publicKeyBase64: string,
  text: string,
  signed: { signature: string; time: string; freshness?: { now: number; maxAgeSeconds: number } | undefined },
): boolean {
  const signature = Buffer.from(signed.signature, 'base64url');
  if (signature.length === 0) return false;
  const { freshness } = signed;
  if (freshness && !(Math.abs(freshness.now / 1000 - Number(signed.time)) <= freshness.maxAgeSeconds)) return false;
  const key = createPublicKey({ key: Buffer.from(publicKeyBase64, 'base64'), format: 'der', type: 'spki' });
  return verify(null, Buffer.from(text), key, signature);
}
