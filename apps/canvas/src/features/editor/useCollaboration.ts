import { HocuspocusProvider, HocuspocusProviderWebsocket } from "@hocuspocus/provider";
import { useEffect, useState } from "react";
import { IndexeddbPersistence } from "y-indexeddb";
import * as Y from "yjs";
import { INITIAL_STATE, type CollabState, type Peer } from "./collabTypes";

export interface Collaboration {
  doc: Y.Doc;
  provider: HocuspocusProvider;
}

interface Options {
  documentId: string;
  userId: string;
  getToken: () => Promise<string>;
  onState: (state: CollabState) => void;
  onPeers: (peers: Peer[]) => void;
}

const RECONNECT_MAX_DELAY_MS = 5_000;

/** The relay's WebSocket, through the gateway that served this page. */
function collabUrl(): string {
  return `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/collab`;
}

/**
 * One Y.Doc per open document, kept in IndexedDB (edits survive a reload while the relay is
 * down: the spec's offline mode) and synced with the relay; Yjs merges both when it returns.
 */
export function useCollaboration({ documentId, userId, getToken, onState, onPeers }: Options): Collaboration | null {
  const [collab, setCollab] = useState<Collaboration | null>(null);

  useEffect(() => {
    const doc = new Y.Doc();
    // Per user as well as per document: two people sharing a browser profile keep separate copies.
    const local = new IndexeddbPersistence(`materi:${userId}:${documentId}`, doc);
    let state: CollabState = INITIAL_STATE;
    const set = (patch: Partial<CollabState>) => {
      state = { ...state, ...patch };
      onState(state);
    };
    // Backoff capped at 5 s (the provider's default is 30 s): back online means back in sync soon.
    const socket = new HocuspocusProviderWebsocket({ url: collabUrl(), maxDelay: RECONNECT_MAX_DELAY_MS });
    const provider = new HocuspocusProvider({
      websocketProvider: socket,
      name: documentId,
      document: doc,
      token: getToken,
      // Retrying after a loss is still offline: the banner must not flicker with every attempt.
      onStatus: ({ status }) => set({ connection: status === "connected" ? "connected" : status === "connecting" && state.connection !== "disconnected" ? "connecting" : "disconnected" }),
      onSynced: ({ state: synced }) => set({ synced }),
      onUnsyncedChanges: ({ number }) => set({ unsynced: number }),
      onAuthenticated: () => set({ denied: null }),
      onAuthenticationFailed: ({ reason }) => set({ denied: reason || "You no longer have access to this document." }),
      onDisconnect: () => set({ connection: "disconnected", synced: false }),
    });
    const awareness = provider.awareness;
    const reportPeers = () => {
      if (!awareness) return;
      const peers: Peer[] = [];
      awareness.getStates().forEach((value, clientId) => {
        const user = (value as { user?: { name?: string; color?: string } }).user;
        if (clientId !== doc.clientID && user?.name) peers.push({ clientId, name: user.name, color: user.color ?? "#64748b" });
      });
      onPeers(peers);
    };
    awareness?.on("change", reportPeers);
    provider.attach();
    setCollab({ doc, provider });
    return () => {
      awareness?.off("change", reportPeers);
      provider.destroy();
      socket.destroy();
      void local.destroy();
      doc.destroy();
      setCollab(null);
    };
    // The callbacks are stable (the page's setters); only a new document or user is a new Y.Doc.
  }, [documentId, userId, getToken, onState, onPeers]);

  return collab;
}
