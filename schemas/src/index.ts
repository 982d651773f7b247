export * from './bulletin.js';
export * from './domain.js';
export * from './ids.js';
export * from './permissions.js';
export * from './schedule.js';
