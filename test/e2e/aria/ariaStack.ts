import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { loadAriaConfig, startAria } from "@materi/aria";
import type { AiEvent } from "@materi/contracts";
import { loadGatewayConfig, startGateway } from "@materi/gateway";
import type { RunningService } from "@materi/platform";
import type { FastifyInstance } from "fastify";
import { Redis } from "ioredis";
import { afterAll, afterEach, beforeAll, beforeEach, expect } from "vitest";
import { startAnthropicFake } from "../../fakes/anthropicFake.js";
import type { FakeProvider } from "../../fakes/fakeProviderServer.js";
import { startOpenAiFake } from "../../fakes/openaiFake.js";
import { decodedEvents } from "../../helpers/streamEvents.js";
import { makeWorkspace } from "../api/documentFixtures.js";
import { SERVICE_KEY, newTestUser, startApiStack, type ApiStack, type TestUser } from "../api/stack.js";

export const FAKE_KEY = "test-key";

/** Shield, api, a fake OpenAI and a fake Anthropic; arias are started on top with `startAriaOn`. */
export interface ProviderStack {
  api: ApiStack;
  openai: FakeProvider;
  anthropic: FakeProvider;
  close(): Promise<void>;
}

export async function startProviderStack(): Promise<ProviderStack> {
  const [api, openai, anthropic] = await Promise.all([
    startApiStack(),
    startOpenAiFake({ apiKey: FAKE_KEY, reply: "Drafted by OpenAI for you." }),
    startAnthropicFake({ apiKey: FAKE_KEY, reply: "Written by Claude instead." }),
  ]);
  return {
    api,
    openai,
    anthropic,
    close: async () => {
      await Promise.all([openai.close(), anthropic.close()]);
      await api.close();
    },
  };
}

/** One aria (in-process, real sockets) and a gateway whose ARIA_URL is it. */
export interface AriaUnderTest {
  aria: RunningService;
  gateway: RunningService & { app: FastifyInstance };
  /** The gateway's base URL: public calls go through it, as a browser's would. */
  base: string;
  close(): Promise<void>;
}

/** Starts aria on the stack's database, api and Shield, both fakes configured unless `env` says otherwise. */
export async function startAriaOn(stack: ProviderStack, env: Record<string, string> = {}): Promise<AriaUnderTest> {
  const dataDir = await mkdtemp(path.join(tmpdir(), "materi-aria-"));
  const aria = await startAria(
    loadAriaConfig({
      HOST: "127.0.0.1",
      PORT: "0",
      LOG_LEVEL: "silent",
      DATABASE_URL: stack.api.database.url,
      REDIS_URL: stack.api.redisUrl,
      SERVICE_KEYS: SERVICE_KEY,
      MATERI_DATA_DIR: dataDir,
      SHIELD_URL: stack.api.shield.url,
      API_URL: stack.api.api.url,
      OPENAI_API_KEY: FAKE_KEY,
      OPENAI_BASE_URL: `${stack.openai.origin}/v1`,
      ANTHROPIC_API_KEY: FAKE_KEY,
      ANTHROPIC_BASE_URL: stack.anthropic.origin,
      ...env,
    }),
  );
  const gateway = await startGateway(
    loadGatewayConfig({
      HOST: "127.0.0.1",
      PORT: "0",
      LOG_LEVEL: "silent",
      SHIELD_URL: stack.api.shield.url,
      API_URL: stack.api.api.url,
      ARIA_URL: aria.url,
      RELAY_URL: "http://127.0.0.1:1",
      RATE_LIMIT_REQUESTS: "1000000",
      JWKS_COOLDOWN_MS: "0",
      SERVICE_KEYS: SERVICE_KEY,
    }),
  );
  return {
    aria,
    gateway,
    base: gateway.url,
    close: async () => {
      await gateway.stop();
      await aria.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** What the tests of a file with a fresh aria per test share; the hooks `useAriaPerTest` registers fill it in. */
export interface AriaPerTest {
  stack: ProviderStack;
  /** This test's aria: fresh, so each breaker starts closed and each fake's script empty. */
  aria: AriaUnderTest;
  redis: Redis;
  /** A signed-up user, owner of `workspaceId`. */
  user: TestUser;
  workspaceId: string;
  /** Replaces this test's aria with one started with `env`. */
  restartAria(env: Record<string, string>): Promise<void>;
}

/** Registers, in the calling describe, a provider stack and user for the file and a fresh aria for each test. */
export function useAriaPerTest(userName: string): AriaPerTest {
  const shared = {
    restartAria: async (env: Record<string, string>) => {
      await shared.aria.close();
      shared.aria = await startAriaOn(shared.stack, env);
    },
  } as AriaPerTest;
  beforeAll(async () => {
    shared.stack = await startProviderStack();
    shared.redis = new Redis(shared.stack.api.redisUrl);
    shared.user = await newTestUser(shared.stack.api, userName);
    shared.workspaceId = await makeWorkspace(shared.user);
  });
  afterAll(async () => {
    shared.redis?.disconnect();
    await shared.stack?.close();
  });
  beforeEach(async () => {
    for (const fake of [shared.stack.openai, shared.stack.anthropic]) {
      fake.reset();
      fake.tokenDelayMs = 0;
    }
    shared.aria = await startAriaOn(shared.stack);
  });
  afterEach(async () => {
    await shared.aria?.close();
  });
  return shared;
}

/** One Server-Sent Event. */
export interface SseEvent {
  event: string;
  data: Record<string, unknown>;
}

/** The events of a whole text/event-stream body. */
export function parseSse(body: string): SseEvent[] {
  return body
    .split("\n\n")
    .filter((block) => block.trim() !== "")
    .map((block) => {
      const lines = block.split("\n");
      const event = lines.find((l) => l.startsWith("event: "))?.slice(7) ?? "message";
      const data = lines.filter((l) => l.startsWith("data: ")).map((l) => l.slice(6)).join("\n");
      return { event, data: JSON.parse(data) as Record<string, unknown> };
    });
}

/** AiEvents on materi:events:ai matching `match`, waiting until `count` are there (the outbox is asynchronous). */
export async function aiEventsOf(redis: Redis, since: string, match: (event: AiEvent) => boolean, count: number): Promise<{ type: string; payload: AiEvent }[]> {
  const read = async () =>
    (await decodedEvents(redis, "ai", since))
      .filter((d) => match(d.payload as AiEvent))
      .map((d) => ({ type: d.eventType, payload: d.payload as AiEvent }));
  await expect.poll(async () => (await read()).length, { timeout: 15_000 }).toBeGreaterThanOrEqual(count);
  return read();
}
