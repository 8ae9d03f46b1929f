/** The strong ETag of a document's metadata version, e.g. `"3"`. */
export function etagOf(version: number): string {
  return `"${version}"`;
}

/** The largest version an If-Match can name (the column is a PostgreSQL integer). */
const MAX_VERSION = 2 ** 31 - 1;

/**
 * RFC 9110 §13.1.1 If-Match: `*` or a list of entity tags compared strongly, so a weak tag
 * (`W/"3"`) never matches. A bare number (`3`) is accepted too, as clients often send it.
 */
export function matchesVersion(ifMatch: string, version: number): boolean {
  const named = versionsNamed(ifMatch);
  return named === "any" || named.includes(version);
}

/**
 * The versions an If-Match header matches: "any" for `*`, else the versions its strong tags name
 * (possibly none), so the check can run inside SQL (`version = any($n)`).
 */
export function versionsNamed(ifMatch: string): number[] | "any" {
  const value = ifMatch.trim();
  if (value === "*") return "any";
  return value.split(",").flatMap((part) => {
    const tag = part.trim();
    if (tag.startsWith("W/")) return [];
    const unquoted = /^"(.*)"$/.exec(tag)?.[1] ?? tag;
    // Only the canonical decimal form names a version (`"03"` does not name 3).
    if (!/^(0|[1-9]\d{0,9})$/.test(unquoted)) return [];
    const version = Number(unquoted);
    return version <= MAX_VERSION ? [version] : [];
  });
}
