import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { InstanceTokens } from './instance-tokens';

describe('InstanceTokens', () => {
  const grant = {
    scope: { tenantId: 't1', appId: 'a1', environment: 'production' as const },
    instanceId: 'i1',
  };

  it('opens what it issued, across instances sharing the key file (a platform restart)', async () => {
    const keyFile = path.join(await mkdtemp(path.join(tmpdir(), 'slw-tokens-')), 'services.key');
    const token = await new InstanceTokens(keyFile).issue(grant);
    expect(await new InstanceTokens(keyFile).verify(token)).toEqual(grant);
  });

  it('refuses altered, foreign and malformed tokens as unauthenticated', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'slw-tokens-'));
    const tokens = new InstanceTokens(path.join(dir, 'a.key'));
    const token = await tokens.issue(grant);
    const [version, , mac] = token.split('.');
    const otherTenant = Buffer.from(JSON.stringify({ t: 't2', a: 'a1', e: 'production', i: 'i1' })).toString(
      'base64url',
    );
    const foreign = await new InstanceTokens(path.join(dir, 'b.key')).issue(grant);
    for (const bad of [`${version}.${otherTenant}.${mac}`, foreign, '', 'Bearer', 'a.b.c.d', `${token}x`]) {
      await expect(tokens.verify(bad)).rejects.toMatchObject({ code: 'unauthenticated' });
    }
  });
});
