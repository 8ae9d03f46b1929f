import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EchoUpstream } from "../test-support/echoUpstream.js";
import { startTestGateway } from "../test-support/startTestGateway.js";
import { addressSet, parseCidr } from "./cidr.js";
import { createClientIpResolver } from "./clientIp.js";

const CF_PEER = "173.245.48.10";
const CF_PEER_V6 = "2606:4700:10::6816:1";

describe("createClientIpResolver", () => {
  it("with nothing trusted, believes only the socket", () => {
    const resolve = createClientIpResolver({ cloudflare: false, cidrs: [] });
    expect(resolve("::ffff:203.0.113.9", { "x-forwarded-for": "1.1.1.1", "cf-connecting-ip": "2.2.2.2" })).toBe("203.0.113.9");
    expect(resolve(undefined, {})).toBe("0.0.0.0");
  });

  it("with cloudflare, honours CF-Connecting-IP only from Cloudflare's ranges or listed proxies", () => {
    const resolve = createClientIpResolver({ cloudflare: true, cidrs: ["10.0.0.0/8"] });
    const headers = { "cf-connecting-ip": "198.51.100.7" };
    expect(resolve(CF_PEER, headers)).toBe("198.51.100.7");
    expect(resolve(CF_PEER_V6, headers)).toBe("198.51.100.7");
    expect(resolve("10.1.2.3", headers)).toBe("198.51.100.7");
    expect(resolve("203.0.113.9", headers)).toBe("203.0.113.9");
    expect(resolve(CF_PEER, { "cf-connecting-ip": "not-an-ip" })).toBe(CF_PEER);
    expect(resolve(CF_PEER, { "x-forwarded-for": "198.51.100.7" })).toBe(CF_PEER);
  });

  it("with CIDRs, walks X-Forwarded-For from the right past trusted hops", () => {
    const resolve = createClientIpResolver({ cloudflare: false, cidrs: ["10.0.0.0/8", "192.168.1.1"] });
    // The client forged the leftmost entry; our proxies appended the real hops to the right.
    expect(resolve("10.0.0.2", { "x-forwarded-for": "6.6.6.6, 198.51.100.7, 192.168.1.1" })).toBe("198.51.100.7");
    expect(resolve("10.0.0.2", { "x-forwarded-for": ["6.6.6.6", "10.9.9.9"] })).toBe("6.6.6.6");
    expect(resolve("203.0.113.9", { "x-forwarded-for": "198.51.100.7" })).toBe("203.0.113.9");
    expect(resolve("10.0.0.2", { "x-forwarded-for": "junk, 10.0.0.3" })).toBe("10.0.0.3");
    expect(resolve("10.0.0.2", {})).toBe("10.0.0.2");
  });
});

describe("cidr", () => {
  it("parses addresses and CIDRs and rejects the rest", () => {
    expect(parseCidr("10.0.0.0/8")).toEqual({ address: "10.0.0.0", prefix: 8, family: "ipv4" });
    expect(parseCidr("::1")).toEqual({ address: "::1", prefix: 128, family: "ipv6" });
    for (const bad of ["10.0.0.0/33", "10.0.0/8", "example.com", "1.2.3.4/8/1", "1.2.3.4/x"]) expect(parseCidr(bad)).toBeUndefined();
  });

  it("matches IPv4-mapped IPv6 peers against IPv4 ranges", () => {
    const set = addressSet(["127.0.0.0/8"]);
    expect(set.has("::ffff:127.0.0.1")).toBe(true);
    expect(set.has("128.0.0.1")).toBe(false);
    expect(set.has("nonsense")).toBe(false);
  });
});

describe("Cloudflare trust through a real socket", () => {
  let api: EchoUpstream;
  beforeAll(async () => {
    api = await EchoUpstream.start("api");
  });
  afterAll(() => api.close());

  async function forwardedFor(trustProxy: string): Promise<string | string[] | undefined> {
    const gateway = await startTestGateway({ API_URL: api.url, TRUST_PROXY: trustProxy });
    try {
      // openapi.json is public, so no token is needed to see what the api receives.
      await fetch(`${gateway.url}/api/v1/openapi.json`, { headers: { "cf-connecting-ip": "198.51.100.7", "x-forwarded-for": "6.6.6.6" } });
      return api.last?.headers["x-forwarded-for"];
    } finally {
      await gateway.close();
    }
  }

  it("ignores CF-Connecting-IP from a peer that is not Cloudflare", async () => {
    expect(await forwardedFor("cloudflare")).toBe("127.0.0.1");
  });

  it("honours CF-Connecting-IP from a trusted peer", async () => {
    // The test's loopback peer stands in for a listed proxy behind Cloudflare.
    expect(await forwardedFor("cloudflare,127.0.0.1")).toBe("198.51.100.7");
  });
});
