import { principalOf, userPreHandler } from "@materi/platform";
import type { FastifyInstance } from "fastify";
import { passwordChanger } from "../../commands/passwordChanger.js";
import { userCreator } from "../../commands/userCreator.js";
import { userFinder } from "../../commands/userFinder.js";
import { userDeleter, userUpdater } from "../../commands/userUpdater.js";
import type { ShieldContext } from "../../context.js";
import { presentUser } from "../../presenters/presentUser.js";
import {
  PasswordChangeSchema,
  UserCreateSchema,
  UserIdParamsSchema,
  UserUpdateSchema,
  type PasswordChangeReq,
  type UserCreateReq,
  type UserUpdateReq,
} from "./schema.js";

/** The users API (issue 5): sign-up, the caller's own profile, and co-members' profiles. */
export async function userRoutes(app: FastifyInstance, opts: { ctx: ShieldContext }): Promise<void> {
  const { ctx } = opts;
  const authed = { preHandler: userPreHandler(ctx.verify) };

  app.post<{ Body: UserCreateReq }>("/api/v1/users", { schema: { body: UserCreateSchema } }, async (request, reply) => {
    const user = await userCreator({ ctx, ...request.body });
    return reply.code(201).header("location", `/api/v1/users/${user.id}`).send(presentUser(user));
  });

  app.get("/api/v1/users/me", authed, async (request) => {
    const me = principalOf(request).sub;
    return presentUser(await userFinder({ ctx, callerId: me, userId: me }));
  });

  app.patch<{ Body: UserUpdateReq }>("/api/v1/users/me", { ...authed, schema: { body: UserUpdateSchema } }, async (request) => {
    return presentUser(await userUpdater({ ctx, userId: principalOf(request).sub, ...request.body }));
  });

  app.delete("/api/v1/users/me", authed, async (request, reply) => {
    await userDeleter({ ctx, userId: principalOf(request).sub });
    return reply.code(204).send();
  });

  app.post<{ Body: PasswordChangeReq }>("/api/v1/users/me/password", { ...authed, schema: { body: PasswordChangeSchema } }, async (request, reply) => {
    const claims = principalOf(request);
    const { current_password: currentPassword, new_password: newPassword } = request.body;
    await passwordChanger({ ctx, userId: claims.sub, currentPassword, newPassword, ...(claims.fam ? { keepFamily: claims.fam } : {}) });
    return reply.code(204).send();
  });

  app.get<{ Params: { id: string } }>("/api/v1/users/:id", { ...authed, schema: { params: UserIdParamsSchema } }, async (request) => {
    return presentUser(await userFinder({ ctx, callerId: principalOf(request).sub, userId: request.params.id }));
  });
}
