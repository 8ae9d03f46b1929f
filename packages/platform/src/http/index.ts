export { createServiceApp, type ServiceAppOptions } from "./createServiceApp.js";
export { installHealthRoutes, type ReadinessCheck } from "./health.js";
export { installProblemHandler, sendProblem } from "./problemHandler.js";
export { installServiceKeyGuard, serviceKeyMatcher, serviceKeyMatches, isInternalPath, SERVICE_KEY_HEADER } from "./serviceKey.js";
export { listen } from "./listen.js";
