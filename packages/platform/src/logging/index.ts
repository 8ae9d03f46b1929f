export { createLogger, type Logger, type LoggerSettings } from "./createLogger.js";
