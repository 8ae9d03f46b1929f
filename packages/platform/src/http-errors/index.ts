export { PlatformErrors, defineErrorCodes, type ErrorCodeSpec } from "./codes.js";
export { ProblemError, problemFactory, isProblemError, type ProblemExtensions } from "./ProblemError.js";
export { toProblemDocument, problemTypeFor, PROBLEM_CONTENT_TYPE, type ProblemDocument } from "./problemDocument.js";
export { platformProblem } from "./platformProblem.js";
export { normalizeError } from "./normalizeError.js";
