import { z } from "zod";

/** A configuration problem, reported as one line naming the variable, then the process stops. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ConfigError";
  }
}

export type Env = Record<string, string | undefined>;

/**
 * Validates `env` against `schema` once at start and freezes the result: after this nothing
 * reads process.env. Empty strings count as unset, so `FOO=` falls back to the default.
 */
export function loadConfig<S extends z.ZodType>(schema: S, env: Env): Readonly<z.infer<S>> {
  const cleaned: Env = {};
  for (const [key, value] of Object.entries(env)) if (value !== undefined && value !== "") cleaned[key] = value;
  const parsed = schema.safeParse(cleaned);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const variable = String(issue?.path[0] ?? "(config)");
    const shown = cleaned[variable] === undefined ? "missing" : `got ${JSON.stringify(redact(variable, cleaned[variable]))}`;
    throw new ConfigError(`Invalid configuration: ${variable}: ${issue?.message ?? "invalid"} (${shown})`);
  }
  return deepFreeze(parsed.data);
}

function redact(variable: string, value: string | undefined): string | undefined {
  return /KEY|SECRET|PASSWORD|TOKEN/.test(variable) ? "<redacted>" : value;
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === "object" && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}
