import { useState, type FormEvent } from "react";
import { Link } from "../../lib/Link";
import { errorMessage, problemOf } from "../../lib/problem";
import { Button, Field, Notice } from "../../lib/ui";
import { AuthCard } from "./AuthCard";

/** Shield's password reset: ask for a link by email, then choose a new password with its token. */
export function PasswordResetPage({ token }: { token?: string }) {
  const [value, setValue] = useState("");
  const [done, setDone] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const confirming = token !== undefined;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const [path, body] = confirming ? ["/api/v1/auth/password-reset/confirm", { token, password: value }] : ["/api/v1/auth/password-reset", { email: value.trim() }];
      const response = await fetch(path, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
      if (!response.ok) throw await problemOf(response);
      setDone(true);
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <AuthCard
      title={confirming ? "Choose a new password" : "Reset your password"}
      lead={done ? undefined : confirming ? "Pick a password you do not use anywhere else." : "Enter your email address and we will send you a link."}
    >
      {done ? (
        <Notice kind="info">
          {confirming ? "Your password was changed. Sign in with the new one." : "If an account uses this address, a link to reset its password is on its way. Check your inbox."}
        </Notice>
      ) : (
        <>
          {error && <Notice>{error}</Notice>}
          <form onSubmit={submit} className="form">
            {confirming ? (
              <Field label="New password" type="password" autoComplete="new-password" required value={value} onValue={setValue} />
            ) : (
              <Field label="Email" type="email" autoComplete="email" required value={value} onValue={setValue} />
            )}
            <Button type="submit" variant="primary" disabled={busy}>
              {busy ? "Please wait…" : confirming ? "Change password" : "Send the link"}
            </Button>
          </form>
        </>
      )}
      <p className="auth-switch">
        <Link href="/signin">Back to sign in</Link>
      </p>
    </AuthCard>
  );
}
