import { describe, expect, it } from 'vitest';
import { hashPassword, verifyPassword } from './password';

const cheap = { N: 1024, r: 8, p: 1 };

describe('password hashing', () => {
  it('verifies the right password and refuses a wrong one', async () => {
    const stored = await hashPassword('s3cret passphrase', cheap);
    expect(stored).toMatch(/^scrypt\$1024\$8\$1\$/);
    expect(await verifyPassword('s3cret passphrase', stored)).toBe(true);
    expect(await verifyPassword('s3cret passphrasE', stored)).toBe(false);
  });

  it('salts every hash and uses the memory-hard default cost', async () => {
    const a = await hashPassword('same', cheap);
    const b = await hashPassword('same', cheap);
    expect(a).not.toEqual(b);
    expect(await hashPassword('x')).toMatch(/^scrypt\$32768\$8\$1\$/);
  });

  it('refuses malformed stored hashes', async () => {
    expect(await verifyPassword('x', 'md5$abc')).toBe(false);
    expect(await verifyPassword('x', '')).toBe(false);
  });
});
