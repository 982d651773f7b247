export * from './domain.js';
export * from './ids.js';
export * from './permissions.js';
export * from './bulletin.js';
