import { useSyncExternalStore } from "react";

/** The app's pages, parsed from the URL path. */
export type Route =
  | { page: "signin"; next?: string }
  | { page: "signup"; email?: string; next?: string }
  | { page: "passwordReset"; token?: string }
  | { page: "home" }
  | { page: "workspace"; workspaceId: string }
  | { page: "document"; workspaceId: string; documentId: string }
  | { page: "settings"; workspaceId: string }
  | { page: "trash"; workspaceId: string }
  | { page: "share"; token: string }
  | { page: "notFound" };

const UUID = "([0-9a-fA-F-]{36})";
const PATTERNS: Array<[RegExp, (m: string[], q: URLSearchParams) => Route]> = [
  [/^\/signin\/?$/, (_m, q) => ({ page: "signin", ...opt("next", q.get("next")) })],
  [/^\/signup\/?$/, (_m, q) => ({ page: "signup", ...opt("email", q.get("email")), ...opt("next", q.get("next")) })],
  [/^\/(forgot|reset)-password\/?$/, (_m, q) => ({ page: "passwordReset", ...opt("token", q.get("token")) })],
  [/^\/?$/, () => ({ page: "home" })],
  [new RegExp(`^/w/${UUID}/?$`), (m) => ({ page: "workspace", workspaceId: m[1]! })],
  [new RegExp(`^/w/${UUID}/d/${UUID}/?$`), (m) => ({ page: "document", workspaceId: m[1]!, documentId: m[2]! })],
  [new RegExp(`^/w/${UUID}/settings/?$`), (m) => ({ page: "settings", workspaceId: m[1]! })],
  [new RegExp(`^/w/${UUID}/trash/?$`), (m) => ({ page: "trash", workspaceId: m[1]! })],
  [/^\/share\/([A-Za-z0-9_-]+)\/?$/, (m) => ({ page: "share", token: m[1]! })],
];

export function parseRoute(pathname: string, search: string): Route {
  const query = new URLSearchParams(search);
  for (const [pattern, build] of PATTERNS) {
    const match = pattern.exec(pathname);
    if (match) return build([...match], query);
  }
  return { page: "notFound" };
}

const listeners = new Set<() => void>();
let snapshot = location.pathname + location.search;
window.addEventListener("popstate", () => changed());

function changed(): void {
  snapshot = location.pathname + location.search;
  for (const listener of listeners) listener();
}

export function navigate(to: string, { replace = false } = {}): void {
  if (to === location.pathname + location.search) return;
  if (replace) history.replaceState(null, "", to);
  else history.pushState(null, "", to);
  changed();
}

export function useRoute(): Route {
  const current = useSyncExternalStore(
    (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    () => snapshot,
  );
  const [pathname = "/", search = ""] = current.split(/(?=\?)/);
  return parseRoute(pathname, search);
}

export const paths = {
  workspace: (workspaceId: string) => `/w/${workspaceId}`,
  document: (workspaceId: string, documentId: string) => `/w/${workspaceId}/d/${documentId}`,
  settings: (workspaceId: string) => `/w/${workspaceId}/settings`,
  trash: (workspaceId: string) => `/w/${workspaceId}/trash`,
};

function opt<K extends string>(key: K, value: string | null): { [P in K]?: string } {
  return (value ? { [key]: value } : {}) as { [P in K]?: string };
}
