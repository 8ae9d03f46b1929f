import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newTestUser, startApiStack, type ApiStack, type TestUser } from "./stack.js";

// Issue 6's tenant-isolation suite. It reads every public route the api registered (from its
// OpenAPI document, built from the routes themselves) and fails on one it has no case for, so a
// new route cannot ship without saying who may call it. For each case, in a fresh workspace:
// every role below the required one gets 403 or 404 and a problem document (never data), a user
// of another workspace gets 404, and the least role that may call it succeeds (so the case is real).

type Role = "owner" | "admin" | "editor" | "commenter" | "viewer";
const ROLES: readonly Role[] = ["owner", "admin", "editor", "commenter", "viewer"];

interface World {
  workspaceId: string;
  documentId: string;
  /** The owner's extra resources, made on demand by a case's setup. */
  extra: Record<string, string>;
}

interface RouteCase {
  /** Least workspace role that may call it. */
  minRole: Role;
  /** Owner-made resources the request needs (share, link, revision...), into `world.extra`. */
  setup?: (world: World, owner: TestUser) => Promise<void>;
  request: (world: World, caller: TestUser) => { path: string; body?: unknown };
  /** Status for the least allowed role. Default 200. */
  ok?: number;
}

const doc = (w: World) => `/api/v1/documents/${w.documentId}`;
const ws = (w: World) => `/api/v1/workspaces/${w.workspaceId}`;

async function ownerMade(owner: TestUser, method: string, path: string, body?: unknown): Promise<Record<string, unknown>> {
  const response = await owner.call(method, path, body);
  if (response.status >= 300) throw new Error(`setup ${method} ${path}: ${response.status} ${await response.text()}`);
  const text = await response.text();
  return text ? (JSON.parse(text) as Record<string, unknown>) : {};
}

/** Keyed "METHOD /path" as in the OpenAPI document. */
const CASES: Record<string, RouteCase> = {
  "GET /api/v1/workspaces/{id}": { minRole: "viewer", request: (w) => ({ path: ws(w) }) },
  "PATCH /api/v1/workspaces/{id}": { minRole: "admin", request: (w) => ({ path: ws(w), body: { name: "Renamed" } }) },
  "DELETE /api/v1/workspaces/{id}": { minRole: "owner", request: (w) => ({ path: ws(w) }), ok: 204 },
  "GET /api/v1/workspaces/{id}/members": { minRole: "viewer", request: (w) => ({ path: `${ws(w)}/members` }) },
  "POST /api/v1/workspaces/{id}/members": {
    minRole: "admin",
    setup: async (w) => {
      w.extra["newcomer"] = (await newTestUser(stack, "newcomer")).id;
    },
    request: (w) => ({ path: `${ws(w)}/members`, body: { user_id: w.extra["newcomer"], role: "viewer" } }),
    ok: 201,
  },
  "PATCH /api/v1/workspaces/{id}/members/{user_id}": {
    minRole: "admin",
    request: (w) => ({ path: `${ws(w)}/members/${w.extra["viewer"]}`, body: { role: "commenter" } }),
  },
  "DELETE /api/v1/workspaces/{id}/members/{user_id}": {
    // Anyone may leave; removing someone else needs admin. The target is a bystander, so no
    // caller's request is a leave.
    minRole: "admin",
    setup: async (w, owner) => {
      const bystander = await newTestUser(stack, "bystander");
      await ownerMade(owner, "POST", `${ws(w)}/members`, { user_id: bystander.id, role: "viewer" });
      w.extra["bystander"] = bystander.id;
    },
    request: (w) => ({ path: `${ws(w)}/members/${w.extra["bystander"]}` }),
    ok: 204,
  },
  "GET /api/v1/workspaces/{id}/invitations": { minRole: "admin", request: (w) => ({ path: `${ws(w)}/invitations` }) },
  "DELETE /api/v1/workspaces/{id}/invitations/{invitation_id}": {
    minRole: "admin",
    setup: async (w, owner) => {
      const made = await ownerMade(owner, "POST", `${ws(w)}/members`, { email: `invitee-${Date.now()}-${Math.random()}@example.test`, role: "viewer" });
      w.extra["invitation"] = String((made["invitation"] as { id: string }).id);
    },
    request: (w) => ({ path: `${ws(w)}/invitations/${w.extra["invitation"]}` }),
    ok: 204,
  },
  "GET /api/v1/workspaces/{id}/documents": { minRole: "viewer", request: (w) => ({ path: `${ws(w)}/documents` }) },
  "GET /api/v1/workspaces/{id}/trash": { minRole: "viewer", request: (w) => ({ path: `${ws(w)}/trash` }) },
  "GET /api/v1/workspaces/{id}/activity": { minRole: "viewer", request: (w) => ({ path: `${ws(w)}/activity` }) },
  "GET /api/v1/documents/{id}": { minRole: "viewer", request: (w) => ({ path: doc(w) }) },
  "PATCH /api/v1/documents/{id}": { minRole: "editor", request: (w) => ({ path: doc(w), body: { title: "Changed" } }) },
  // Trash and restore: the document's creator (here the owner) or a workspace admin.
  "DELETE /api/v1/documents/{id}": { minRole: "admin", request: (w) => ({ path: doc(w) }), ok: 204 },
  "POST /api/v1/documents/{id}/restore": {
    minRole: "admin",
    setup: async (w, owner) => {
      await ownerMade(owner, "DELETE", doc(w));
    },
    request: (w) => ({ path: `${doc(w)}/restore` }),
  },
  "GET /api/v1/documents/{id}/shares": { minRole: "viewer", request: (w) => ({ path: `${doc(w)}/shares` }) },
  "POST /api/v1/documents/{id}/shares": {
    minRole: "editor",
    setup: async (w) => {
      w.extra["guest"] = (await newTestUser(stack, "guest")).id;
    },
    request: (w) => ({ path: `${doc(w)}/shares`, body: { user_id: w.extra["guest"], role: "viewer" } }),
    ok: 201,
  },
  "DELETE /api/v1/documents/{id}/shares/{share_id}": {
    minRole: "editor",
    setup: async (w, owner) => {
      const guest = await newTestUser(stack, "guest");
      const made = await ownerMade(owner, "POST", `${doc(w)}/shares`, { user_id: guest.id, role: "viewer" });
      w.extra["share"] = String(made["id"]);
    },
    request: (w) => ({ path: `${doc(w)}/shares/${w.extra["share"]}` }),
    ok: 204,
  },
  "GET /api/v1/documents/{id}/share-links": { minRole: "editor", request: (w) => ({ path: `${doc(w)}/share-links` }) },
  "POST /api/v1/documents/{id}/share-links": { minRole: "editor", request: (w) => ({ path: `${doc(w)}/share-links`, body: { role: "viewer" } }), ok: 201 },
  "DELETE /api/v1/documents/{id}/share-links/{link_id}": {
    minRole: "editor",
    setup: async (w, owner) => {
      const made = await ownerMade(owner, "POST", `${doc(w)}/share-links`, { role: "viewer" });
      w.extra["link"] = String(made["id"]);
    },
    request: (w) => ({ path: `${doc(w)}/share-links/${w.extra["link"]}` }),
    ok: 204,
  },
  "GET /api/v1/documents/{id}/revisions": { minRole: "viewer", request: (w) => ({ path: `${doc(w)}/revisions` }) },
  "POST /api/v1/documents/{id}/revisions": { minRole: "editor", request: (w) => ({ path: `${doc(w)}/revisions` }), ok: 201 },
  "GET /api/v1/documents/{id}/revisions/{rev}": { minRole: "viewer", request: (w) => ({ path: `${doc(w)}/revisions/1` }) },
  "POST /api/v1/documents/{id}/revisions/{rev}/restore": { minRole: "editor", request: (w) => ({ path: `${doc(w)}/revisions/1/restore` }) },
};

/** Routes any signed-in user may call; each has its own cross-tenant test below. */
const OPEN_TO_ANY_USER = new Set([
  "POST /api/v1/workspaces",
  "GET /api/v1/workspaces",
  "POST /api/v1/documents",
  "GET /api/v1/share-links/{token}",
  "POST /api/v1/share-links/{token}/redeem",
]);

let stack: ApiStack;
const people = {} as Record<Role | "stranger", TestUser>;
let registered: string[] = [];

beforeAll(async () => {
  stack = await startApiStack();
  for (const who of [...ROLES, "stranger"] as const) people[who] = await newTestUser(stack, who);
  const openapi = (await (await fetch(`${stack.base}/api/v1/openapi.json`)).json()) as { paths: Record<string, Record<string, unknown>> };
  registered = Object.entries(openapi.paths).flatMap(([path, methods]) => Object.keys(methods).map((m) => `${m.toUpperCase()} ${path}`));
}, 120_000);

afterAll(async () => {
  await stack?.close();
});

/** A workspace owned by `people.owner` with one member of every other role, and one document. */
async function newWorld(): Promise<World> {
  const owner = people.owner;
  const workspace = await ownerMade(owner, "POST", "/api/v1/workspaces", { name: "Isolated" });
  const world: World = { workspaceId: String(workspace["id"]), documentId: "", extra: {} };
  for (const role of ROLES.slice(1)) {
    await ownerMade(owner, "POST", `${ws(world)}/members`, { user_id: people[role].id, role });
    world.extra[role] = people[role].id;
  }
  const made = await ownerMade(owner, "POST", "/api/v1/documents", { workspace_id: world.workspaceId, title: "Secret plans", content: "# Secret\n\nThe plans." });
  world.documentId = String(made["id"]);
  return world;
}

async function expectRefused(response: Response, allowed: number[], label: string): Promise<void> {
  const text = await response.text();
  expect(allowed, `${label}: status ${response.status} ${text.slice(0, 200)}`).toContain(response.status);
  expect(response.headers.get("content-type") ?? "", label).toContain("application/problem+json");
  expect(text, label).not.toContain("Secret plans");
  expect(text, label).not.toContain("The plans");
}

describe("tenant isolation", () => {
  it("has a case for every registered public route", () => {
    expect(registered.length).toBeGreaterThan(10);
    const missing = registered.filter((route) => !(route in CASES) && !OPEN_TO_ANY_USER.has(route));
    expect(missing, "routes without a tenant-isolation case").toEqual([]);
    const stale = Object.keys(CASES).filter((route) => !registered.includes(route));
    expect(stale, "cases for routes that no longer exist").toEqual([]);
  });

  it.each(Object.entries(CASES))("%s: roles below the required one and strangers are refused", async (route, c) => {
    const method = route.split(" ")[0]!;
    const world = await newWorld();
    await c.setup?.(world, people.owner);
    const rank = ROLES.indexOf(c.minRole);
    for (const role of ROLES.slice(rank + 1)) {
      const { path, body } = c.request(world, people[role]);
      await expectRefused(await people[role].call(method, path, body), [403, 404], `${route} as ${role}`);
    }
    const { path, body } = c.request(world, people.stranger);
    await expectRefused(await people.stranger.call(method, path, body), [404], `${route} as a stranger`);
    const allowed = c.request(world, people[c.minRole]);
    const response = await people[c.minRole].call(method, allowed.path, allowed.body);
    expect(response.status, `${route} as ${c.minRole}: ${await response.clone().text()}`).toBe(c.ok ?? 200);
  });

  it("lists only the caller's own workspaces and documents", async () => {
    const world = await newWorld();
    const mine = await (await people.stranger.call("GET", "/api/v1/workspaces")).text();
    expect(mine).not.toContain(world.workspaceId);
    const create = await people.stranger.call("POST", "/api/v1/documents", { workspace_id: world.workspaceId, title: "Intruder" });
    await expectRefused(create, [404], "POST /api/v1/documents into another workspace");
    const viewerCreate = await people.viewer.call("POST", "/api/v1/documents", { workspace_id: world.workspaceId, title: "Viewer" });
    await expectRefused(viewerCreate, [403], "POST /api/v1/documents as a viewer");
  });

  it("a share link grants exactly its role, until it is revoked", async () => {
    const world = await newWorld();
    const link = await ownerMade(people.owner, "POST", `${doc(world)}/share-links`, { role: "commenter" });
    const token = String(link["token"]);
    const guest = await newTestUser(stack, "link-guest");
    await expectRefused(await guest.call("GET", doc(world)), [404], "before redeeming");
    const preview = await guest.call("GET", `/api/v1/share-links/${token}`);
    expect(preview.status).toBe(200);
    const redeemed = await guest.call("POST", `/api/v1/share-links/${token}/redeem`);
    expect(await redeemed.json()).toMatchObject({ document_id: world.documentId, role: "commenter" });
    const read = await guest.call("GET", doc(world));
    expect(read.status).toBe(200);
    expect(await read.json()).toMatchObject({ role: "commenter" });
    await expectRefused(await guest.call("PATCH", doc(world), { title: "Hijacked" }), [403], "commenter link writing");
    await expectRefused(await guest.call("GET", ws(world)), [404], "link guest reading the workspace");
    await ownerMade(people.owner, "DELETE", `${doc(world)}/share-links/${String(link["id"])}`);
    await expectRefused(await guest.call("GET", doc(world)), [404], "after revocation");
    await expectRefused(await guest.call("GET", `/api/v1/share-links/${token}`), [404], "revoked link preview");
  });

  it("internal routes need the service key and are not reachable through the gateway", async () => {
    const world = await newWorld();
    const query = `/internal/permissions?user_id=${people.viewer.id}&document_id=${world.documentId}`;
    expect((await fetch(`${stack.api.url}${query}`)).status).toBe(401);
    expect((await people.owner.call("GET", query)).status).toBe(404);
  });
});
