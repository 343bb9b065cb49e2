export { buildApp, type AppOptions } from './app.js';
export { startServer, type ServerOptions, type RunningServer } from './server.js';
export { SERVICE_ERRORS, type ServiceErrorCode } from './errors.js';
export { defaultDataDir, defaultConfigDir } from './paths.js';
