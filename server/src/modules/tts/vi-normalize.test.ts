import { describe, expect, it } from 'vitest';
import { AppError } from '../../errors.js';
import { normalizeVietnamese } from './vi-normalize.js';

/** Real bulletin sentences, as commune and province radio staff type them. */
describe('normalizeVietnamese on real bulletins', () => {
  it('reads a storm warning (tin bão)', () => {
    const text =
      'Hồi 16 giờ ngày 21/11, vị trí tâm bão số 3 ở vào khoảng 16,5 độ Vĩ Bắc; 112,3 độ Kinh Đông, ' +
      'sức gió mạnh nhất cấp 12 (118-133 km/h), giật cấp 15. Dự báo trong 24 giờ tới, bão di chuyển ' +
      'theo hướng Tây Tây Bắc, mỗi giờ đi được 10-15 km.';
    expect(normalizeVietnamese(text)).toBe(
      'Hồi mười sáu giờ ngày hai mươi mốt tháng mười một, vị trí tâm bão số ba ở vào khoảng mười sáu phẩy ' +
        'năm độ Vĩ Bắc; một trăm mười hai phẩy ba độ Kinh Đông, sức gió mạnh nhất cấp mười hai, một trăm ' +
        'mười tám đến một trăm ba mươi ba ki-lô-mét trên giờ, giật cấp mười lăm. Dự báo trong hai mươi tư ' +
        'giờ tới, bão di chuyển theo hướng Tây Tây Bắc, mỗi giờ đi được mười đến mười lăm ki-lô-mét.',
    );
  });

  it('reads a meeting notice from a commune People’s Committee', () => {
    const text =
      'UBND xã Hải Thượng thông báo: vào lúc 7h30 sáng Thứ 2, ngày 2/9/2026, tại hội trường UBND xã tổ ' +
      'chức họp triển khai công tác PCTT&TKCN năm 2026. Kính mời đại diện HĐND, MTTQ, BCH Quân sự xã và ' +
      'trưởng các thôn đến dự đúng giờ.';
    expect(normalizeVietnamese(text)).toBe(
      'Ủy ban nhân dân xã Hải Thượng thông báo: vào lúc bảy giờ ba mươi phút sáng Thứ hai, ngày hai tháng ' +
        'chín năm hai nghìn không trăm hai mươi sáu, tại hội trường Ủy ban nhân dân xã tổ chức họp triển khai ' +
        'công tác phòng chống thiên tai và tìm kiếm cứu nạn năm hai nghìn không trăm hai mươi sáu. Kính mời ' +
        'đại diện Hội đồng nhân dân, Mặt trận Tổ quốc, Ban Chỉ huy Quân sự xã và trưởng các thôn đến dự đúng giờ.',
    );
  });

  it('reads a vaccination call with a landline and the ambulance number', () => {
    const text =
      'Trạm y tế xã tổ chức tiêm vắc-xin sởi - rubella cho trẻ từ 6-59 tháng tuổi vào ngày 14 và 15/3. ' +
      'Mọi thắc mắc xin liên hệ trạm y tế xã, số điện thoại 0234 3822 115 hoặc gọi 115 khi cần cấp cứu.';
    expect(normalizeVietnamese(text)).toBe(
      'Trạm y tế xã tổ chức tiêm vắc-xin sởi, rubella cho trẻ từ sáu đến năm mươi chín tháng tuổi vào ngày ' +
        'mười bốn và ngày mười lăm tháng ba. Mọi thắc mắc xin liên hệ trạm y tế xã, số điện thoại không hai ba ' +
        'bốn, ba tám hai hai, một một năm hoặc gọi một một năm khi cần cấp cứu.',
    );
  });

  it('reads a heavy-rain warning', () => {
    const text =
      'Từ đêm 21/11 đến ngày 23/11, khu vực từ Quảng Trị đến Quảng Ngãi có mưa to đến rất to, lượng mưa ' +
      'phổ biến 100-200 mm, có nơi trên 300 mm. Nhiệt độ thấp nhất 18-20°C, độ ẩm 80%.';
    expect(normalizeVietnamese(text)).toBe(
      'Từ đêm ngày hai mươi mốt tháng mười một đến ngày hai mươi ba tháng mười một, khu vực từ Quảng Trị đến ' +
        'Quảng Ngãi có mưa to đến rất to, lượng mưa phổ biến một trăm đến hai trăm mi-li-mét, có nơi trên ba ' +
        'trăm mi-li-mét. Nhiệt độ thấp nhất mười tám đến hai mươi độ xê, độ ẩm tám mươi phần trăm.',
    );
  });

  it('reads a news item from the seeds (Sở TT-TT TPHCM, Quý IV, ratios)', () => {
    const text =
      'Hội nghị Giao ban công tác truyền thanh Quý IV năm 2023, do Sở Thông tin và Truyền thông (TT-TT) ' +
      'TPHCM tổ chức ngày 11/1/2024. Hiện có 22/22 đơn vị; 141/312 xã, phường, thị trấn có Cổng TTĐT cấp xã.';
    expect(normalizeVietnamese(text)).toBe(
      'Hội nghị Giao ban công tác truyền thanh Quý bốn năm hai nghìn không trăm hai mươi ba, do Sở Thông tin ' +
        'và Truyền thông Thành phố Hồ Chí Minh tổ chức ngày mười một tháng một năm hai nghìn không trăm hai ' +
        'mươi tư. Hiện có hai mươi hai trên hai mươi hai đơn vị; một trăm bốn mươi mốt trên ba trăm mười hai ' +
        'xã, phường, thị trấn có Cổng thông tin điện tử cấp xã.',
    );
  });

  it('keeps paragraphs as lines and drops list bullets', () => {
    expect(normalizeVietnamese('THÔNG BÁO\r\n\r\n- Mục 1\n• Mục 2\n\n')).toBe('THÔNG BÁO\nMục một\nMục hai');
  });
});

describe('normalizeVietnamese: text hygiene', () => {
  it('composes decomposed Vietnamese (NFD from some keyboards) to NFC', () => {
    const nfd = 'Ủy ban nhân dân'.normalize('NFD');
    expect(nfd).not.toBe('Ủy ban nhân dân');
    expect(normalizeVietnamese(nfd)).toBe('Ủy ban nhân dân');
  });

  it('strips emoji, joiners and invisible characters', () => {
    expect(normalizeVietnamese('Chúc mừng năm mới 🎉👨‍👩‍👧! 👍🏽\u200B\uFEFFXin cảm ơn')).toBe(
      'Chúc mừng năm mới! Xin cảm ơn',
    );
  });

  it('refuses control characters and says where', () => {
    const attempt = () => normalizeVietnamese('Thông báo\u0007 khẩn');
    expect(attempt).toThrow(AppError);
    expect(attempt).toThrow(/U\+0007 at position 9/);
  });

  it.each([
    ['Chinese (Han)', '台风三号将于今晚登陆广宁省沿海地区'],
    ['Thai', 'ประกาศเตือนภัยพายุลูกที่สาม'],
    ['Cyrillic', 'Штормовое предупреждение для провинции'],
  ])('refuses text mostly in %s, naming the script', (script, text) => {
    try {
      normalizeVietnamese(text);
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(AppError);
      expect((err as AppError).code).toBe('unprocessable');
      expect((err as AppError).message).toContain(script);
      expect((err as AppError).details).toMatchObject({ reason: 'unsupported_script', script });
    }
  });

  it('drops a few foreign characters inside Vietnamese text', () => {
    expect(normalizeVietnamese('Đoàn đại biểu tỉnh Quảng Tây (广西) sang thăm và làm việc với tỉnh.')).toBe(
      'Đoàn đại biểu tỉnh Quảng Tây sang thăm và làm việc với tỉnh.',
    );
  });
});

describe('normalizeVietnamese on hostile input', () => {
  // A guard, not a benchmark: an unbounded look-behind once took 30 s on the first of these; linear
  // patterns take well under a second even on a loaded machine.
  it.each([
    ['dashes', '1-'.repeat(10_000)],
    ['money chains', 'đồng/người'.repeat(2000)],
    ['slashes', '1/'.repeat(10_000)],
    ['phone-like groups', '0912 '.repeat(4000)],
  ])('stays linear on 20,000 characters of %s', (_label, text) => {
    const started = performance.now();
    normalizeVietnamese(text);
    expect(performance.now() - started).toBeLessThan(3000);
  });
});
