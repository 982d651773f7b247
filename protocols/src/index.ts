export * from './acl.js';
export * from './codec.js';
export * from './emergency.js';
export * from './messages.js';
export * from './playlist.js';
export * from './registry.js';
export * from './topics.js';
