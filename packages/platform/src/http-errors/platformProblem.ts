import { PlatformErrors } from "./codes.js";
import { problemFactory } from "./ProblemError.js";

/** Factory for the platform's own codes: `platformProblem("PLATFORM_ERR_NOT_FOUND", "...")`. */
export const platformProblem = problemFactory(PlatformErrors);
