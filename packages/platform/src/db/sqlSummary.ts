// The spec's "Database Query" span carries `table` and `operation`. Parsing SQL properly would cost
// more than most queries take, so this reads just enough: the statement's verb, and the first name
// after the keyword that introduces its table. Wrong guesses only mislabel a span, never a query.

/** What a "Database Query" span says about its statement. */
export interface SqlSummary {
  /** The statement's verb, upper case: SELECT, INSERT, UPDATE, DELETE, CREATE, BEGIN...; "UNKNOWN" if blank. */
  operation: string;
  /** First table named, schema-qualified when written so ("shield.users"); absent when none is found. */
  table?: string;
}

const IDENT = String.raw`(?:"(?:[^"]|"")+"|[A-Za-z_][\w$]*)`;
// `(?![\w$".])` stops the regex from backtracking into a shorter prefix of a longer name.
const NAME = String.raw`(${IDENT}(?:\s*\.\s*${IDENT})?)(?![\w$".])`;
const ONLY = String.raw`(?:only\s+)?`;
const IF_EXISTS = String.raw`(?:if\s+(?:not\s+)?exists\s+)?`;

// `from f(...)` names a function, not a table: skip it and look at the next FROM.
const FROM = new RegExp(String.raw`\bfrom\s+${ONLY}${NAME}(?!\s*\()`, "i");
const INTO = new RegExp(String.raw`\binto\s+${NAME}`, "i");
const UPDATE = new RegExp(String.raw`\bupdate\s+${ONLY}${NAME}`, "i");
const DDL = new RegExp(
  String.raw`\b(?:table|view|sequence)\s+${IF_EXISTS}${ONLY}${NAME}|\bindex\b[\s\S]*?\bon\s+${ONLY}${NAME}`,
  "i",
);
const AFTER_VERB = new RegExp(String.raw`^\s*\w+\s+(?:table\s+)?${ONLY}${NAME}`, "i");

const TABLE_FINDERS: Record<string, (sql: string) => string | undefined> = {
  SELECT: (sql) => FROM.exec(sql)?.[1],
  DELETE: (sql) => FROM.exec(sql)?.[1],
  INSERT: (sql) => INTO.exec(sql)?.[1],
  MERGE: (sql) => INTO.exec(sql)?.[1],
  UPDATE: (sql) => UPDATE.exec(sql)?.[1],
  CREATE: ddlTable,
  ALTER: ddlTable,
  DROP: ddlTable,
  COMMENT: ddlTable,
  TRUNCATE: (sql) => AFTER_VERB.exec(sql)?.[1],
  LOCK: (sql) => AFTER_VERB.exec(sql)?.[1],
  COPY: (sql) => AFTER_VERB.exec(sql)?.[1],
};

// Comments, string literals and dollar-quoted bodies can contain any keyword; blank them first.
const NOISE = /--[^\n]*|\/\*[\s\S]*?\*\/|'(?:[^']|'')*'|\$(\w*)\$[\s\S]*?\$\1\$/g;
const MAIN_VERB = /\b(select|insert|update|delete|merge)\b/i;

// Services send a few hundred distinct statements, each thousands of times: remember them.
const CACHE_LIMIT = 1000;
const CACHEABLE_LENGTH = 2000;
const cache = new Map<string, SqlSummary>();

/** Reads the verb and first table of `sql` for span attributes; cheap, cached, never throws. */
export function summarizeSql(sql: string): SqlSummary {
  const hit = cache.get(sql);
  if (hit !== undefined) return hit;
  const summary = summarize(sql);
  if (sql.length <= CACHEABLE_LENGTH) {
    if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value as string);
    cache.set(sql, summary);
  }
  return summary;
}

function summarize(sql: string): SqlSummary {
  const clean = sql.replace(NOISE, " ");
  const operation = operationOf(clean);
  const raw = TABLE_FINDERS[operation]?.(clean);
  return raw === undefined ? { operation } : { operation, table: normalizeName(raw) };
}

function operationOf(clean: string): string {
  const verb = /^[\s(]*([A-Za-z]+)/.exec(clean)?.[1]?.toUpperCase();
  if (verb === undefined) return "UNKNOWN";
  if (verb !== "WITH") return verb;
  // A CTE's own SELECTs sit inside parentheses; the statement's verb is the first one outside them.
  return MAIN_VERB.exec(outsideParentheses(clean))?.[1]?.toUpperCase() ?? verb;
}

function outsideParentheses(clean: string): string {
  let depth = 0;
  let out = "";
  for (const ch of clean) {
    if (ch === "(") depth += 1;
    else if (ch === ")") depth = Math.max(0, depth - 1);
    else out += depth === 0 ? ch : " ";
  }
  return out;
}

function ddlTable(clean: string): string | undefined {
  const match = DDL.exec(clean);
  return match?.[1] ?? match?.[2];
}

// Postgres folds unquoted names to lower case and keeps quoted ones as written.
function normalizeName(raw: string): string {
  return raw
    .split(/\s*\.\s*(?=(?:[^"]*"[^"]*")*[^"]*$)/)
    .map((part) => (part.startsWith('"') ? part.slice(1, -1).replace(/""/g, '"') : part.toLowerCase()))
    .join(".");
}
