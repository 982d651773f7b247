import { readFile, writeFile } from 'node:fs/promises';
import { makeTone, scratchFile, truncatedCopy } from './audio.js';

/** [name, make the file, HTTP status, error code, message pattern]. */
export type RejectCase = [string, () => Promise<string>, number, string, RegExp];

/** An MP3 with a run of garbage bytes in its middle, as a broken transfer or a bad sector leaves it. */
async function corruptedMp3(): Promise<string> {
  const file = await makeTone({ seconds: 6, format: 'mp3' });
  const bytes = await readFile(file);
  const start = Math.floor(bytes.length / 2);
  for (let i = start; i < start + 4000; i++) bytes[i] = (i * 7919) & 0xff;
  const out = `${file}.corrupt.mp3`;
  await writeFile(out, bytes);
  return out;
}

/** Files every upload path (media and library) must refuse with a clear message, leaving nothing behind. */
export const unusableAudioCases: RejectCase[] = [
  [
    'text with an audio extension',
    () => scratchFile('thong-bao.mp3', 'Thông báo: họp tổ dân phố lúc 19h.\n'),
    415,
    'unsupported_media',
    /not a readable audio file/,
  ],
  ['an empty file', () => scratchFile('empty.wav', ''), 422, 'unprocessable', /^the file is empty$/],
  [
    'a truncated WAV',
    async () => truncatedCopy(await makeTone({ seconds: 6, format: 'wav' }), 0.5),
    422,
    'unprocessable',
    /truncated/,
  ],
  [
    'a truncated MP3',
    async () => truncatedCopy(await makeTone({ seconds: 6, format: 'mp3' }), 0.5),
    422,
    'unprocessable',
    /truncated/,
  ],
  ['a corrupted MP3', corruptedMp3, 422, 'unprocessable', /damaged or truncated/],
  [
    'silence',
    () => makeTone({ seconds: 3, format: 'wav', silent: true }),
    422,
    'unprocessable',
    /^the recording is silent$/,
  ],
];
