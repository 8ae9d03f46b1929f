import { describe, expect, it } from "vitest";
import { z } from "zod";
import { baseConfigShape, port } from "./baseConfig.js";
import { ConfigError, loadConfig } from "./loadConfig.js";

const schema = z.object({ ...baseConfigShape, PORT: port(8000) });

describe("loadConfig", () => {
  it("applies defaults and freezes the result", () => {
    const config = loadConfig(schema, {});
    expect(config.PORT).toBe(8000);
    expect(config.MATERI_DATA_DIR).toBe("./.materi");
    expect(Object.isFrozen(config)).toBe(true);
  });

  it("names the variable in one line when a value is bad", () => {
    expect(() => loadConfig(schema, { PORT: "eighty" })).toThrowError(ConfigError);
    expect(() => loadConfig(schema, { PORT: "eighty" })).toThrowError(/^Invalid configuration: PORT: .*"eighty"/);
    expect(() => loadConfig(schema, { DATABASE_URL: "mysql://x" })).toThrowError(/DATABASE_URL/);
  });

  it("treats empty strings as unset and parses comma lists", () => {
    const config = loadConfig(schema, { REDIS_URL: "", SERVICE_KEYS: `${"a".repeat(32)}, ${"b".repeat(32)}` });
    expect(config.REDIS_URL).toBeUndefined();
    expect(config.SERVICE_KEYS).toEqual(["a".repeat(32), "b".repeat(32)]);
  });

  it("never prints a secret's value", () => {
    expect(() => loadConfig(schema, { SERVICE_KEYS: "short" })).toThrowError(/<redacted>/);
  });
});
