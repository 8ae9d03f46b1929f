import type { Role } from "@materi/contracts";
import type { DirectoryUser } from "../store/userDirectoryStore.js";
import type { MemberRow } from "../store/memberStore.js";

export interface PresentedMember {
  user_id: string;
  /** From the user directory; null when the user is unknown there and Shield could not say. */
  email: string | null;
  name: string | null;
  role: Role;
  created_at: string;
}

export function presentMember(member: MemberRow, user: DirectoryUser | null | undefined): PresentedMember {
  return {
    user_id: member.user_id,
    email: user?.email ?? null,
    name: user?.name ?? null,
    role: member.role,
    created_at: member.created_at.toISOString(),
  };
}
