import { isProblemError } from "@materi/platform";
import { describe, expect, it } from "vitest";
import { checkPasswordPolicy, normalizeEmail } from "./passwordPolicy.js";

function ruleOf(password: string, email = "ada.lovelace@example.com"): string | undefined {
  try {
    checkPasswordPolicy(password, email);
    return undefined;
  } catch (err) {
    if (!isProblemError(err)) throw err;
    expect(err.status).toBe(422);
    return err.extensions["rule"] as string;
  }
}

describe("password policy", () => {
  it("names the rule a password breaks", () => {
    expect(ruleOf("short")).toBe("min_length");
    expect(ruleOf("ada.lovelace@example.com")).toBe("not_email");
    expect(ruleOf("my ada.lovelace pass")).toBe("not_email");
    expect(ruleOf("Password123")).toBe("not_common");
    expect(ruleOf("correct horse battery staple")).toBeUndefined();
  });

  it("counts characters, not UTF-16 units", () => {
    expect(ruleOf("😀😀😀😀😀😀😀😀😀")).toBe("min_length");
    expect(ruleOf("😀😀😀😀😀😀😀😀😀😀")).toBeUndefined();
  });

  it("normalises emails: trim, NFC, lowercase", () => {
    expect(normalizeEmail("  Ada@Example.COM ")).toBe("ada@example.com");
    expect(normalizeEmail("Jose\u0301@example.com")).toBe("jos\u00e9@example.com");
  });
});
