import { describe, expect, it } from 'vitest';
import { ApiError } from './api/http.js';
import { DICT } from './dict/index.js';
import { describeError } from './errors.js';

describe('errors in plain Vietnamese', () => {
  it('names what went wrong from the API message or code, never in English', () => {
    const cases: Array<[ApiError, string]> = [
      [new ApiError(401, 'unauthorized', 'wrong username or password'), 'Sai tên đăng nhập hoặc mật khẩu.'],
      [
        new ApiError(401, 'unauthorized', 'log in first (session cookie or bearer token)'),
        'Phiên làm việc đã hết. Hãy đăng nhập lại.',
      ],
      [
        new ApiError(429, 'too_many_requests', 'too many failed logins: the account is locked for 12 more minute(s)'),
        'Thử lại sau 12 phút.',
      ],
      [
        new ApiError(403, 'forbidden', 'your role (viewer) may not do this (users.read)'),
        'Vai trò của bạn không được phép',
      ],
      [new ApiError(403, 'forbidden', 'the target is outside your unit'), 'nằm ngoài đơn vị của bạn'],
      [new ApiError(400, 'validation_failed', 'the one-off time is in the past'), 'Thời điểm phát đã qua'],
      [
        new ApiError(409, 'conflict', 'cannot approve a bulletin that is draft (allowed from: submitted)'),
        'trạng thái không cho phép',
      ],
      [new ApiError(415, 'unsupported_media', 'the file is not a readable audio file'), 'không phải âm thanh'],
      [new ApiError(0, 'network', 'Failed to fetch'), 'Không kết nối được máy chủ'],
      [new ApiError(500, 'internal', 'internal error', undefined, 'req-42'), 'req-42'],
    ];
    for (const [err, want] of cases) expect(describeError(err)).toContain(want);
  });

  it('has every label in both languages, with the same placeholders', () => {
    for (const [key, { vi, en }] of Object.entries(DICT)) {
      expect(vi.trim(), key).not.toBe('');
      expect(en.trim(), key).not.toBe('');
      const names = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
      expect(names(vi), key).toEqual(names(en));
    }
  });
});

describe('validation in plain Vietnamese', () => {
  it('says what is missing, from the shared schemas, checked in the browser', async () => {
    const { BulletinInputSchema } = await import('@nguon/schemas');
    const r = BulletinInputSchema.safeParse({ title: ' ', items: [] });
    expect(r.success).toBe(false);
    const text = describeError(r.error);
    expect(text).toContain('Hãy nhập tiêu đề.');
    expect(text).toContain('Bản tin cần ít nhất một âm thanh.');
    expect(text).not.toMatch(/required|audio item/);
  });

  it('turns the server validation details into Vietnamese, with no English field paths', () => {
    const err = new ApiError(400, 'validation_failed', 'invalid body', [
      { path: '/limit', message: 'Too big: expected number to be <=500' },
    ]);
    expect(describeError(err)).toBe('Thông tin nhập chưa hợp lệ. Kiểm tra lại các ô đã nhập.');
  });
});
