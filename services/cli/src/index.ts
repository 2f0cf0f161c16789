export { runCli, commandHelp, topHelp } from './run-cli.js';
export { loadConfig, envOverrides, DEFAULT_CONFIG_FILE } from './config-file.js';
export { COMMANDS } from './commands.js';
export { startTelemetry } from './otel.js';
export type { Telemetry } from './otel.js';
export { runDemo } from './demo/run-demo.js';
export type { DemoOptions, DemoRun } from './demo/run-demo.js';
export { seededTruth, SEEDED_DRIFT, CLEAN_ROUTES } from './demo/sample-services.js';
