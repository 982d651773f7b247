import type { Logger } from 'pino';
import {
  DEFAULT_BASE_WPM,
  ESPEAK_INPUT_PATH,
  ESPEAK_OUTPUT_PATH,
  isKnownVoice,
  parseVoiceList,
  speedToWpm,
  synthesisArgs,
  voiceListArgs,
  withVariants,
} from './espeak-args.js';
import { createEspeakPool, type EspeakPoolOptions } from './espeak-pool.js';
import { type TtsProvider, type TtsVoice, ttsError } from './tts.types.js';
import { parseWav } from './wav.js';

export interface EspeakProviderOptions extends EspeakPoolOptions {
  /** Words per minute at speed 1. */
  baseWpm?: number;
  /** eSpeak language whose voices are offered (the accents of that language). */
  language?: string;
  log?: Logger;
}

/**
 * The offline default: eSpeak NG compiled to WebAssembly (npm `espeak-ng`), run on worker threads.
 * Robotic next to a neural voice, but it needs no network, no account and no GPU, so every install can
 * read a bulletin out of the box (mission §1: one command runs everything on one machine).
 */
export function createEspeakProvider(options: EspeakProviderOptions = {}): TtsProvider {
  const { baseWpm = DEFAULT_BASE_WPM, language = 'vi', log } = options;
  const pool = createEspeakPool(options);
  let voiceList: Promise<TtsVoice[]> | undefined;

  const loadVoices = () => {
    voiceList ??= pool.run({ args: voiceListArgs(language) }).then(
      ({ stdout }) => withVariants(parseVoiceList(stdout)),
      (err: unknown) => {
        // Not cached: the next call tries again.
        voiceList = undefined;
        throw err;
      },
    );
    return voiceList;
  };

  return {
    id: 'espeak',
    defaultVoice: language,
    format: 'wav',
    voices: loadVoices,
    async synthesize(text, opts) {
      const voices = await loadVoices();
      const languages = new Set(voices.filter((v) => !v.id.includes('+')).map((v) => v.id));
      if (!isKnownVoice(opts.voice, languages)) {
        throw ttsError('validation_failed', 'unknown_voice', `eSpeak has no voice "${opts.voice}"`, {
          voice: opts.voice,
          voices: voices.map((v) => v.id),
        });
      }
      const wpm = speedToWpm(opts.speed, baseWpm);
      const job = {
        args: synthesisArgs(opts.voice, wpm),
        input: text,
        inputPath: ESPEAK_INPUT_PATH,
        outputPath: ESPEAK_OUTPUT_PATH,
      };
      const { output } = await pool.run(job, opts.signal).catch((err: unknown) => {
        if (opts.signal?.aborted) throw err;
        log?.error({ err }, 'espeak synthesis failed');
        throw ttsError(
          'unavailable',
          'engine_failed',
          `eSpeak failed: ${err instanceof Error ? err.message : String(err)}`,
        );
      });
      if (!output) throw ttsError('internal', 'bad_audio', 'eSpeak produced no audio file');
      return { audio: output, format: 'wav', sampleRate: parseWav(output).sampleRate };
    },
    close: () => pool.close(),
  };
}
