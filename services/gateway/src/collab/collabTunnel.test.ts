import { createServer, type IncomingMessage, type Server } from "node:http";
import { connect, type AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket, { WebSocketServer } from "ws";
import { startTestGateway, type TestGateway } from "../test-support/startTestGateway.js";

/** A stand-in relay: echoes every message and remembers each upgrade request it saw. */
async function startFakeRelay(): Promise<{ url: string; upgrades: IncomingMessage[]; close(): Promise<void> }> {
  const server: Server = createServer();
  const wss = new WebSocketServer({ server });
  const upgrades: IncomingMessage[] = [];
  wss.on("connection", (socket, request) => {
    upgrades.push(request);
    socket.on("message", (data, isBinary) => socket.send(data, { binary: isBinary }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    upgrades,
    close: async () => {
      for (const client of wss.clients) client.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function openSocket(url: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, { headers: { "x-request-id": "ws-req-1" } });
    socket.once("open", () => resolve(socket));
    socket.once("error", reject);
  });
}

/** Sends a raw upgrade request and returns the raw HTTP answer. */
function rawUpgrade(base: string, path: string): Promise<string> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => {
      socket.write(
        `GET ${path} HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n` +
          "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n",
      );
    });
    let answer = "";
    socket.on("data", (chunk) => (answer += chunk.toString()));
    socket.on("end", () => resolve(answer));
    socket.on("error", reject);
  });
}

describe("/collab WebSocket pass-through", () => {
  let relay: Awaited<ReturnType<typeof startFakeRelay>>;
  let gateway: TestGateway;
  beforeAll(async () => {
    relay = await startFakeRelay();
    gateway = await startTestGateway({ RELAY_URL: relay.url });
  });
  afterAll(async () => {
    await gateway.close();
    await relay.close();
  });

  it("tunnels a WebSocket to the relay and back, text and binary", async () => {
    const socket = await openSocket(`${gateway.url.replace("http", "ws")}/collab/doc-1?token=abc`);
    const received: Array<{ data: string; binary: boolean }> = [];
    const two = new Promise<void>((resolve) =>
      socket.on("message", (data, binary) => {
        received.push({ data: Buffer.from(data as Buffer).toString("hex"), binary });
        if (received.length === 2) resolve();
      }),
    );
    socket.send("hello");
    socket.send(Buffer.from([1, 2, 3]));
    await two;
    expect(received).toEqual([
      { data: Buffer.from("hello").toString("hex"), binary: false },
      { data: "010203", binary: true },
    ]);
    socket.close();
    const upgrade = relay.upgrades.at(-1)!;
    expect(upgrade.url).toBe("/collab/doc-1?token=abc");
    expect(upgrade.headers["x-forwarded-for"]).toBe("127.0.0.1");
    expect(upgrade.headers["x-request-id"]).toBe("ws-req-1");
    expect(upgrade.headers.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
  });

  it("answers upgrades elsewhere with a 404 problem", async () => {
    const answer = await rawUpgrade(gateway.url, "/not-collab");
    expect(answer).toMatch(/^HTTP\/1\.1 404 /);
    expect(answer).toContain("application/problem+json");
    expect(answer).toContain("PLATFORM_ERR_NOT_FOUND");
  });

  it("cuts open tunnels when the gateway closes", async () => {
    const other = await startTestGateway({ RELAY_URL: relay.url });
    const socket = await openSocket(`${other.url.replace("http", "ws")}/collab`);
    const closed = new Promise<void>((resolve) => socket.once("close", () => resolve()));
    await other.close();
    await closed;
  });
});

describe("/collab with the relay down", () => {
  it("answers the upgrade with a 502 problem and closes", async () => {
    const gateway = await startTestGateway();
    try {
      const answer = await rawUpgrade(gateway.url, "/collab");
      expect(answer).toMatch(/^HTTP\/1\.1 502 /);
      expect(answer).toContain("application/problem+json");
      expect(answer).toContain("GW_ERR_RELAY_UNAVAILABLE");
    } finally {
      await gateway.close();
    }
  });
});
