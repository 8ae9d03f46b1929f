import { Gauge, Registry } from "prom-client";
import { describe, expect, it } from "vitest";
import { createMetrics } from "./createMetrics.js";
import { recordEventFailure, recordOutboundFailure, setCircuitState } from "./record.js";

describe("createMetrics", () => {
  it("shares one registry between services without clashing", async () => {
    const registry = new Registry();
    const shield = createMetrics({ service: "shield", registry });
    const api = createMetrics({ service: "api", registry });
    expect(api.requestTotal).toBe(shield.requestTotal);

    recordOutboundFailure(api, { method: "POST", route: "shield:/api/v1/auth/token" });
    recordEventFailure(api, { stream: "documents" });
    setCircuitState(shield, "aria", "open");
    shield.eventQueueDepth.set({ stream: "documents", consumer_group: "api" }, 3);

    const body = await registry.metrics();
    expect(body).toContain('integration_errors_total{service="api",method="POST",route="shield:/api/v1/auth/token",status="network"} 1');
    expect(body).toContain('integration_errors_total{service="api",method="EVENT",route="documents",status="failed"} 1');
    expect(body).toContain('circuit_breaker_state{target="aria"} 1');
    expect(body).toContain('event_queue_depth{stream="documents",consumer_group="api"} 3');
    expect(body).toContain("# TYPE event_processing_duration_seconds histogram");
  });
});

describe("createMetrics defaults", () => {
  it("uses a fresh registry per call, never prom-client's global one", async () => {
    const a = createMetrics({ service: "a" });
    const b = createMetrics({ service: "b" });
    expect(a.registry).not.toBe(b.registry);
    a.requestTotal.inc({ service: "a", method: "GET", route: "/x", status: "200" });
    expect(await b.registry.metrics()).not.toContain('service="a"');
  });

  it("puts the 50 ms, 100 ms and 5 s SLAs on event bucket edges too", async () => {
    const metrics = createMetrics({ service: "api" });
    metrics.eventProcessingDuration.observe({ stream: "s", consumer_group: "g", event_type: "documents.archive" }, 0.2);
    const body = await metrics.registry.metrics();
    for (const le of ["0.05", "0.1", "5"]) {
      expect(body).toContain(`event_processing_duration_seconds_bucket{le="${le}",stream="s"`);
    }
  });

  it("refuses a name already registered as another metric type", () => {
    const registry = new Registry();
    new Gauge({ name: "integration_request_total", help: "wrong type", registers: [registry] });
    expect(() => createMetrics({ service: "api", registry })).toThrow(/already been registered/);
  });
});
