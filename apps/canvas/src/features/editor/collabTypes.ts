import type { Editor } from "@tiptap/core";

/** Shared between the page (main bundle) and the lazily loaded editor: types only, no code. */

/** Where the document's changes are: the relay's acknowledgements drive "saved". */
export interface CollabState {
  /** The WebSocket to the relay. */
  connection: "connecting" | "connected" | "disconnected";
  /** The first exchange with the relay is done (its state is merged into ours). */
  synced: boolean;
  /** Local changes the relay has not acknowledged yet. */
  unsynced: number;
  /** The relay refused us (token, permission): the message to show. */
  denied: string | null;
}

export interface Peer {
  clientId: number;
  name: string;
  color: string;
}

export interface CollaborativeEditorProps {
  documentId: string;
  user: { id: string; name: string };
  /** The person's colour: their cursor and avatar. */
  color: string;
  readOnly: boolean;
  getToken: () => Promise<string>;
  onState: (state: CollabState) => void;
  onPeers: (peers: Peer[]) => void;
  onEditor: (editor: Editor | null) => void;
}

export const INITIAL_STATE: CollabState = { connection: "connecting", synced: false, unsynced: 0, denied: null };
