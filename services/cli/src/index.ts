export { runCli, commandHelp, topHelp } from './run-cli.js';
export { loadConfig, envOverrides, DEFAULT_CONFIG_FILE } from './config-file.js';
export { COMMANDS } from './commands.js';
