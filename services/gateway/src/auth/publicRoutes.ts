/**
 * The one list of what the edge lets through without an access token. Everything under /api/
 * that is not listed here needs `Authorization: Bearer <access token>`. Keep it short: each entry
 * is an endpoint that must work for someone who is not signed in yet.
 */

/** Exact paths public for any method (the service behind decides which methods it answers). */
const PUBLIC_PATHS: ReadonlySet<string> = new Set([
  "/api/v1/auth/token",
  "/api/v1/auth/revoke",
  "/api/v1/openapi.json",
  "/healthz",
  "/readyz",
  // Restricted by METRICS_ALLOW instead of a token (Prometheus scrapes without one).
  "/metrics",
  // The provider sends its token in its first (auth) message, after the upgrade.
  "/collab",
]);

/** Path prefixes public for any method. */
const PUBLIC_PREFIXES: readonly string[] = ["/api/v1/auth/password-reset", "/.well-known/", "/collab/"];

/** Method-specific public endpoints: `${method} ${path}`. */
const PUBLIC_METHOD_PATHS: ReadonlySet<string> = new Set([
  // Sign-up. GET /api/v1/users (listing) stays protected.
  "POST /api/v1/users",
]);

/** Strips the query string and one trailing slash (the router ignores trailing slashes too). */
export function pathOf(url: string): string {
  const query = url.indexOf("?");
  const path = query === -1 ? url : url.slice(0, query);
  return path.length > 1 && path.endsWith("/") ? path.slice(0, -1) : path;
}

/**
 * Whether `method path` may be called without an access token. Outside /api/ everything is
 * public: static canvas files (the web app must load before anyone can sign in) and the entries
 * above; any other path there is a 404, which needs no token to say so.
 */
export function isPublicRoute(method: string, path: string): boolean {
  if (!isApiPath(path)) return true;
  if (PUBLIC_PATHS.has(path)) return true;
  for (const prefix of PUBLIC_PREFIXES) if (path.startsWith(prefix)) return true;
  return PUBLIC_METHOD_PATHS.has(`${method} ${path}`);
}

function isApiPath(path: string): boolean {
  return path === "/api" || path.startsWith("/api/");
}
