import type { FastifyInstance } from "fastify";
import type { ApiContext } from "../../context.js";

// Placeholder: filled in by issue 6's work in progress.
export async function shareRoutes(_app: FastifyInstance, _opts: { ctx: ApiContext }): Promise<void> {}
