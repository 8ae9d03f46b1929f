import { principalOf, userPreHandler } from "@materi/platform";
import type { FastifyInstance, FastifyReply } from "fastify";
import { generateStream } from "../../commands/streamGenerator.js";
import { generateText } from "../../commands/textGenerator.js";
import type { GenerateInput } from "../../commands/generationStarter.js";
import type { AriaContext } from "../../context.js";
import { presentGenerated } from "../../presenters/presentGenerated.js";
import { wantsStream } from "./eventStream.js";
import { GenerateSchema, type GenerateReq } from "./schema.js";

/**
 * POST /api/v1/ai/generate. The gateway checks the token at the edge; aria verifies it again
 * (no service trusts the network). JSON `{text, provider, model, usage}` by default, Server-Sent
 * Events with `stream: true` or `Accept: text/event-stream`.
 */
export async function generateRoutes(app: FastifyInstance, opts: { ctx: AriaContext }): Promise<void> {
  const { ctx } = opts;
  app.post<{ Body: GenerateReq }>(
    "/api/v1/ai/generate",
    { preHandler: userPreHandler(ctx.verify), schema: { body: GenerateSchema } },
    async (request, reply) => {
      const body = request.body;
      const input: GenerateInput = {
        userId: principalOf(request).sub,
        workspaceId: body.workspace_id,
        documentId: body.document_id,
        operation: body.operation,
        prompt: body.prompt,
        selection: body.selection,
        apply: body.apply ?? false,
      };
      const signal = cancelledWhenClientLeaves(reply);
      if (wantsStream(body.stream, request.headers.accept)) {
        await generateStream(ctx, input, signal, reply);
        return reply;
      }
      return presentGenerated(await generateText(ctx, input, signal));
    },
  );
}

/** Aborts when the client's connection closes before the answer is complete, so the provider call stops too. */
function cancelledWhenClientLeaves(reply: FastifyReply): AbortSignal {
  const controller = new AbortController();
  reply.raw.once("close", () => {
    if (!reply.raw.writableFinished) controller.abort(new Error("the client closed the connection"));
  });
  return controller.signal;
}
