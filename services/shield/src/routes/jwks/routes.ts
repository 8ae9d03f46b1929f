import type { FastifyInstance } from "fastify";
import { listPublishedKeys, toJwks } from "../../store/signingKeyStore.js";
import type { SigningKeyRing } from "../../tokens/SigningKeyRing.js";

/**
 * GET /.well-known/jwks.json (RFC 7517): the public keys every service verifies tokens with. Read
 * from the database, so a key rotated by any replica (or the CLI) is published at once; from the
 * in-memory ring while the database is down.
 */
export async function jwksRoutes(app: FastifyInstance, opts: { keys: SigningKeyRing }): Promise<void> {
  app.get("/.well-known/jwks.json", async (request, reply) => {
    // Short cache: verifiers refetch on an unknown kid anyway, so rotation needs no long wait.
    void reply.header("cache-control", "public, max-age=300");
    try {
      return toJwks(await listPublishedKeys(opts.keys.db));
    } catch (err) {
      request.log.warn({ err }, "JWKS served from memory: the database is unreachable");
      return opts.keys.publicKeys();
    }
  });
}
