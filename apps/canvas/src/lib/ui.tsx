import { useEffect, useRef, type ButtonHTMLAttributes, type InputHTMLAttributes, type ReactNode } from "react";
import type { ActionMessage } from "../hooks/useAction";

/** Small shared pieces of the interface: buttons, dialogs, notices, avatars. */

export function Button({ variant = "default", className = "", ...rest }: ButtonHTMLAttributes<HTMLButtonElement> & { variant?: "default" | "primary" | "danger" | "ghost" }) {
  return <button type="button" className={`btn btn-${variant} ${className}`} {...rest} />;
}

export function Dialog({ title, onClose, children, wide = false }: { title: string; onClose: () => void; children: ReactNode; wide?: boolean }) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
  }, []);
  return (
    <dialog ref={ref} className={`dialog ${wide ? "dialog-wide" : ""}`} onClose={onClose} onCancel={onClose} aria-label={title}>
      <header className="dialog-header">
        <h2>{title}</h2>
        <button type="button" className="icon-btn" aria-label="Close" onClick={onClose}>
          ×
        </button>
      </header>
      <div className="dialog-body">{children}</div>
    </dialog>
  );
}

export function Notice({ kind = "error", children, onDismiss }: { kind?: "error" | "info" | "warning"; children: ReactNode; onDismiss?: () => void }) {
  return (
    <div className={`notice notice-${kind}`} role={kind === "error" ? "alert" : "status"}>
      <span>{children}</span>
      {onDismiss && (
        <button type="button" className="icon-btn" aria-label="Dismiss" onClick={onDismiss}>
          ×
        </button>
      )}
    </div>
  );
}

export function Spinner({ label = "Loading" }: { label?: string }) {
  return (
    <div className="spinner" role="status">
      <span className="spinner-dot" />
      {label}…
    </div>
  );
}

const PALETTE = ["#c2410c", "#0f766e", "#7c3aed", "#be185d", "#2563eb", "#4d7c0f", "#b45309", "#0e7490"];

/** A stable colour per person, the same for their avatar and their cursor. */
export function colorFor(key: string): string {
  let hash = 0;
  for (const char of key) hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
  return PALETTE[hash % PALETTE.length]!;
}

export function initialsOf(name: string): string {
  const parts = name.trim().split(/\s+/).filter(Boolean);
  const letters = parts.length > 1 ? [parts[0]![0], parts[parts.length - 1]![0]] : [parts[0]?.[0], parts[0]?.[1]];
  return letters.filter(Boolean).join("").toUpperCase() || "?";
}

export function Avatar({ name, id, size = 28, color }: { name: string; id: string; size?: number; color?: string }) {
  return (
    <span className="avatar" title={name} style={{ background: color ?? colorFor(id), width: size, height: size, fontSize: size * 0.4 }}>
      {initialsOf(name)}
    </span>
  );
}

export function relativeTime(iso: string, now = Date.now()): string {
  const seconds = Math.round((now - new Date(iso).getTime()) / 1000);
  if (seconds < 45) return "just now";
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.round(minutes / 60);
  if (hours < 24) return `${hours} h ago`;
  return new Date(iso).toLocaleDateString(undefined, { day: "numeric", month: "short", year: "numeric" });
}

export const ROLE_LABELS: Record<string, string> = {
  owner: "Owner",
  admin: "Admin",
  editor: "Can edit",
  commenter: "Can comment",
  viewer: "Can view",
};

export function Brand({ large = false }: { large?: boolean }) {
  return (
    <div className={`brand ${large ? "brand-large" : ""}`}>
      <span className="brand-mark">M</span> Materi
    </div>
  );
}

/** The outcome of the last action, dismissable. */
export function MessageNotice({ message, onDismiss }: { message: ActionMessage | null; onDismiss: () => void }) {
  if (!message) return null;
  return (
    <Notice kind={message.kind} onDismiss={onDismiss}>
      {message.text}
    </Notice>
  );
}

export function RoleSelect<R extends string>({ roles, value, onChange, label }: { roles: readonly R[]; value: R; onChange: (role: R) => void; label: string }) {
  return (
    <select aria-label={label} value={value} onChange={(e) => onChange(e.target.value as R)}>
      {roles.map((role) => (
        <option key={role} value={role}>
          {ROLE_LABELS[role] ?? role}
        </option>
      ))}
    </select>
  );
}

/** The top bar of a workspace page: where you are. */
export function PageHeader({ workspaceName, title }: { workspaceName: string; title?: string }) {
  return (
    <header className="topbar">
      <div className="crumbs">
        {title ? (
          <>
            <span>{workspaceName}</span>
            <span className="crumb-sep">/</span>
            <strong>{title}</strong>
          </>
        ) : (
          <strong>{workspaceName}</strong>
        )}
      </div>
    </header>
  );
}

/** A labelled input whose value is a string held by the caller. */
export function Field({ label, value, onValue, ...input }: Omit<InputHTMLAttributes<HTMLInputElement>, "value" | "onChange"> & { label: string; value: string; onValue: (value: string) => void }) {
  return (
    <label>
      {label}
      <input value={value} onChange={(e) => onValue(e.target.value)} {...input} />
    </label>
  );
}
