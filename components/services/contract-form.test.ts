import { describe, expect, it } from 'vitest';
import { contractOf, draftOf } from './contract-form';

const catalogue = ['datastore', 'images', 'push', 'users', 'messaging', 'tasks', 'urlfetch'] as const;

describe('contract form', () => {
  it('round-trips a contract through the form', () => {
    const contract = { services: ['datastore' as const, 'urlfetch' as const], urlPolicy: { deny: ['*.example'] } };
    expect(contractOf(draftOf(contract), catalogue)).toEqual(contract);
  });

  it('orders services as the catalogue does and reads one pattern per line or comma', () => {
    const draft = {
      services: new Set(['urlfetch', 'push'] as const),
      allow: ' api.example \n\n*.supplier.example, x.example',
      deny: '  ',
    };
    expect(contractOf(draft, catalogue)).toEqual({
      services: ['push', 'urlfetch'],
      urlPolicy: { allow: ['api.example', '*.supplier.example', 'x.example'] },
    });
  });
});
