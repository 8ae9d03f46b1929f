import { create } from "@bufbuild/protobuf";
import { UserEventSchema } from "@materi/contracts";
import { writeEnvelope } from "@materi/events";
const N = 1000000;
const payloads = Array.from({ length: 100 }, (_, i) => create(UserEventSchema, { userId: `bench-user-${i}`, email: `bench${i}@example.com`, action: "created" }));
const tp = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
const t = performance.now(); for (let i = 0; i < N; i++) writeEnvelope({ eventType: "user.created", payload: payloads[i % 100]!, sourceService: "shield", correlationId: "0b6f4c1e-8f9a-4d3b-9c2e-5a7d1e3f9b20", schemaVersion: 1, traceparent: tp }); console.log("writeEnvelope", ((performance.now() - t) * 1000 / N).toFixed(2), "us");
