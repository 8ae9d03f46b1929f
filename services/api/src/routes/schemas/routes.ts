import type { SchemaRegistry } from "@materi/events";
import type { FastifyInstance } from "fastify";
import { presentSchema } from "../../presenters/presentSchema.js";

/** GET /internal/schemas (service key): every registered event type and its schema versions. */
export async function schemaRoutes(app: FastifyInstance, opts: { registry: SchemaRegistry }): Promise<void> {
  app.get("/internal/schemas", async () => {
    const schemas = await opts.registry.list();
    return { schemas: schemas.map(presentSchema) };
  });
}
