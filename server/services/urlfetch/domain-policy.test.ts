import { describe, expect, it } from 'vitest';
import { DomainError } from '../../core/errors';
import { domainPolicyRefusal, parseDomainPolicy } from './domain-policy';

describe('parseDomainPolicy', () => {
  it('normalises patterns: case, trailing dot, IDN, duplicates', () => {
    expect(
      parseDomainPolicy({ allow: ['API.Example.com.', '*.Bücher.example', '*', 'api.example.com'], deny: ['[::1]'] }),
    ).toEqual({ allow: ['api.example.com', '*.xn--bcher-kva.example', '*'], deny: ['[::1]'] });
  });

  it('accepts an empty or missing policy', () => {
    expect(parseDomainPolicy(undefined)).toEqual({});
    expect(parseDomainPolicy(null)).toEqual({});
    expect(parseDomainPolicy({})).toEqual({});
  });

  it.each([
    ['a list', ['example.com']],
    ['unknown keys', { allow: [], block: [] }],
    ['a non-list', { allow: 'example.com' }],
    ['a non-string pattern', { deny: [42] }],
    ['a wildcard inside', { allow: ['api.*.example.com'] }],
    ['a bare-suffix wildcard', { allow: ['*example.com'] }],
    ['a port', { allow: ['example.com:8080'] }],
    ['a path', { allow: ['example.com/path'] }],
    ['a scheme', { allow: ['https://example.com'] }],
    ['userinfo', { allow: ['user@example.com'] }],
    ['an empty label', { allow: ['a..example.com'] }],
    ['an empty pattern', { deny: [''] }],
    ['a wildcard before an IP', { deny: ['*.10.0.0.1'] }],
    ['odd characters', { deny: ['exa$mple.com'] }],
    ['too many patterns', { deny: Array.from({ length: 501 }, (_, i) => `h${i}.example.com`) }],
  ])('refuses %s', (_what, json) => {
    expect(() => parseDomainPolicy(json)).toThrow(DomainError);
    try {
      parseDomainPolicy(json);
    } catch (error) {
      expect((error as DomainError).code).toBe('invalid-input');
    }
  });

  it('names the bad entry', () => {
    expect(() => parseDomainPolicy({ allow: ['ok.example', 'bad/one'] })).toThrow(/allow\[1\] "bad\/one"/);
  });
});

describe('domainPolicyRefusal', () => {
  const check = (json: unknown, host: string) => domainPolicyRefusal(parseDomainPolicy(json), host);

  it('lets everything through without rules', () => {
    expect(check({}, 'anything.example')).toBeNull();
  });

  it('matches exact names, subdomain wildcards and *', () => {
    expect(check({ allow: ['example.com'] }, 'example.com')).toBeNull();
    expect(check({ allow: ['example.com'] }, 'api.example.com')).toMatch(/not on the allow list \(example\.com\)/);
    expect(check({ allow: ['*.example.com'] }, 'api.example.com')).toBeNull();
    expect(check({ allow: ['*.example.com'] }, 'a.b.example.com')).toBeNull();
    expect(check({ allow: ['*.example.com'] }, 'example.com')).toMatch(/not on the allow list/);
    expect(check({ allow: ['*.example.com'] }, 'badexample.com')).toMatch(/not on the allow list/);
    expect(check({ allow: ['*'] }, 'whatever.example')).toBeNull();
  });

  it('lets deny win over allow', () => {
    const policy = { allow: ['*.example.com'], deny: ['admin.example.com'] };
    expect(check(policy, 'api.example.com')).toBeNull();
    expect(check(policy, 'admin.example.com')).toBe(
      'refused: admin.example.com matches the deny pattern admin.example.com',
    );
    expect(check({ allow: ['*'], deny: ['*'] }, 'example.com')).toMatch(/deny pattern \*/);
  });

  it('compares hosts lower-case, without trailing dot, IDN as punycode', () => {
    const policy = { deny: ['bücher.example'] };
    expect(check(policy, new URL('http://BÜCHER.example./').hostname)).toMatch(/deny pattern xn--bcher-kva\.example/);
    expect(check({ deny: ['example.com'] }, 'EXAMPLE.COM.')).toMatch(/deny/);
  });

  it('matches IP literals exactly', () => {
    expect(check({ deny: ['93.184.216.34'] }, new URL('http://93.184.216.34/').hostname)).toMatch(/deny/);
    expect(check({ deny: ['[2606:4700::1]'] }, new URL('http://[2606:4700:0::1]/').hostname)).toMatch(/deny/);
  });

  it('lists at most five allowed patterns in the reason', () => {
    const allow = ['a.example', 'b.example', 'c.example', 'd.example', 'e.example', 'f.example'];
    expect(check({ allow }, 'z.example')).toBe(
      'refused: z.example is not on the allow list (a.example, b.example, c.example, d.example, e.example, …)',
    );
  });
});
