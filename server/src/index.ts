export { type AppServices, buildApp } from './app.js';
export { type Config, ConfigError, loadConfig } from './config.js';
export { runServer } from './main.js';
export { provisionDemoReceivers } from './modules/devices/demo-receivers.js';
export { createLogger } from './plugins/logger.js';
export { PortInUseError, type RunningServer, startServer } from './server.js';
