import { describe, expect, it } from 'vitest';
import { DomainError } from '../../core/errors';
import { parseImageSpec } from './image-spec';

function rejection(json: unknown, limits?: { maxOperations: number; maxOutputSide: number }): DomainError {
  try {
    parseImageSpec(json, limits);
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error(`parseImageSpec accepted ${JSON.stringify(json)}`);
}

describe('parseImageSpec', () => {
  it('accepts every operation and keeps only what was given', () => {
    const json = {
      operations: [
        { op: 'resize', width: 800, fit: 'contain', withoutEnlargement: false, background: '#FFaa00' },
        { op: 'resize', height: 10 },
        { op: 'crop', left: 0, top: 5, width: 10, height: 20 },
        { op: 'rotate', degrees: -450 },
        { op: 'flip' },
        { op: 'flop' },
        { op: 'thumbnail', size: 128 },
      ],
      output: { format: 'webp', quality: 55 },
      autoOrient: false,
    };
    expect(parseImageSpec(json)).toEqual(json);
    expect(parseImageSpec({})).toEqual({});
    expect(parseImageSpec({ operations: [], output: {} })).toEqual({ operations: [], output: {} });
  });

  it('returns a copy: later changes to the JSON do not reach the spec', () => {
    const json = { operations: [{ op: 'thumbnail', size: 10 }] };
    const spec = parseImageSpec(json);
    json.operations[0]!.size = 100_000;
    expect(spec.operations).toEqual([{ op: 'thumbnail', size: 10 }]);
  });

  const cases: Array<[string, unknown, string, string]> = [
    ['null', null, '', 'the spec must be a JSON object (got null)'],
    ['an array', [], '', 'the spec must be a JSON object (got an array)'],
    ['a string', 'resize', '', 'the spec must be a JSON object (got "resize")'],
    [
      'an unknown top-level field',
      { operation: [] },
      '',
      'the spec has an unknown field "operation"; a spec takes operations, output, autoOrient',
    ],
    [
      'operations not an array',
      { operations: { op: 'flip' } },
      'operations',
      'operations must be an array (got an object)',
    ],
    [
      'an operation that is not an object',
      { operations: [5] },
      'operations[0]',
      'operations[0] must be an object with an "op" field (got 5)',
    ],
    [
      'a missing op',
      { operations: [{ width: 5 }] },
      'operations[0].op',
      'operations[0].op must be one of "resize", "crop", "rotate", "flip", "flop", "thumbnail" (got nothing)',
    ],
    ['an unknown op', { operations: [{ op: 'flip' }, { op: 'blur' }] }, 'operations[1].op', '(got "blur")'],
    [
      'a misspelt field',
      { operations: [{ op: 'resize', widht: 5 }] },
      'operations[0]',
      'operations[0] has an unknown field "widht"; resize takes width, height, fit, withoutEnlargement, background',
    ],
    [
      'a field on flip',
      { operations: [{ op: 'flip', axis: 'x' }] },
      'operations[0]',
      'operations[0] has an unknown field "axis"; flip takes no other fields',
    ],
    [
      'a resize without sizes',
      { operations: [{ op: 'resize', fit: 'cover' }] },
      'operations[0]',
      'operations[0] (resize) needs a width, a height or both',
    ],
    [
      'a zero width',
      { operations: [{ op: 'resize', width: 0 }] },
      'operations[0].width',
      'operations[0].width must be a whole number from 1 to 8192 (got 0)',
    ],
    ['a fractional height', { operations: [{ op: 'resize', height: 10.5 }] }, 'operations[0].height', '(got 10.5)'],
    ['a string width', { operations: [{ op: 'resize', width: '100' }] }, 'operations[0].width', '(got "100")'],
    [
      'a width over the limit',
      { operations: [{ op: 'resize', width: 9000 }] },
      'operations[0].width',
      'from 1 to 8192 (got 9000)',
    ],
    [
      'an unknown fit',
      { operations: [{ op: 'resize', width: 5, fit: 'stretch' }] },
      'operations[0].fit',
      'operations[0].fit must be one of "cover", "contain", "inside", "outside", "fill" (got "stretch")',
    ],
    [
      'a non-boolean withoutEnlargement',
      { operations: [{ op: 'resize', width: 5, withoutEnlargement: 'yes' }] },
      'operations[0].withoutEnlargement',
      'operations[0].withoutEnlargement must be true or false (got "yes")',
    ],
    [
      'a named colour',
      { operations: [{ op: 'resize', width: 5, background: 'red' }] },
      'operations[0].background',
      'operations[0].background must be a colour written "#rrggbb", such as "#ffffff" (got "red")',
    ],
    [
      'a short colour',
      { operations: [{ op: 'resize', width: 5, background: '#fff' }] },
      'operations[0].background',
      '(got "#fff")',
    ],
    [
      'a crop without top',
      { operations: [{ op: 'crop', left: 0, width: 5, height: 5 }] },
      'operations[0].top',
      'operations[0].top is required',
    ],
    [
      'a negative crop left',
      { operations: [{ op: 'crop', left: -1, top: 0, width: 5, height: 5 }] },
      'operations[0].left',
      'operations[0].left must be a whole number of at least 0 (got -1)',
    ],
    [
      'a crop wider than the limit',
      { operations: [{ op: 'crop', left: 0, top: 0, width: 8193, height: 5 }] },
      'operations[0].width',
      '(got 8193)',
    ],
    [
      'a rotation by 45',
      { operations: [{ op: 'rotate', degrees: 45 }] },
      'operations[0].degrees',
      'operations[0].degrees must be a multiple of 90, such as 90, 180, 270 or -90 (got 45)',
    ],
    ['a rotation without degrees', { operations: [{ op: 'rotate' }] }, 'operations[0].degrees', '(got nothing)'],
    [
      'a rotation by a string',
      { operations: [{ op: 'rotate', degrees: '90' }] },
      'operations[0].degrees',
      '(got "90")',
    ],
    [
      'a thumbnail without size',
      { operations: [{ op: 'thumbnail' }] },
      'operations[0].size',
      'operations[0].size is required',
    ],
    ['a thumbnail of size 0', { operations: [{ op: 'thumbnail', size: 0 }] }, 'operations[0].size', '(got 0)'],
    ['output not an object', { output: 'png' }, 'output', 'output must be an object (got "png")'],
    [
      'an unknown output field',
      { output: { fromat: 'png' } },
      'output',
      'output has an unknown field "fromat"; output takes format, quality',
    ],
    [
      'an output format sharp could write but the service does not',
      { output: { format: 'gif' } },
      'output.format',
      'output.format must be one of "jpeg", "png", "webp" (got "gif")',
    ],
    [
      'quality 0',
      { output: { quality: 0 } },
      'output.quality',
      'output.quality must be a whole number from 1 to 100 (got 0)',
    ],
    ['quality 101', { output: { quality: 101 } }, 'output.quality', '(got 101)'],
    ['a string autoOrient', { autoOrient: 'false' }, 'autoOrient', 'autoOrient must be true or false (got "false")'],
    ['a long string value', { output: { format: 'x'.repeat(100) } }, 'output.format', `(got "${'x'.repeat(36)}...)`],
  ];

  it.each(cases)('rejects %s, naming the field', (_name, json, field, message) => {
    const error = rejection(json);
    expect(error.code).toBe('invalid-input');
    expect(error.message).toContain(message);
    expect(error.data).toMatchObject({ field });
  });

  it('rejects more operations than the limit, which a service may set', () => {
    const operations = Array.from({ length: 21 }, () => ({ op: 'flip' }));
    expect(rejection({ operations }).message).toBe('operations has 21 entries; the limit is 20');
    expect(parseImageSpec({ operations }, { maxOperations: 30, maxOutputSide: 8192 }).operations).toHaveLength(21);
    expect(
      rejection({ operations: [{ op: 'thumbnail', size: 200 }] }, { maxOperations: 20, maxOutputSide: 100 }).message,
    ).toBe('operations[0].size must be a whole number from 1 to 100 (got 200)');
  });
});
