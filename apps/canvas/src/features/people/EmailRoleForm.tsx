import { useState, type FormEvent } from "react";
import { Button, RoleSelect } from "../../lib/ui";

/** An email address and a role to give it: adding members, sharing a document. */
export function EmailRoleForm<R extends string>({
  label,
  submitLabel,
  roles,
  initialRole,
  onSubmit,
}: {
  label: string;
  submitLabel: string;
  roles: readonly R[];
  initialRole: R;
  /** Resolves true when done: the address is cleared for the next one. */
  onSubmit: (email: string, role: R) => Promise<boolean>;
}) {
  const [email, setEmail] = useState("");
  const [role, setRole] = useState<R>(initialRole);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void onSubmit(email.trim(), role).then((done) => done && setEmail(""));
  };
  return (
    <form className="inline-form" onSubmit={submit}>
      <label className="grow">
        {label}
        <input type="email" required placeholder="name@company.com" value={email} onChange={(e) => setEmail(e.target.value)} />
      </label>
      <RoleSelect label="Role" roles={roles} value={role} onChange={setRole} />
      <Button type="submit" variant="primary">
        {submitLabel}
      </Button>
    </form>
  );
}
