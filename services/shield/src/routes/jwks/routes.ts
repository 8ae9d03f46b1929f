import type { Database } from "@materi/platform";
import type { FastifyInstance } from "fastify";
import { listPublishedKeys } from "../../store/signingKeyStore.js";

/** GET /.well-known/jwks.json (RFC 7517): the public keys every service verifies tokens with. */
export async function jwksRoutes(app: FastifyInstance, opts: { db: Database }): Promise<void> {
  app.get("/.well-known/jwks.json", async (_request, reply) => {
    const keys = await listPublishedKeys(opts.db);
    // Short cache: verifiers refetch on an unknown kid anyway, so rotation needs no long wait.
    void reply.header("cache-control", "public, max-age=300");
    return { keys: keys.map((key) => ({ ...key.jwk, kid: key.kid, alg: key.alg, use: "sig" })) };
  });
}
