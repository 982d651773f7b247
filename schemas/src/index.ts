export * from './domain.js';
export * from './ids.js';
