import type { ServerResponse } from "node:http";
import { describe, expect, it, onTestFinished } from "vitest";
import { startUpstream } from "../../../../test/helpers/localUpstream.js";
import { createServiceClient } from "./createServiceClient.js";
import { BreakerOpenError, HttpError } from "./errors.js";

const json = (status: number, body: unknown) => (_req: unknown, res: ServerResponse) => {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
};

describe("createServiceClient", () => {
  it("GETs JSON with the first service key and an encoded query; 404 is null", async () => {
    const found = await startUpstream(json(200, { role: "editor" }));
    const client = createServiceClient({ service: "api", baseUrl: found.baseUrl, serviceKeys: ["k1", "k2"] });
    onTestFinished(() => client.close());
    expect(await client.getJson({ path: "/internal/permissions", query: { user_id: "u 1", document_id: "d&2" } })).toEqual({ role: "editor" });
    expect(found.received[0]?.url).toBe("/internal/permissions?user_id=u+1&document_id=d%262");
    expect(found.received[0]?.headers["x-service-key"]).toBe("k1");

    const missing = await startUpstream(json(404, { title: "Not Found" }));
    const other = createServiceClient({ service: "shield", baseUrl: missing.baseUrl, serviceKeys: [] });
    onTestFinished(() => other.close());
    expect(await other.getJson({ path: "/internal/user/42" })).toBeNull();
    expect(missing.received[0]?.headers["x-service-key"]).toBeUndefined();
  });

  it("does not retry a failure and opens its breaker after five", async () => {
    const down = await startUpstream(json(503, { title: "unavailable" }));
    const client = createServiceClient({ service: "api", baseUrl: down.baseUrl, serviceKeys: ["k1"] });
    onTestFinished(() => client.close());
    for (let i = 0; i < 5; i += 1) {
      const err = await client.getJson({ path: "/internal/x" }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(HttpError);
    }
    expect(down.received).toHaveLength(5);
    await expect(client.getJson({ path: "/internal/x" })).rejects.toBeInstanceOf(BreakerOpenError);
    expect(down.received).toHaveLength(5);
  });
});
