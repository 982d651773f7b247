export { type HttpGet, httpGet } from '../media/http-get.js';
export { agentsPerProcess, openFileLimit } from './fd-budget.js';
export type { Flakiness } from './flakiness.js';
export { createFleet, type Fleet, type FleetDevice, type FleetMember, type FleetOptions } from './fleet.js';
export type { FleetStats } from './fleet-stats.js';
export { type LinkProxy, startLinkProxy } from './link-proxy.js';
export { createTimerPlayer, type TimerPlayerOptions } from './timer-player.js';
