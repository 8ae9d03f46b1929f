import { request } from "node:http";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { baseConfigShape, port } from "../config/baseConfig.js";
import { loadConfig } from "../config/loadConfig.js";
import { createServiceApp } from "../http/createServiceApp.js";
import { startHttpService } from "./startHttpService.js";

const config = loadConfig(z.object({ ...baseConfigShape, PORT: port(0) }), { LOG_LEVEL: "silent", SERVICE_KEYS: "k".repeat(40) });

function fakeTransport() {
  const state = { closed: false };
  return {
    state,
    transport: {
      kind: "memory",
      ping: async () => {
        if (state.closed) throw new Error("closed");
      },
      close: async () => {
        state.closed = true;
      },
    },
  };
}

function get(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    request(url, { agent: false }, (res) => {
      let body = "";
      res.on("data", (c: Buffer) => (body += c.toString()));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
    })
      .on("error", reject)
      .end();
  });
}

describe("startHttpService", () => {
  it("stop() finishes in-flight requests, then refuses new connections and closes the transport", async () => {
    const { transport, state } = fakeTransport();
    let release!: () => void;
    const started = await startHttpService({
      name: "drain-test",
      config,
      createTransport: () => transport,
      build: (deps) => {
        const app = createServiceApp({ service: "drain-test", logger: deps.logger, serviceKeys: deps.serviceKeys, readiness: deps.readiness });
        app.get("/slow", async () => {
          await new Promise<void>((resolve) => (release = resolve));
          return { done: true };
        });
        return app;
      },
    });
    expect((await get(`${started.url}/readyz`)).status).toBe(200);
    const inFlight = get(`${started.url}/slow`);
    await new Promise((r) => setTimeout(r, 100));
    const stopping = started.stop();
    await new Promise((r) => setTimeout(r, 100));
    expect(state.closed).toBe(false);
    release();
    expect(await inFlight).toEqual({ status: 200, body: JSON.stringify({ done: true }) });
    await stopping;
    expect(state.closed).toBe(true);
    await expect(get(`${started.url}/healthz`)).rejects.toThrow(/ECONNREFUSED/);
  });

  it("readiness reports the transport down", async () => {
    const { transport, state } = fakeTransport();
    const started = await startHttpService({
      name: "ready-test",
      config,
      createTransport: () => transport,
      build: (deps) => createServiceApp({ service: "ready-test", logger: deps.logger, serviceKeys: deps.serviceKeys, readiness: deps.readiness }),
    });
    try {
      state.closed = true;
      const res = await get(`${started.url}/readyz`);
      expect(res.status).toBe(503);
      expect(JSON.parse(res.body).checks).toEqual({ events: "down: closed" });
    } finally {
      await started.stop();
    }
  });
});
