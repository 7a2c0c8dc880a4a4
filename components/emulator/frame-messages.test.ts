import { describe, expect, it } from 'vitest';
import { appPath, normalizePath, parseFrameMessage, previewOrigin } from './frame-messages';

const ORIGIN = 'http://p1.preview.localhost:3000';

describe('frame messages', () => {
  it('accepts only well-formed messages from the injected script', () => {
    expect(parseFrameMessage({ source: 'slipway-preview', type: 'console', level: 'error', text: 'x' })).toEqual({
      source: 'slipway-preview',
      type: 'console',
      level: 'error',
      text: 'x',
    });
    expect(parseFrameMessage({ source: 'slipway-preview', type: 'console', level: 'debug', text: 'x' })).toBeNull();
    expect(parseFrameMessage({ source: 'other', type: 'navigated', url: '/' })).toBeNull();
    expect(parseFrameMessage('navigated')).toBeNull();
    expect(parseFrameMessage({ source: 'slipway-preview', type: 'navigated', url: '/a', canGoBack: 'yes' })).toEqual({
      source: 'slipway-preview',
      type: 'navigated',
      url: '/a',
      canGoBack: false,
      canGoForward: false,
    });
  });

  it('derives the preview origin from a link, refusing other schemes', () => {
    expect(previewOrigin(`${ORIGIN}/__slipway/enter?token=t&path=/x`)).toBe(ORIGIN);
    expect(previewOrigin('javascript:alert(1)')).toBeNull();
    expect(previewOrigin('not a url')).toBeNull();
  });

  it('shows paths on the preview origin only', () => {
    expect(appPath('/requests?id=3#top', ORIGIN)).toBe('/requests?id=3#top');
    expect(appPath(`${ORIGIN}/a/b`, ORIGIN)).toBe('/a/b');
    expect(appPath('https://example.com/a', ORIGIN)).toBeNull();
    expect(appPath('//example.com/a', ORIGIN)).toBeNull();
  });

  it('turns typed addresses into one-slash app paths', () => {
    expect(normalizePath(' requests ')).toBe('/requests');
    expect(normalizePath('//evil.example/x')).toBe('/evil.example/x');
    expect(normalizePath('http://anything.example/a?b=1')).toBe('/a?b=1');
    expect(normalizePath('')).toBe('/');
  });
});
