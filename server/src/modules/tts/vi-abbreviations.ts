/**
 * Abbreviations that bulletins use and a listener on the street must hear in full. Matched case-
 * sensitively and only as whole tokens (not inside a longer word: "TP" in "TPHCM" or "ATGT" in
 * "ATGTX" is left to its own entry or to the voice).
 */
const ABBREVIATIONS: Array<[written: string, spoken: string]> = [
  // Government and Party bodies
  ['UBND', 'Ủy ban nhân dân'],
  ['HĐND', 'Hội đồng nhân dân'],
  ['UBMTTQ', 'Ủy ban Mặt trận Tổ quốc'],
  ['MTTQ', 'Mặt trận Tổ quốc'],
  ['ĐBQH', 'đại biểu Quốc hội'],
  ['UBKT', 'Ủy ban Kiểm tra'],
  ['CHXHCN', 'Cộng hòa xã hội chủ nghĩa'],
  ['TW', 'Trung ương'],
  ['TU', 'Tỉnh ủy'],
  ['HU', 'Huyện ủy'],
  ['ĐU', 'Đảng ủy'],
  ['BCH', 'Ban Chỉ huy'],
  ['BCĐ', 'Ban Chỉ đạo'],
  ['BTC', 'Ban Tổ chức'],
  ['CAND', 'Công an nhân dân'],
  ['QĐND', 'Quân đội nhân dân'],
  // Places
  ['TP.HCM', 'Thành phố Hồ Chí Minh'],
  ['TP. HCM', 'Thành phố Hồ Chí Minh'],
  ['TP HCM', 'Thành phố Hồ Chí Minh'],
  ['TPHCM', 'Thành phố Hồ Chí Minh'],
  ['Tp.HCM', 'Thành phố Hồ Chí Minh'],
  ['HCM', 'Hồ Chí Minh'],
  ['TP.', 'thành phố'],
  ['Tp.', 'thành phố'],
  ['tp.', 'thành phố'],
  ['TP', 'thành phố'],
  ['TX.', 'thị xã'],
  ['TX', 'thị xã'],
  ['ĐBSCL', 'đồng bằng sông Cửu Long'],
  ['VN', 'Việt Nam'],
  // Ministries and sectors
  ['BTTTT', 'Bộ Thông tin và Truyền thông'],
  ['TT&TT', 'Thông tin và Truyền thông'],
  ['TT-TT', 'Thông tin và Truyền thông'],
  ['GD&ĐT', 'Giáo dục và Đào tạo'],
  ['GDĐT', 'Giáo dục và Đào tạo'],
  ['LĐ-TB&XH', 'Lao động - Thương binh và Xã hội'],
  ['LĐTBXH', 'Lao động - Thương binh và Xã hội'],
  ['NN&PTNT', 'Nông nghiệp và Phát triển nông thôn'],
  ['NN-PTNT', 'Nông nghiệp và Phát triển nông thôn'],
  ['TN&MT', 'Tài nguyên và Môi trường'],
  ['TNMT', 'Tài nguyên và Môi trường'],
  ['KTTV', 'khí tượng thủy văn'],
  ['CNTT', 'công nghệ thông tin'],
  ['TTĐT', 'thông tin điện tử'],
  // Disaster, safety, order
  ['PCTT', 'phòng chống thiên tai'],
  ['TKCN', 'tìm kiếm cứu nạn'],
  ['PCCC', 'phòng cháy chữa cháy'],
  ['CNCH', 'cứu nạn cứu hộ'],
  ['ATGT', 'an toàn giao thông'],
  ['CSGT', 'cảnh sát giao thông'],
  ['ANTT', 'an ninh trật tự'],
  ['ANQP', 'an ninh quốc phòng'],
  ['QP-AN', 'quốc phòng - an ninh'],
  ['KT-XH', 'kinh tế - xã hội'],
  ['ATTP', 'an toàn thực phẩm'],
  ['ATVSTP', 'an toàn vệ sinh thực phẩm'],
  // Health, schools, social insurance
  ['BHYT', 'bảo hiểm y tế'],
  ['BHXH', 'bảo hiểm xã hội'],
  ['TTYT', 'Trung tâm Y tế'],
  ['TYT', 'trạm y tế'],
  ['BVĐK', 'Bệnh viện Đa khoa'],
  ['CSSK', 'chăm sóc sức khỏe'],
  ['THCS', 'trung học cơ sở'],
  ['THPT', 'trung học phổ thông'],
  ['Covid-19', 'Cô-vít mười chín'],
  ['COVID-19', 'Cô-vít mười chín'],
  ['Covid 19', 'Cô-vít mười chín'],
  // Economy
  ['NTM', 'nông thôn mới'],
  ['HTX', 'hợp tác xã'],
  ['KCN', 'khu công nghiệp'],
  ['TNHH', 'trách nhiệm hữu hạn'],
  // Documents and correspondence
  ['NĐ-CP', 'Nghị định Chính phủ'],
  ['QĐ', 'quyết định'],
  ['NĐ', 'nghị định'],
  ['NQ', 'nghị quyết'],
  ['TTg', 'Thủ tướng'],
  ['V/v', 'về việc'],
  ['v/v', 'về việc'],
  ['Đ/c', 'đồng chí'],
  ['SĐT', 'số điện thoại'],
  ['ĐT', 'điện thoại'],
  // Titles
  ['PGS.TS', 'phó giáo sư, tiến sĩ'],
  ['PGS.', 'phó giáo sư'],
  ['GS.', 'giáo sư'],
  ['TS.', 'tiến sĩ'],
  ['ThS.', 'thạc sĩ'],
  ['BS.', 'bác sĩ'],
  // The final dot of "v.v." is left in place: it usually ends the sentence.
  ['v.v', 'vân vân'],
];

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

const SPOKEN = new Map(ABBREVIATIONS);

/** Longest first, so "TP.HCM" wins over "TP." and "PCTT" never eats the start of a longer entry. */
const PATTERN = new RegExp(
  `(?<![\\p{L}\\p{N}])(?:${[...SPOKEN.keys()]
    .sort((a, b) => b.length - a.length)
    .map(escapeRegExp)
    .join('|')})(?![\\p{L}\\p{N}])`,
  'gu',
);

/** "Sở Thông tin và Truyền thông (TT-TT)": the bracket only introduces the abbreviation; reading it repeats. */
const INTRODUCED = new RegExp(`\\s*\\((${[...SPOKEN.keys()].map(escapeRegExp).join('|')})\\)`, 'gu');

function dropIntroductions(text: string): string {
  return text.replace(INTRODUCED, (match, written: string, offset: number) => {
    const spoken = SPOKEN.get(written)?.toLocaleLowerCase('vi') ?? '';
    return text.slice(0, offset).toLocaleLowerCase('vi').endsWith(spoken) ? '' : match;
  });
}

/** Replaces every known abbreviation that stands as a whole token. */
export function expandAbbreviations(text: string): string {
  return dropIntroductions(text).replace(PATTERN, (written) => SPOKEN.get(written) ?? written);
}
