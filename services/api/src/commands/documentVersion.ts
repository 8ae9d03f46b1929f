/** The strong ETag of a document's metadata version, e.g. `"3"`. */
export function etagOf(version: number): string {
  return `"${version}"`;
}

/**
 * RFC 9110 §13.1.1 If-Match: `*` or a list of entity tags compared strongly, so a weak tag
 * (`W/"3"`) never matches. A bare number (`3`) is accepted too, as clients often send it.
 */
export function matchesVersion(ifMatch: string, version: number): boolean {
  const value = ifMatch.trim();
  if (value === "*") return true;
  return value.split(",").some((part) => {
    const tag = part.trim();
    if (tag.startsWith("W/")) return false;
    const unquoted = /^"(.*)"$/.exec(tag)?.[1] ?? tag;
    return unquoted === String(version);
  });
}
