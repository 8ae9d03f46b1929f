import { useState, type FormEvent } from "react";
import { errorMessage, problemOf } from "../../lib/problem";
import { Link } from "../../lib/Link";
import { navigate } from "../../lib/router";
import { useServices } from "../../lib/services";
import { Button, Field, Notice } from "../../lib/ui";
import { AuthCard } from "./AuthCard";

/** Sign in and sign up: one calm card, the same fields, clear errors from Shield. */
export function AuthPage({ mode, email: presetEmail, next }: { mode: "signin" | "signup"; email?: string; next?: string }) {
  const { session } = useServices();
  const [name, setName] = useState("");
  const [email, setEmail] = useState(presetEmail ?? "");
  const [password, setPassword] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const signingUp = mode === "signup";
  // A shared link or deep link survives the switch between sign in and sign up.
  const carry = next ? `?next=${encodeURIComponent(next)}` : "";

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      if (signingUp) {
        const created = await fetch("/api/v1/users", {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ name: name.trim(), email: email.trim(), password }),
        });
        if (!created.ok) throw await problemOf(created);
      }
      await session.signIn(email.trim(), password);
      navigate(next && next.startsWith("/") ? next : "/", { replace: true });
    } catch (err) {
      setError(errorMessage(err));
      setBusy(false);
    }
  };

  return (
    <AuthCard
      title={signingUp ? "Create your account" : "Sign in"}
      lead={signingUp ? "Write together, in real time, on your own server." : "Welcome back. Your documents are waiting."}
    >
      {presetEmail && signingUp && <Notice kind="info">You were invited: create your account with this address to join the workspace.</Notice>}
      {error && <Notice>{error}</Notice>}
      <form onSubmit={submit} className="form">
        {signingUp && <Field label="Name" name="name" autoComplete="name" required value={name} onValue={setName} />}
        <Field label="Email" name="email" type="email" autoComplete="email" required value={email} onValue={setEmail} />
        <Field label="Password" name="password" type="password" autoComplete={signingUp ? "new-password" : "current-password"} required value={password} onValue={setPassword} />
        <Button type="submit" variant="primary" disabled={busy}>
          {busy ? "Please wait…" : signingUp ? "Create account" : "Sign in"}
        </Button>
      </form>
      {!signingUp && (
        <p className="auth-forgot">
          <Link href="/forgot-password">Forgot your password?</Link>
        </p>
      )}
      <p className="auth-switch">
        {signingUp ? (
          <>
            Already have an account? <Link href={`/signin${carry}`}>Sign in</Link>
          </>
        ) : (
          <>
            New to Materi? <Link href={`/signup${carry}`}>Create an account</Link>
          </>
        )}
      </p>
    </AuthCard>
  );
}
