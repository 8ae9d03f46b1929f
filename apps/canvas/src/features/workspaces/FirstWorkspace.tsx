import { useServices } from "../../lib/services";
import type { User } from "../../lib/types";
import { AuthCard } from "../auth/AuthCard";
import { WorkspaceForm } from "./CreateWorkspaceDialog";

/** Onboarding for someone in no workspace yet: create one, then write the first document. */
export function FirstWorkspace({ user }: { user: User }) {
  const { session } = useServices();
  const firstName = user.name.split(/\s+/)[0] ?? user.name;
  return (
    <AuthCard title={`Welcome, ${firstName}`} lead="A workspace holds your team’s documents and who may read or edit them. You can invite people next.">
      <WorkspaceForm initialName={`${firstName}’s workspace`} />
      <p className="auth-switch">
        Signed in as {user.email}.{" "}
        <button type="button" className="link-btn" onClick={() => void session.signOut()}>
          Sign out
        </button>
      </p>
    </AuthCard>
  );
}
