import { Extension } from "@tiptap/core";
import { yCursorPlugin } from "@tiptap/y-tiptap";
import type { Awareness } from "y-protocols/awareness";

export interface CollaborationCaretOptions {
  /** The provider's awareness; the cursor plugin reads and writes `user` and the selection there. */
  awareness: Awareness | null;
  /** Shown beside this person's caret on everyone else's screen. */
  user: { name: string; color: string };
}

/**
 * Live carets and selections of the others, with their names in their colours: y-tiptap's
 * cursor plugin in a TipTap extension (@tiptap/extension-collaboration-caret pins another core).
 */
export const CollaborationCaret = Extension.create<CollaborationCaretOptions>({
  name: "collaborationCaret",

  addOptions() {
    return { awareness: null, user: { name: "Someone", color: "#2563eb" } };
  },

  addProseMirrorPlugins() {
    const { awareness, user } = this.options;
    if (!awareness) return [];
    awareness.setLocalStateField("user", user);
    return [yCursorPlugin(awareness, { cursorBuilder: caretOf, selectionBuilder: selectionOf })];
  },
});

function caretOf(user: { name?: string; color?: string }): HTMLElement {
  const caret = document.createElement("span");
  caret.className = "collab-caret";
  caret.style.borderColor = user.color ?? "#2563eb";
  const label = document.createElement("span");
  label.className = "collab-caret-label";
  label.style.background = user.color ?? "#2563eb";
  label.textContent = user.name ?? "Someone";
  caret.append(label);
  return caret;
}

function selectionOf(user: { color?: string }) {
  return { style: `background-color: ${user.color ?? "#2563eb"}33`, class: "collab-selection" };
}
