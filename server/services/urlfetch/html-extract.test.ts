import { describe, expect, it } from 'vitest';
import { DomainError } from '../../core/errors';
import { extractFromHtml } from './html-extract';

const page = `<!doctype html>
<html><head><title>  Quarterly   report </title><style>.x { color: red }</style></head>
<body>
  <h1 class="title">Sales
     &amp; Revenue</h1>
  <script>var secret = 1;</script>
  <ul id="items">
    <li><a href="/a" data-id="1">First <b>item</b></a></li>
    <li><a href="/b">Second</a></li>
    <li><a data-id="3">Third</a></li>
  </ul>
  <div class="price" data-amount="12.50">12,50 €<script>track()</script></div>
</body></html>`;

function failure(run: () => unknown): DomainError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(DomainError);
    return error as DomainError;
  }
  throw new Error('expected a DomainError');
}

describe('extractFromHtml', () => {
  it('captures trimmed text with whitespace collapsed and entities decoded', () => {
    expect(extractFromHtml(page, { title: { selector: 'title' }, heading: { selector: 'h1.title' } })).toEqual({
      title: 'Quarterly report',
      heading: 'Sales & Revenue',
    });
  });

  it('leaves script and style contents out of text', () => {
    expect(extractFromHtml(page, { price: { selector: '.price' }, body: { selector: 'body' } })).toMatchObject({
      price: '12,50 €',
    });
    const { body } = extractFromHtml(page, { body: { selector: 'body' } });
    expect(body).not.toMatch(/secret|track|color/);
  });

  it('reads attributes, and null when the attribute or the element is missing', () => {
    expect(
      extractFromHtml(page, {
        amount: { selector: '.price', attribute: 'data-amount' },
        firstLink: { selector: '#items a', attribute: 'href' },
        missingAttribute: { selector: 'h1', attribute: 'data-nope' },
        missingElement: { selector: 'table td' },
      }),
    ).toEqual({ amount: '12.50', firstLink: '/a', missingAttribute: null, missingElement: null });
  });

  it('returns every match with all, skipping matches without the attribute', () => {
    expect(
      extractFromHtml(page, {
        texts: { selector: '#items li', all: true },
        links: { selector: '#items a', attribute: 'href', all: true },
        none: { selector: 'table', all: true },
      }),
    ).toEqual({ texts: ['First item', 'Second', 'Third'], links: ['/a', '/b'], none: [] });
  });

  it('supports combinators and pseudo-classes', () => {
    expect(
      extractFromHtml(page, {
        second: { selector: '#items > li:nth-child(2) a' },
        withId: { selector: 'a[data-id]:not([href])' },
        hasBold: { selector: 'li:has(b)' },
      }),
    ).toEqual({ second: 'Second', withId: 'Third', hasBold: 'First item' });
  });

  it('names the field with an invalid selector', () => {
    const error = failure(() => extractFromHtml(page, { ok: { selector: 'h1' }, broken: { selector: 'div[' } }));
    expect(error.code).toBe('invalid-input');
    expect(error.message).toMatch(/^field "broken": invalid CSS selector "div\["/);
    expect(error.data).toEqual({ field: 'broken' });
    expect(failure(() => extractFromHtml(page, { odd: { selector: 'a:unknown-pseudo' } })).message).toMatch(/"odd"/);
    expect(failure(() => extractFromHtml(page, { empty: { selector: '  ' } })).message).toMatch(/"empty" needs/);
  });

  it('refuses bad field shapes', () => {
    expect(failure(() => extractFromHtml(page, { a: { selector: 'a', attribute: 'bad name' } })).code).toBe(
      'invalid-input',
    );
    expect(failure(() => extractFromHtml(page, { a: 'a' as never })).code).toBe('invalid-input');
  });

  it('enforces its limits', () => {
    const fields = Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`f${i}`, { selector: 'a' }]));
    expect(failure(() => extractFromHtml(page, fields)).message).toMatch(/51 fields; at most 50/);
    const big = 'x'.repeat(5 * 1024 * 1024 + 1);
    expect(failure(() => extractFromHtml(big, { a: { selector: 'a' } })).code).toBe('too-large');
    const many = `<ul>${'<li>x</li>'.repeat(1001)}</ul>`;
    const error = failure(() => extractFromHtml(many, { items: { selector: 'li', all: true } }));
    expect(error).toMatchObject({ code: 'too-large', data: { field: 'items', limit: 1000 } });
    expect(extractFromHtml(many, { first: { selector: 'li' } })).toEqual({ first: 'x' });
  });
});
