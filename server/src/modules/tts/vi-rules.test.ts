import { describe, expect, it } from 'vitest';
import { expandAbbreviations } from './vi-abbreviations.js';
import { normalizeVietnamese as n } from './vi-normalize.js';

describe('dates', () => {
  it.each([
    ['21/11/2026', 'ngày hai mươi mốt tháng mười một năm hai nghìn không trăm hai mươi sáu'],
    ['Ngày 25/11/2022,', 'Ngày hai mươi lăm tháng mười một năm hai nghìn không trăm hai mươi hai'],
    ['ngày 2/9', 'ngày hai tháng chín'],
    ['ngày 4/4', 'ngày bốn tháng tư'],
    ['Sáng 28/6, tại Hà Nội', 'Sáng ngày hai mươi tám tháng sáu, tại Hà Nội'],
    ['Ngày 2-3, Phó Chủ tịch', 'Ngày hai tháng ba, Phó Chủ tịch'],
    ['25-11-2022', 'ngày hai mươi lăm tháng mười một năm hai nghìn không trăm hai mươi hai'],
    ['03.10.2019', 'ngày ba tháng mười năm hai nghìn không trăm mười chín'],
    ['tháng 12/2023', 'tháng mười hai năm hai nghìn không trăm hai mươi ba'],
    ['tháng 4 năm nay', 'tháng tư năm nay'],
    ['từ 15/5 đến 30/6', 'từ ngày mười lăm tháng năm đến ngày ba mươi tháng sáu'],
    ['từ 21-23/11', 'từ ngày hai mươi mốt đến ngày hai mươi ba tháng mười một'],
    ['Từ 21/11-23/11', 'Từ ngày hai mươi mốt tháng mười một đến ngày hai mươi ba tháng mười một'],
    ['Quý IV/2023', 'Quý bốn năm hai nghìn không trăm hai mươi ba'],
  ])('%s → %s', (text, spoken) => {
    expect(n(text)).toBe(spoken);
  });

  it('reads counts with a slash as ratios, not dates', () => {
    expect(n('5/10 xã hoàn thành')).toBe('năm trên mười xã hoàn thành');
    expect(n('đạt 22/22 đơn vị')).toBe('đạt hai mươi hai trên hai mươi hai đơn vị');
  });

  it('does not read an impossible date as a date', () => {
    expect(n('32/13')).toBe('ba mươi hai trên mười ba');
  });
});

describe('times', () => {
  it.each([
    ['14h30', 'mười bốn giờ ba mươi phút'],
    ['14:30', 'mười bốn giờ ba mươi phút'],
    ['14h00', 'mười bốn giờ'],
    ['7h05 sáng', 'bảy giờ năm phút sáng'],
    ['7h sáng', 'bảy giờ sáng'],
    ['lúc 7 giờ 15', 'lúc bảy giờ mười lăm'],
    ['10h30-11h30', 'mười giờ ba mươi phút đến mười một giờ ba mươi phút'],
    ['lúc 15:11:20', 'lúc mười lăm giờ mười một phút hai mươi giây'],
  ])('%s → %s', (text, spoken) => {
    expect(n(text)).toBe(spoken);
  });
});

describe('numbers, ranges, units', () => {
  it.each([
    ['3-5 mm', 'ba đến năm mi-li-mét'],
    ['118-133 km/h', 'một trăm mười tám đến một trăm ba mươi ba ki-lô-mét trên giờ'],
    ['giai đoạn 2021 - 2025', 'giai đoạn hai nghìn không trăm hai mươi mốt đến hai nghìn không trăm hai mươi lăm'],
    ['80%', 'tám mươi phần trăm'],
    ['tỷ lệ 98,5%', 'tỷ lệ chín mươi tám phẩy năm phần trăm'],
    ['25°C', 'hai mươi lăm độ xê'],
    ['25 độ C', 'hai mươi lăm độ xê'],
    ['nhiệt độ -2°C', 'nhiệt độ âm hai độ xê'],
    ['1.200 m3/s', 'một nghìn hai trăm mét khối trên giây'],
    ['200 ha lúa', 'hai trăm héc-ta lúa'],
    ['cao 2 m, rộng 30 cm', 'cao hai mét, rộng ba mươi xen-ti-mét'],
    ['5 mẫu ruộng', 'năm mẫu ruộng'],
    ['50 kg gạo', 'năm mươi ki-lô-gam gạo'],
    ['50.000đ/kg', 'năm mươi nghìn đồng một ki-lô-gam'],
    ['2 triệu đồng/người/tháng', 'hai triệu đồng một người một tháng'],
    ['1.000.000 đồng', 'một triệu đồng'],
    ['hơn 6.000 điểm cầu', 'hơn sáu nghìn điểm cầu'],
    ['phiên bản 4.0', 'phiên bản bốn chấm không'],
    ['Có 115 hộ dân', 'Có một trăm mười lăm hộ dân'],
  ])('%s → %s', (text, spoken) => {
    expect(n(text)).toBe(spoken);
  });
});

describe('storm levels, Roman numerals, ordinals', () => {
  it.each([
    ['bão cấp 12, giật cấp 15', 'bão cấp mười hai, giật cấp mười lăm'],
    ['bão cấp XII', 'bão cấp mười hai'],
    ['Quý IV', 'Quý bốn'],
    ['Thế kỷ XXI', 'Thế kỷ hai mươi mốt'],
    ['Đại hội XIII của Đảng', 'Đại hội mười ba của Đảng'],
    ['Kỳ họp thứ IX', 'Kỳ họp thứ chín'],
    ['lần thứ 4', 'lần thứ tư'],
    ['giải thứ 1', 'giải thứ nhất'],
    ['Thứ 4, 14h00', 'Thứ tư, mười bốn giờ'],
    ['mỗi tháng 4 lần', 'mỗi tháng bốn lần'],
  ])('%s → %s', (text, spoken) => {
    expect(n(text)).toBe(spoken);
  });

  it('leaves capital letters that are not in a numeral context alone', () => {
    expect(n('ca sĩ Mỹ Tâm, màn hình LCD, MC dẫn chương trình')).toBe(
      'ca sĩ Mỹ Tâm, màn hình LCD, MC dẫn chương trình',
    );
  });
});

describe('phone numbers', () => {
  it.each([
    ['0912 345 678', 'không chín một hai, ba bốn năm, sáu bảy tám'],
    ['0912345678', 'không chín một hai, ba bốn năm, sáu bảy tám'],
    ['0912.345.678', 'không chín một hai, ba bốn năm, sáu bảy tám'],
    ['0234 3822 115', 'không hai ba bốn, ba tám hai hai, một một năm'],
    ['(0234) 3822115', 'không hai ba bốn, ba tám hai hai, một một năm'],
    ['+84 912 345 678', 'cộng tám tư, chín một hai, ba bốn năm, sáu bảy tám'],
    ['Đường dây nóng 1900 1234', 'Đường dây nóng một chín không không, một hai ba bốn'],
    ['Hotline: 1800.1091', 'Hotline: một tám không không, một không chín một'],
    ['Gọi 113, 114, 115.', 'Gọi một một ba, một một bốn, một một năm.'],
    ['gọi ngay 114 khi có cháy', 'gọi ngay một một bốn khi có cháy'],
    ['số điện thoại 0912 345 678 12 lần', 'số điện thoại không chín một hai, ba bốn năm, sáu bảy tám mười hai lần'],
  ])('%s → %s', (text, spoken) => {
    expect(n(text)).toBe(spoken);
  });
});

describe('abbreviations', () => {
  it.each([
    ['UBND tỉnh', 'Ủy ban nhân dân tỉnh'],
    ['HĐND xã', 'Hội đồng nhân dân xã'],
    ['TP Huế', 'thành phố Huế'],
    ['TP. Huế', 'thành phố Huế'],
    ['Sở TT-TT', 'Sở Thông tin và Truyền thông'],
    ['Bộ TT&TT', 'Bộ Thông tin và Truyền thông'],
    ['BCH PCTT và TKCN', 'Ban Chỉ huy phòng chống thiên tai và tìm kiếm cứu nạn'],
    ['đảm bảo ATGT', 'đảm bảo an toàn giao thông'],
    ['thẻ BHYT', 'thẻ bảo hiểm y tế'],
    ['trường THCS và THPT', 'trường trung học cơ sở và trung học phổ thông'],
    ['lực lượng CSGT', 'lực lượng cảnh sát giao thông'],
    ['dịch Covid-19', 'dịch Cô-vít mười chín'],
    ['gạo, muối, v.v.', 'gạo, muối, vân vân.'],
    ['Quyết định số 1982/QĐ-UBND', 'Quyết định số một nghìn chín trăm tám mươi hai, quyết định Ủy ban nhân dân'],
  ])('%s → %s', (text, spoken) => {
    expect(n(text)).toBe(spoken);
  });

  it('never replaces inside a longer word or code', () => {
    expect(expandAbbreviations('UBNDX xUBND ATGTQ TPHCMX')).toBe('UBNDX xUBND ATGTQ TPHCMX');
    expect(expandAbbreviations('Tp, TPx, tp')).toBe('Tp, TPx, tp');
  });

  it('does not read an abbreviation twice when the text introduces it in brackets', () => {
    expect(expandAbbreviations('Cổng Thông tin điện tử (TTĐT) Chính phủ')).toBe('Cổng Thông tin điện tử Chính phủ');
  });
});

describe('symbols and addresses', () => {
  it('reads web and e-mail addresses', () => {
    expect(n('Website: doithoai.danang.gov.vn')).toBe('Website: doithoai chấm danang chấm gov chấm vn');
    expect(n('Email: abc@hue.gov.vn')).toBe('Email: abc a còng hue chấm gov chấm vn');
  });

  it('turns brackets and spaced dashes into pauses', () => {
    expect(n('Phòng Văn hóa - Thông tin (huyện)')).toBe('Phòng Văn hóa, Thông tin, huyện');
  });
});
