/**
 * `npx tsx --conditions=@nguon/source test/bench/tts.ts [--runs 3]`
 *
 * Speed of the offline Vietnamese TTS (issue 4 item 3) on a realistic ~2,000-character storm bulletin,
 * through the whole service: normalisation, sentence splitting, eSpeak NG (WebAssembly) on two worker
 * threads, WAV joining with pauses. Reports characters per second and the realtime factor (seconds of
 * audio per wall-clock second), cold (first run, workers starting) and warm (median of the runs), and,
 * for comparison, the same text as one eSpeak call (no splitting, no pauses). Prints one JSON line.
 */
import { cpus } from 'node:os';
import { parseArgs } from 'node:util';
import pino from 'pino';
// The TTS module is not yet re-exported from @nguon/server's index (the colleague wiring TTS into jobs
// and routes owns that file); switch to '@nguon/server' once it is.
import { createEspeakProvider, createTtsService, normalizeVietnamese } from '../../server/src/modules/tts/index.js';
import { parseWav, pcmDurationMs } from '../../server/src/modules/tts/wav.js';
import { printFigures, progress, round } from './support/figures.js';

// A lone "--" (as npm scripts pass arguments through) is not an option of ours.
const args = process.argv.slice(2).filter((a) => a !== '--');
const { values } = parseArgs({ args, options: { runs: { type: 'string', default: '3' } } });
const runs = Math.max(1, Number(values.runs));

/** A provincial storm bulletin as radio staff type it: dates, times, ranges, units, abbreviations, phones. */
const BULLETIN = [
  'TIN BÃO KHẨN CẤP (Cơn bão số 3)',
  'Hồi 16 giờ ngày 21/11/2026, vị trí tâm bão số 3 ở vào khoảng 16,5 độ Vĩ Bắc; 112,3 độ Kinh Đông, cách đảo Lý Sơn ' +
    'khoảng 250 km về phía Đông. Sức gió mạnh nhất vùng gần tâm bão mạnh cấp 12 (118-133 km/h), giật cấp 15. Dự báo ' +
    'trong 24 giờ tới, bão di chuyển chủ yếu theo hướng Tây, mỗi giờ đi được 15-20 km và có khả năng mạnh thêm.',
  'Từ đêm 21/11 đến ngày 23/11, khu vực từ Quảng Trị đến Quảng Ngãi có mưa to đến rất to, lượng mưa phổ biến ' +
    '100-200 mm, có nơi trên 300 mm. Cảnh báo nguy cơ lũ quét, sạt lở đất ở vùng núi và ngập úng tại vùng trũng thấp. ' +
    'Mực nước trên sông Thu Bồn có khả năng lên mức báo động 2, lưu lượng về hồ chứa khoảng 1.200 m3/s.',
  'Thực hiện Công điện số 12/CĐ-UBND của UBND tỉnh, BCH PCTT&TKCN xã đề nghị bà con khẩn trương gia cố nhà cửa, ' +
    'chằng chống mái tôn, thu hoạch lúa và hoa màu đã chín; các chủ phương tiện đưa tàu thuyền vào nơi neo đậu ' +
    'an toàn trước 17h00 ngày 22/11. Các hộ dân ở vùng ven biển và vùng có nguy cơ sạt lở di dời đến nhà văn hóa ' +
    'thôn hoặc trường THCS của xã trước 20h30 cùng ngày. Lực lượng dân quân, công an xã và đoàn thanh niên ' +
    'sẵn sàng hỗ trợ người già, trẻ em và người khuyết tật.',
  'Tuyệt đối không ra khơi, không tổ chức đánh bắt thủy sản, không qua lại các ngầm tràn khi nước lũ dâng cao. ' +
    'Trạm y tế xã trực 24/24 giờ; khi có người bị thương hoặc cần cấp cứu, gọi 115 hoặc số điện thoại ' +
    '0234 3822 115. Mọi thông tin về tình hình bão, lũ xin liên hệ đường dây nóng của UBND xã: 0912 345 678.',
  'Các trường mầm non, tiểu học, THCS và THPT trên địa bàn cho học sinh nghỉ học từ ngày 22/11 đến khi có thông ' +
    'báo mới. Ban Chỉ huy quân sự xã bố trí 3 tổ xung kích, mỗi tổ 10-12 người, trực tại các điểm xung yếu; các ' +
    'thôn kiểm tra, báo cáo số hộ đã di dời về UBND xã trước 18h ngày 22/11 qua Zalo hoặc điện thoại.',
  'Đài truyền thanh xã sẽ tiếp tục cập nhật tin bão vào các giờ 6h00, 11h00 và 17h00 hằng ngày. Đề nghị bà con ' +
    'thường xuyên theo dõi, thực hiện nghiêm các khuyến cáo của chính quyền để bảo đảm an toàn tính mạng và tài sản.',
].join('\n');

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
const log = pino({ level: 'silent' });

const espeak = createEspeakProvider({ size: 2 });
const tts = createTtsService({ providers: [espeak], defaultProvider: 'espeak', log, concurrency: 2 });
try {
  progress(`bulletin: ${BULLETIN.length} characters; cold run (worker threads start, WebAssembly compiles)`);
  let started = performance.now();
  const cold = await tts.synthesize({ text: BULLETIN });
  const coldMs = performance.now() - started;

  const warmMs: number[] = [];
  let audioMs = cold.durationMs ?? 0;
  let segments = 0;
  for (let i = 0; i < runs; i++) {
    progress(`warm run ${i + 1}/${runs}`);
    started = performance.now();
    const result = await tts.synthesize({ text: BULLETIN }, { onProgress: (p) => (segments = p.total) });
    warmMs.push(performance.now() - started);
    audioMs = result.durationMs ?? audioMs;
  }

  progress('the same text as one eSpeak call');
  const normalized = normalizeVietnamese(BULLETIN);
  started = performance.now();
  const single = await espeak.synthesize(normalized.replaceAll('\n', ' '), { voice: 'vi', speed: 1 });
  const singleMs = performance.now() - started;
  const singleAudioMs = pcmDurationMs(parseWav(single.audio));

  const wallMs = median(warmMs);
  printFigures({
    bench: 'tts',
    provider: 'espeak-ng (WebAssembly, 2 worker threads, concurrency 2)',
    chars: BULLETIN.length,
    normalizedChars: normalized.length,
    segments,
    runs,
    audioS: round(audioMs / 1000, 1),
    coldMs: Math.round(coldMs),
    coldCharsPerS: Math.round(BULLETIN.length / (coldMs / 1000)),
    warmMs: Math.round(wallMs),
    charsPerS: Math.round(BULLETIN.length / (wallMs / 1000)),
    realtimeFactor: round(audioMs / wallMs, 1),
    singleCallMs: Math.round(singleMs),
    singleCallCharsPerS: Math.round(BULLETIN.length / (singleMs / 1000)),
    singleCallRealtimeFactor: round(singleAudioMs / singleMs, 1),
    cpus: cpus().length,
    node: process.version,
  });
} finally {
  await espeak.close?.();
}
