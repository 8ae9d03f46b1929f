import { principalOf, userPreHandler } from "@materi/platform";
import type { FastifyInstance, FastifyRequest } from "fastify";
import { passwordGranter, refreshGranter } from "../../commands/tokenGranter.js";
import { passwordResetConfirmer, passwordResetRequester } from "../../commands/passwordResetter.js";
import { logoutPerformer, tokenRevoker } from "../../commands/tokenRevoker.js";
import type { ShieldContext } from "../../context.js";
import { parseRevokeRequest, parseTokenRequest, PasswordResetConfirmSchema, PasswordResetSchema } from "./schema.js";

/** The OAuth 2.0 token endpoint (RFC 6749), revocation (RFC 7009) and logout. */
export async function authRoutes(app: FastifyInstance, opts: { ctx: ShieldContext }): Promise<void> {
  const { ctx } = opts;
  // RFC 6749 §4.3.2 requires application/x-www-form-urlencoded; JSON is accepted too (issue 5).
  app.addContentTypeParser("application/x-www-form-urlencoded", { parseAs: "string" }, (_request, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(body as string)));
  });

  app.post("/api/v1/auth/token", async (request, reply) => {
    const req = parseTokenRequest(request.body);
    const grant =
      req.grant_type === "password"
        ? await passwordGranter({ ctx, username: req.username, password: req.password, ip: clientIp(request) })
        : await refreshGranter({ ctx, refreshToken: req.refresh_token });
    // RFC 6749 §5.1: token responses must not be cached.
    return reply.header("cache-control", "no-store").header("pragma", "no-cache").send(grant);
  });

  app.post("/api/v1/auth/revoke", async (request, reply) => {
    await tokenRevoker({ ctx, ...parseRevokeRequest(request.body) });
    return reply.code(200).send({});
  });

  app.post<{ Body: { email: string } }>("/api/v1/auth/password-reset", { schema: { body: PasswordResetSchema } }, async (request, reply) => {
    passwordResetRequester({ ctx, email: request.body.email });
    return reply.code(202).send({});
  });

  app.post<{ Body: { token: string; password: string } }>(
    "/api/v1/auth/password-reset/confirm",
    { schema: { body: PasswordResetConfirmSchema } },
    async (request, reply) => {
      await passwordResetConfirmer({ ctx, ...request.body });
      return reply.code(204).send();
    },
  );

  app.post("/api/v1/auth/logout", { preHandler: userPreHandler(ctx.verify) }, async (request, reply) => {
    await logoutPerformer({ ctx, claims: principalOf(request) });
    return reply.code(204).send();
  });
}

/**
 * The client's address for throttling. Behind the gateway every request comes from the gateway,
 * which sets X-Forwarded-For to the client it saw (one entry); the last entry is the one our own
 * proxy added, so a client cannot choose it.
 */
function clientIp(request: FastifyRequest): string {
  const header = request.headers["x-forwarded-for"];
  const last = (Array.isArray(header) ? header.join(",") : header)?.split(",").pop()?.trim();
  return last !== undefined && last.length > 0 ? last : request.ip;
}
