import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { postJson } from "../shield/stack.js";
import { addMember, awaitMembershipEvents, createWorkspace, knownToApi, mailsTo, streamNow } from "./membershipHelpers.js";
import { newTestUser, startApiStack, type ApiStack, type TestUser } from "./stack.js";

interface Invitation {
  id: string;
  workspace_id: string;
  email: string;
  role: string;
  invited_by: string;
  status: string;
}

// Issue 6: inviting an address without an account, the mail, and acceptance on sign-up.
describe("api invitations", () => {
  let stack: ApiStack;
  let redis: Redis;
  let owner: TestUser;
  beforeAll(async () => {
    stack = await startApiStack({ PUBLIC_URL: "https://materi.example.test/app/" });
    redis = new Redis(stack.redisUrl);
    owner = await newTestUser(stack, "owner");
  });
  afterAll(async () => {
    redis?.disconnect();
    await stack?.close();
  });

  const freshEmail = (label: string) => `${label}-${randomUUID().slice(0, 8)}@example.test`;
  const invite = (user: TestUser, workspaceId: string, email: string, role: string) =>
    user.call("POST", `/api/v1/workspaces/${workspaceId}/members`, { email, role });
  const signUp = async (email: string): Promise<string> => {
    const res = await postJson(`${stack.base}/api/v1/users`, { email, password: "correct horse battery staple", name: "Invited Person" });
    expect(res.status).toBe(201);
    return ((await res.json()) as { id: string }).id;
  };
  const openInvitations = async (workspaceId: string): Promise<Invitation[]> => {
    const res = await owner.call("GET", `/api/v1/workspaces/${workspaceId}/invitations`);
    expect(res.status).toBe(200);
    return ((await res.json()) as { items: Invitation[] }).items;
  };

  it("invites an unknown email (202 + mail), and signing up with it makes them a member", async () => {
    const since = streamNow();
    const workspace = await createWorkspace(owner, "Invitational");
    const email = freshEmail("invitee");
    const res = await invite(owner, workspace.id, email.toUpperCase(), "editor");
    expect(res.status).toBe(202);
    const { invitation } = (await res.json()) as { invitation: Invitation };
    expect(invitation).toMatchObject({ workspace_id: workspace.id, email, role: "editor", invited_by: owner.id, status: "pending" });
    expect(await openInvitations(workspace.id)).toEqual([expect.objectContaining({ id: invitation.id, email })]);

    const mails = await expect.poll(() => mailsTo(stack, email), { timeout: 5_000 }).toHaveLength(1).then(() => mailsTo(stack, email));
    expect(mails[0]).toContain('"Invitational"');
    expect(mails[0]).toContain(`https://materi.example.test/app/signup?invitation=${invitation.id}&email=${encodeURIComponent(email)}`);

    const userId = await signUp(email);
    await expect
      .poll(async () => {
        const list = (await (await owner.call("GET", `/api/v1/workspaces/${workspace.id}/members`)).json()) as { items: { user_id: string; role: string }[] };
        return list.items.find((m) => m.user_id === userId)?.role;
      }, { timeout: 15_000 })
      .toBe("editor");
    expect(await openInvitations(workspace.id)).toEqual([]);
    const events = await awaitMembershipEvents(redis, since, workspace.id, 2);
    expect(events[1]).toMatchObject({
      type: "workspace.member_added",
      source: "api",
      payload: { workspaceId: workspace.id, userId, actorId: owner.id, action: "member_added", role: "editor" },
    });
  });

  it("renews a repeated invitation, revokes one (then sign-up adds nothing), and lists only for admins", async () => {
    const workspace = await createWorkspace(owner, "Revocable");
    const viewer = await newTestUser(stack, "viewer");
    await addMember(owner, workspace.id, viewer, "viewer");
    const email = freshEmail("revoked");
    const first = ((await (await invite(owner, workspace.id, email, "viewer")).json()) as { invitation: Invitation }).invitation;
    const again = await invite(owner, workspace.id, email, "commenter");
    expect(again.status).toBe(202);
    expect(((await again.json()) as { invitation: Invitation }).invitation).toMatchObject({ id: first.id, role: "commenter" });
    expect(await openInvitations(workspace.id)).toHaveLength(1);

    expect((await viewer.call("GET", `/api/v1/workspaces/${workspace.id}/invitations`)).status).toBe(403);
    expect((await viewer.call("DELETE", `/api/v1/workspaces/${workspace.id}/invitations/${first.id}`)).status).toBe(403);
    expect((await invite(viewer, workspace.id, freshEmail("by-viewer"), "viewer")).status).toBe(403);

    expect((await owner.call("DELETE", `/api/v1/workspaces/${workspace.id}/invitations/${first.id}`)).status).toBe(204);
    expect((await owner.call("DELETE", `/api/v1/workspaces/${workspace.id}/invitations/${first.id}`)).status).toBe(404);
    expect(await openInvitations(workspace.id)).toEqual([]);

    const userId = await signUp(email);
    // The sign-up reached the api (the directory knows them), and still no membership followed.
    await knownToApi(stack, userId);
    const list = (await (await owner.call("GET", `/api/v1/workspaces/${workspace.id}/members`)).json()) as { items: { user_id: string }[] };
    expect(list.items.map((m) => m.user_id)).not.toContain(userId);
  });

  it("accepts an invitation when an existing user changes their email to the invited address", async () => {
    const workspace = await createWorkspace(owner, "Renamed address");
    const mover = await newTestUser(stack, "mover");
    const email = freshEmail("moved");
    expect((await invite(owner, workspace.id, email, "commenter")).status).toBe(202);
    expect((await mover.call("PATCH", "/api/v1/users/me", { email })).status).toBe(200);
    await expect
      .poll(async () => (await mover.call("GET", `/api/v1/workspaces/${workspace.id}`)).status, { timeout: 15_000 })
      .toBe(200);
    expect(await (await mover.call("GET", `/api/v1/workspaces/${workspace.id}`)).json()).toMatchObject({ role: "commenter" });
  });

  it("cannot invite as owner (422) and never above the inviter's role (403)", async () => {
    const workspace = await createWorkspace(owner, "Bounded");
    const owned = await invite(owner, workspace.id, freshEmail("owner-invite"), "owner");
    expect(owned.status).toBe(422);
    expect(await owned.json()).toMatchObject({ code: "API_ERR_INVALID_ROLE" });
    const admin = await newTestUser(stack, "admin");
    await addMember(owner, workspace.id, admin, "admin");
    expect((await invite(admin, workspace.id, freshEmail("by-admin"), "admin")).status).toBe(202);
    expect((await invite(admin, workspace.id, freshEmail("by-admin"), "owner")).status).toBe(403);
  });
});
