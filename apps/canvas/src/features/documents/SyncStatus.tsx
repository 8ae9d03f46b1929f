import type { CollabState } from "../editor/collabTypes";

type Shown = "offline" | "connecting" | "saving" | "saved" | "readonly";

/** Saved / Saving… / Offline, from the relay's acknowledgements of our changes. */
/** `readOnly` undefined: the role is not known yet, so neither "Saved" nor "Up to date" can be said. */
export function SyncStatus({ state, readOnly }: { state: CollabState; readOnly: boolean | undefined }) {
  const shown = shownOf(state, readOnly);
  const text: Record<Shown, string> = {
    offline: "Offline",
    connecting: "Connecting…",
    saving: "Saving…",
    saved: "Saved",
    readonly: "Up to date",
  };
  return (
    <span className={`sync sync-${shown}`} data-sync={shown} role="status" aria-live="polite">
      <span className="sync-dot" aria-hidden />
      {text[shown]}
    </span>
  );
}

function shownOf(state: CollabState, readOnly: boolean | undefined): Shown {
  if (state.connection === "disconnected") return "offline";
  if (state.connection === "connecting" || !state.synced || readOnly === undefined) return "connecting";
  if (readOnly) return "readonly";
  return state.unsynced > 0 ? "saving" : "saved";
}
