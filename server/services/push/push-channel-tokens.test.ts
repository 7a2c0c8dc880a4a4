import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InstanceTokens } from '../instance-tokens';
import { PushChannelTokens, type PushChannelGrant } from './push-channel-tokens';

let dir = '';
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'slipway-push-tokens-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

const NOW = Date.parse('2026-11-22T10:00:00Z');
const grant: PushChannelGrant = {
  scope: { tenantId: 't1', appId: 'app-1', environment: 'preview' },
  target: { kind: 'user', userId: 'u:1' },
  expiresAt: NOW + 86_400_000,
};

async function refusal(verifying: Promise<unknown>): Promise<string> {
  const error = (await verifying.then(
    () => {
      throw new Error('the token was accepted');
    },
    (caught: unknown) => caught,
  )) as { code: string; message: string };
  expect(error.code).toBe('unauthenticated');
  return error.message;
}

describe('PushChannelTokens', () => {
  it('carries tenant, app, environment, channel and expiry', async () => {
    const tokens = new PushChannelTokens(path.join(dir, 'push.key'), () => NOW);
    const token = await tokens.issue(grant);
    expect(await tokens.verify(token)).toEqual(grant);
    const topic = { ...grant, target: { kind: 'topic', topic: 'orders' } } as const;
    expect(await tokens.verify(await tokens.issue(topic))).toEqual(topic);
  });

  it('refuses an expired token, saying so', async () => {
    let now = NOW;
    const tokens = new PushChannelTokens(path.join(dir, 'push.key'), () => now);
    const token = await tokens.issue(grant);
    now = grant.expiresAt;
    expect(await refusal(tokens.verify(token))).toContain('expired');
  });

  it("refuses forged, altered and other installations' tokens, and instance tokens", async () => {
    const tokens = new PushChannelTokens(path.join(dir, 'push.key'), () => NOW);
    const token = await tokens.issue(grant);
    const [version, payload, mac] = token.split('.') as [string, string, string];
    const altered = Buffer.from(
      JSON.stringify({ ...(JSON.parse(Buffer.from(payload, 'base64url').toString()) as object), a: 'app-2' }),
    ).toString('base64url');
    const otherInstallation = await new PushChannelTokens(path.join(dir, 'other.key'), () => NOW).issue(grant);
    // Signed by the same installation, for the services socket: a different key and context.
    const instanceToken = await new InstanceTokens(path.join(dir, 'tokens.key')).issue({
      scope: grant.scope,
      instanceId: 'i-1',
    });
    for (const bad of [
      `${version}.${altered}.${mac}`,
      otherInstallation,
      instanceToken,
      `s1.${payload}.${mac}`,
      `${token}.x`,
      'p1..',
      '',
      'garbage',
    ]) {
      expect(await refusal(tokens.verify(bad))).toContain('not from this installation');
    }
  });

  it('refuses a token whose payload names no valid channel, even when signed', async () => {
    const tokens = new PushChannelTokens(path.join(dir, 'push.key'), () => NOW);
    const bad = await tokens.issue({ ...grant, target: { kind: 'topic', topic: 'Not A Topic' } });
    await refusal(tokens.verify(bad));
  });

  it('refuses everything before any token was issued, without creating the key', async () => {
    const keyFile = path.join(dir, 'push.key');
    const signed = await new PushChannelTokens(path.join(dir, 'other.key'), () => NOW).issue(grant);
    await refusal(new PushChannelTokens(keyFile, () => NOW).verify(signed));
    expect(existsSync(keyFile)).toBe(false);
  });
});
