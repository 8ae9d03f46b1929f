export { startAll } from "./startAll.js";
export { loadLauncherConfig, type LauncherConfig } from "./config.js";
