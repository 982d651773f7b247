/** The TTS module's public surface, for the job queue, the routes and the server config. */
export { sniffFormat } from './audio-join.js';
export { createEspeakProvider, type EspeakProviderOptions } from './espeak.provider.js';
export { createHttpProvider, type HttpProviderDeps } from './http.provider.js';
export { Secret } from './secret.js';
export {
  checkTtsEnv,
  DEFAULT_BODY_TEMPLATE,
  loadTtsConfig,
  type TtsConfig,
  TtsEnvSchema,
  type TtsHttpConfig,
  TtsHttpConfigSchema,
  ttsConfigFromEnv,
} from './tts.config.js';
export {
  createTtsService,
  DEFAULT_MAX_CHARS,
  type TtsProgress,
  type TtsRequest,
  type TtsResult,
  type TtsRunOptions,
  type TtsService,
  type TtsServiceDeps,
} from './tts.service.js';
export { createTtsFromConfig, type TtsModule } from './tts.setup.js';
export type {
  AudioFormat,
  SynthesizedAudio,
  SynthesizeOptions,
  TtsFailure,
  TtsProvider,
  TtsVoice,
} from './tts.types.js';
export { normalizeVietnamese } from './vi-normalize.js';
