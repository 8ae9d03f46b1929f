export type { RunningService, SharedRuntime, TransportHandle } from "./types.js";
export { runMain } from "./runMain.js";
export { startHttpService, drainAndClose, type HttpServiceSpec, type ServiceDeps } from "./startHttpService.js";
export { resolveServiceKeys } from "./serviceKeys.js";
export { openServiceDatabase, type SchemaMigrations } from "./openServiceDatabase.js";
export { generateServiceKey } from "./serviceKeys.js";
