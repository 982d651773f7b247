import type { Logger } from 'pino';
import { createEspeakProvider } from './espeak.provider.js';
import { createHttpProvider } from './http.provider.js';
import type { TtsConfig } from './tts.config.js';
import { createTtsService, type TtsService } from './tts.service.js';
import type { TtsProvider } from './tts.types.js';

export interface TtsModule {
  service: TtsService;
  /** Stops eSpeak's worker threads; call on server shutdown. */
  close(): Promise<void>;
}

/** Wires the providers the config asks for into one service: eSpeak always (it works offline), HTTP if set. */
export function createTtsFromConfig(config: TtsConfig, log: Logger): TtsModule {
  const ttsLog = log.child({ module: 'tts' });
  const providers: TtsProvider[] = [
    createEspeakProvider({ baseWpm: config.espeak.baseWpm, size: config.espeak.workers, log: ttsLog }),
  ];
  if (config.http) providers.push(createHttpProvider(config.http, { log: ttsLog }));
  const service = createTtsService({
    providers,
    defaultProvider: config.defaultProvider,
    maxChars: config.maxChars,
    concurrency: Math.min(2, config.espeak.workers),
    log: ttsLog,
  });
  return {
    service,
    close: async () => {
      await Promise.all(providers.map((p) => p.close?.()));
    },
  };
}
