import { createPrivateKey, createPublicKey, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { headerReader, verifySigned } from '../identity/signed-headers';

/** The environment variable instances receive the gateway's public key in (SPKI DER, base64). */
export const IDENTITY_PUBLIC_KEY_ENV = 'SLIPWAY_IDENTITY_PUBLIC_KEY';

/** The verified user a guarded app receives. */
export interface VerifiedIdentity {
  appId: string;
  userId: string;
  name: string;
  email: string;
  roles: readonly string[];
}

/** Header values exactly as sent (name and email percent-encoded: header values must be ASCII). */
export interface IdentityHeaderValues {
  'X-Slipway-User-Id': string;
  'X-Slipway-User-Name': string;
  'X-Slipway-User-Email': string;
  'X-Slipway-User-Roles': string;
  'X-Slipway-Identity-Time': string;
  'X-Slipway-Identity-Signature': string;
}

/**
 * Signs the identity headers with the installation's Ed25519 key. The SDK verifies the
 * signature over `slipway-identity-v1`, the app id and the header values joined by newlines,
 * with the public key from {@link IDENTITY_PUBLIC_KEY_ENV}, and rejects times older than a minute.
 */
export class IdentitySigner {
  private constructor(
    private readonly privateKey: KeyObject,
    /** SPKI DER, base64: the value of {@link IDENTITY_PUBLIC_KEY_ENV}. */
    readonly publicKeyBase64: string,
  ) {}

  /** Loads the key from `file`, creating it (mode 0600) on first start. */
  static async load(file: string): Promise<IdentitySigner> {
    let pem: string;
    try {
      pem = await readFile(file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      pem = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
      await mkdir(path.dirname(file), { recursive: true });
      await writeFile(`${file}.tmp`, pem, { mode: 0o600 });
      await rename(`${file}.tmp`, file);
    }
    const privateKey = createPrivateKey(pem);
    const publicDer = createPublicKey(privateKey).export({ type: 'spki', format: 'der' });
    return new IdentitySigner(privateKey, publicDer.toString('base64'));
  }

  /** Signs another platform statement with the same key (task calls); base64url. */
  sign(text: string): string {
    return sign(null, Buffer.from(text), this.privateKey).toString('base64url');
  }

  headersFor(identity: VerifiedIdentity, at: number = Date.now()): IdentityHeaderValues {
    const values = {
      'X-Slipway-User-Id': identity.userId,
      'X-Slipway-User-Name': encodeURIComponent(identity.name),
      'X-Slipway-User-Email': encodeURIComponent(identity.email),
      'X-Slipway-User-Roles': identity.roles.join(','),
      'X-Slipway-Identity-Time': String(Math.floor(at / 1000)),
    };
    const signature = sign(null, Buffer.from(signedText(identity.appId, values)), this.privateKey);
    return { ...values, 'X-Slipway-Identity-Signature': signature.toString('base64url') };
  }
}

/** What the signature covers; the SDKs rebuild the same text. */
export function signedText(appId: string, values: Omit<IdentityHeaderValues, 'X-Slipway-Identity-Signature'>): string {
  return [
    'slipway-identity-v1',
    appId,
    values['X-Slipway-User-Id'],
    values['X-Slipway-User-Name'],
    values['X-Slipway-User-Email'],
    values['X-Slipway-User-Roles'],
    values['X-Slipway-Identity-Time'],
  ].join('\n');
}

/** Checks signed identity headers as an app's SDK would (tests and reference for the SDKs). */
export function verifyIdentityHeaders(
  publicKeyBase64: string,
  appId: string,
  headers: Record<string, string | string[] | undefined>,
  freshness?: { now: number; maxAgeSeconds: number },
): boolean {
  const get = headerReader(headers);
  const values = {
    'X-Slipway-User-Id': get('X-Slipway-User-Id'),
    'X-Slipway-User-Name': get('X-Slipway-User-Name'),
    'X-Slipway-User-Email': get('X-Slipway-User-Email'),
    'X-Slipway-User-Roles': get('X-Slipway-User-Roles'),
    'X-Slipway-Identity-Time': get('X-Slipway-Identity-Time'),
  };
  if (!values['X-Slipway-User-Id']) return false;
  return verifySigned(publicKeyBase64, signedText(appId, values), {
    signature: get('X-Slipway-Identity-Signature'),
    time: values['X-Slipway-Identity-Time'],
    freshness,
  });
}
