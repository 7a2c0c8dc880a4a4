import { describe, expect, it } from 'vitest';
import { DomainError } from '../../core/errors';
import { addressProblem, checkMail, checkMessage } from './mail-checks';

const mail = { to: ['ana@example.com'], subject: 'Report 17', text: 'Approved.' };

function failure(work: () => void): DomainError {
  try {
    work();
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('mail addresses', () => {
  it.each(['ana@example.com', 'first.last+tag@mail.example.co.uk', "o'brien@example.ie", 'ana@bücher.de'])(
    'accepts %s',
    (address) => expect(addressProblem(address)).toBeUndefined(),
  );

  it.each([
    ['', 'form name@example.com'],
    ['ana', 'form name@example.com'],
    ['ana@', 'form name@example.com'],
    ['@example.com', 'form name@example.com'],
    ['Ana <ana@example.com>', 'no spaces, names or <>'],
    ['ana@example.com, ben@example.com', 'its own element'],
    ['ana bob@example.com', 'no spaces'],
    ['ana..b@example.com', 'the part before @'],
    ['ana@localhost', 'domain name'],
    ['ana@10.0.0.1', 'domain name'],
    ['ana@-example.com', 'domain name'],
    ['ana@example.com\r\nBcc: eve@example.com', 'line break'],
    [`${'a'.repeat(65)}@example.com`, 'the part before @'],
  ])('refuses %j', (address, reason) => expect(addressProblem(address)).toContain(reason));
});

describe('checkMail', () => {
  it('accepts a plain mail and one with HTML', () => {
    expect(() => checkMail(mail)).not.toThrow();
    expect(() => checkMail({ ...mail, html: '<p>Approved.</p>', subject: '' })).not.toThrow();
  });

  it('refuses no recipients and more than 50', () => {
    expect(failure(() => checkMail({ ...mail, to: [] }))).toMatchObject({ code: 'invalid-input' });
    const many = Array.from({ length: 51 }, (_, i) => `user${i}@example.com`);
    const error = failure(() => checkMail({ ...mail, to: many }));
    expect(error.code).toBe('invalid-input');
    expect(error.message).toContain('at most 50 recipients');
    expect(() => checkMail({ ...mail, to: many.slice(0, 50) })).not.toThrow();
  });

  it('names the bad address and its position', () => {
    const error = failure(() => checkMail({ ...mail, to: ['ana@example.com', 'not an address'] }));
    expect(error.code).toBe('invalid-input');
    expect(error.message).toContain('"not an address" (to.1) is not a valid mail address');
    expect(error.data).toEqual({ field: 'to.1' });
  });

  it('refuses header injection in the subject and the addresses', () => {
    for (const subject of ['Hi\r\nBcc: eve@example.com', 'Hi\nX-Evil: 1', 'Hi\rthere']) {
      const error = failure(() => checkMail({ ...mail, subject }));
      expect(error.code).toBe('invalid-input');
      expect(error.message).toContain('inject mail headers');
    }
    const error = failure(() => checkMail({ ...mail, to: ['ana@example.com\nBcc: eve@example.com'] }));
    expect(error.message).toContain('line break');
    expect(error.message).toContain('\\n');
    expect(failure(() => checkMail({ ...mail, subject: 'a\u0000b' })).message).toContain('control characters');
  });

  it('refuses a subject over 200 characters and bodies over 1 MiB', () => {
    expect(() => checkMail({ ...mail, subject: 'é'.repeat(200) })).not.toThrow();
    expect(failure(() => checkMail({ ...mail, subject: 'x'.repeat(201) })).message).toContain('the limit is 200');
    const big = 'x'.repeat(1024 * 1024 + 1);
    expect(() => checkMail({ ...mail, text: big.slice(1) })).not.toThrow();
    expect(failure(() => checkMail({ ...mail, text: big }))).toMatchObject({ code: 'too-large' });
    expect(failure(() => checkMail({ ...mail, html: big }))).toMatchObject({
      code: 'too-large',
      data: { field: 'html', limit: 1024 * 1024 },
    });
  });
});

describe('checkMessage', () => {
  const message = { user: 'u1', subject: 'Report to approve', body: 'Report 17 waits for you.' };

  it('accepts a message and refuses an empty or multi-line subject and a body over 64 KiB', () => {
    expect(() => checkMessage(message)).not.toThrow();
    expect(failure(() => checkMessage({ ...message, user: '' })).code).toBe('invalid-input');
    expect(failure(() => checkMessage({ ...message, subject: '  ' })).code).toBe('invalid-input');
    expect(failure(() => checkMessage({ ...message, subject: 'a\nb' })).code).toBe('invalid-input');
    expect(failure(() => checkMessage({ ...message, body: 'x'.repeat(64 * 1024 + 1) })).code).toBe('too-large');
  });
});
