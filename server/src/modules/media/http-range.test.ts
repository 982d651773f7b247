import { describe, expect, it } from 'vitest';
import { contentRange, decideRange, notModified } from './http-range.js';

const ETAG = '"ab12"';

describe('decideRange', () => {
  it('serves the whole file without a Range header', () => {
    expect(decideRange(undefined, 1000)).toEqual({ kind: 'full' });
  });

  it.each([
    ['bytes=0-99', 0, 99],
    ['bytes=900-', 900, 999],
    ['bytes=900-5000', 900, 999],
    ['bytes=-100', 900, 999],
    ['bytes=-5000', 0, 999],
    [' Bytes = 10 - 10 ', 10, 10],
  ])('%s is a partial response %i-%i', (header, start, end) => {
    expect(decideRange(header, 1000)).toEqual({ kind: 'partial', start, end });
  });

  it.each(['bytes=1000-', 'bytes=5000-6000', 'bytes=-0'])('%s is unsatisfiable', (header) => {
    expect(decideRange(header, 1000)).toEqual({ kind: 'unsatisfiable' });
  });

  it.each(['bytes=0-1,5-6', 'items=0-1', 'bytes=5-3', 'bytes=-', 'bytes=abc', 'bytes=99999999999999999999-'])(
    '%s is ignored (full response)',
    (header) => {
      expect(decideRange(header, 1000)).toEqual({ kind: 'full' });
    },
  );

  it('honours If-Range only when it is the current strong ETag', () => {
    expect(decideRange('bytes=0-9', 1000, { header: ETAG, etag: ETAG })).toEqual({ kind: 'partial', start: 0, end: 9 });
    expect(decideRange('bytes=0-9', 1000, { header: '"other"', etag: ETAG })).toEqual({ kind: 'full' });
    expect(decideRange('bytes=0-9', 1000, { header: 'Wed, 21 Oct 2015 07:28:00 GMT', etag: ETAG })).toEqual({
      kind: 'full',
    });
    expect(decideRange('bytes=0-9', 1000, { header: undefined, etag: ETAG })).toEqual({
      kind: 'partial',
      start: 0,
      end: 9,
    });
  });
});

describe('contentRange', () => {
  it('formats partial and unsatisfiable answers', () => {
    expect(contentRange({ kind: 'partial', start: 0, end: 99 }, 1000)).toBe('bytes 0-99/1000');
    expect(contentRange({ kind: 'unsatisfiable' }, 1000)).toBe('bytes */1000');
    expect(contentRange({ kind: 'full' }, 1000)).toBeUndefined();
  });
});

describe('notModified', () => {
  it('matches the tag, a list, a weak form and *', () => {
    expect(notModified(ETAG, ETAG)).toBe(true);
    expect(notModified(`"x", ${ETAG}`, ETAG)).toBe(true);
    expect(notModified(`W/${ETAG}`, ETAG)).toBe(true);
    expect(notModified('*', ETAG)).toBe(true);
    expect(notModified('"x"', ETAG)).toBe(false);
    expect(notModified(undefined, ETAG)).toBe(false);
  });
});
