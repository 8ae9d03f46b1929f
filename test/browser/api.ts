import type { Account } from "./browser.js";

/** Direct API calls for test setup: what a person would otherwise click through. */
export interface ApiUser {
  id: string;
  token: string;
  call<T = unknown>(method: string, path: string, body?: unknown): Promise<T>;
}

export async function signUp(base: string, account: Account): Promise<ApiUser> {
  const created = await fetch(`${base}/api/v1/users`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ name: account.name, email: account.email, password: account.password }),
  });
  if (created.status !== 201) throw new Error(`sign-up failed: ${created.status} ${await created.text()}`);
  const user = (await created.json()) as { id: string };
  const login = await fetch(`${base}/api/v1/auth/token`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ grant_type: "password", username: account.email, password: account.password }),
  });
  if (login.status !== 200) throw new Error(`login failed: ${login.status} ${await login.text()}`);
  const { access_token: token } = (await login.json()) as { access_token: string };
  return {
    id: user.id,
    token,
    call: async <T>(method: string, path: string, body?: unknown) => {
      const response = await fetch(`${base}${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
      return (response.status === 204 ? undefined : await response.json()) as T;
    },
  };
}

/** A workspace owned by `owner` with one document, and the others added with their roles. */
export async function sharedDocument(owner: ApiUser, others: Array<{ user: ApiUser; role: string }>, title = "Team notes") {
  const workspace = await owner.call<{ id: string }>("POST", "/api/v1/workspaces", { name: "Design team" });
  for (const { user, role } of others) await owner.call("POST", `/api/v1/workspaces/${workspace.id}/members`, { user_id: user.id, role });
  const doc = await owner.call<{ id: string }>("POST", "/api/v1/documents", { workspace_id: workspace.id, title });
  return { workspaceId: workspace.id, documentId: doc.id, path: `/w/${workspace.id}/d/${doc.id}` };
}
