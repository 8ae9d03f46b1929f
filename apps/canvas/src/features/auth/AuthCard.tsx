import type { ReactNode } from "react";
import { Brand } from "../../lib/ui";

/** The centred card of the pages before the app: sign in, sign up, password reset, first workspace. */
export function AuthCard({ title, lead, children }: { title: string; lead?: ReactNode; children: ReactNode }) {
  return (
    <main className="auth">
      <div className="auth-card">
        <Brand large />
        <h1>{title}</h1>
        {lead && <p className="muted">{lead}</p>}
        {children}
      </div>
    </main>
  );
}
