export { type Agent, type AgentDeps, createAgent } from './agent.js';
export type { AgentEvents, AgentState } from './agent-events.js';
export { type AgentConfig, AgentConfigError, ENV_PREFIX, loadAgentConfig } from './config.js';
export type { HealthProbe } from './health.js';
export { type HttpGet, type HttpResponse, httpGet } from './media/http-get.js';
export type { NowPlaying } from './playback/playback.service.js';
export type { Player, PlayHandle, PlayOptions, PlayOutcome, PlayResult } from './players/player.js';
export { createAlsaPlayer } from './players/player-alsa.js';
export { createNullPlayer } from './players/player-null.js';
