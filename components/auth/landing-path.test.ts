import { describe, expect, it } from 'vitest';
import type { MembershipDto } from '@/server/protocol/identity';
import { landingPath } from './landing-path';

const member = (roles: MembershipDto['roles']): MembershipDto => ({
  tenantId: 't',
  tenantSlug: 'acme',
  tenantName: 'Acme',
  roles,
});

describe('landingPath', () => {
  it('follows a same-origin ?next= and refuses other sites', () => {
    expect(landingPath('/ide/p1?file=app.py', [member(['user'])])).toBe('/ide/p1?file=app.py');
    for (const unsafe of ['https://evil.example/', '//evil.example/', '/\\evil.example', 'ide', ''])
      expect(landingPath(unsafe, [member(['developer'])]), unsafe).toBe('/');
  });

  it('sends business users to the launcher and everyone else to the dashboard', () => {
    expect(landingPath(null, [member(['user'])])).toBe('/m');
    expect(landingPath(null, [member(['user']), { ...member(['user']), tenantId: 't2' }])).toBe('/m');
    expect(landingPath(null, [member(['user', 'manager'])])).toBe('/');
    expect(landingPath(null, [member(['user']), { ...member(['developer']), tenantId: 't2' }])).toBe('/');
    // No organisation yet: the dashboard says how to get invited.
    expect(landingPath(null, [])).toBe('/');
  });
});
