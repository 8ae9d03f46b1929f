export { loadConfig, ConfigError, type Env } from "./loadConfig.js";
export { baseConfigShape, baseConfigSchema, csv, httpUrl, port, dataDirOf, type BaseConfig } from "./baseConfig.js";
