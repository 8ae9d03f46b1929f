import { NetworkError, problemOf } from "./problem";
import type { TokenGrant, User } from "./types";

/** What survives a reload: tokens and who they belong to (localStorage, this origin only). */
export interface StoredSession {
  accessToken: string;
  refreshToken: string;
  /** Epoch ms when the access token expires. */
  expiresAt: number;
  user: User;
}

const STORAGE_KEY = "materi.session";
/** Refresh this long before the access token expires, so requests never carry a stale one. */
const REFRESH_AHEAD_MS = 60_000;
const MIN_REFRESH_DELAY_MS = 5_000;

type Listener = (session: StoredSession | null) => void;

/**
 * Holds the signed-in session: tokens in localStorage, a background refresh ahead of expiry, and
 * one shared refresh at a time (a 401 and the timer must not spend the same refresh token twice).
 */
export class SessionStore {
  private session: StoredSession | null = read();
  private listeners = new Set<Listener>();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private refreshing: Promise<StoredSession | null> | undefined;

  constructor() {
    this.schedule();
    // Another tab signed in, refreshed or out: follow it.
    window.addEventListener("storage", (event) => {
      if (event.key !== STORAGE_KEY) return;
      this.session = read();
      this.schedule();
      this.emit();
    });
  }

  get current(): StoredSession | null {
    return this.session;
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async signIn(email: string, password: string): Promise<StoredSession> {
    const grant = await tokenRequest({ grant_type: "password", username: email, password });
    const user = await fetchMe(grant.access_token);
    return this.set(sessionOf(grant, user));
  }

  /** The one refresh in flight, shared by everyone who needs it; null when the session is over. */
  refresh(): Promise<StoredSession | null> {
    this.refreshing ??= this.doRefresh().finally(() => {
      this.refreshing = undefined;
    });
    return this.refreshing;
  }

  async signOut(): Promise<void> {
    const session = this.session;
    this.set(null);
    if (!session) return;
    // Revoking the refresh token ends the family on the server; failing to reach it still signs out here.
    await fetch("/api/v1/auth/revoke", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ token: session.refreshToken, token_type_hint: "refresh_token" }),
    }).catch(() => undefined);
  }

  updateUser(user: User): void {
    if (this.session) this.set({ ...this.session, user });
  }

  private async doRefresh(): Promise<StoredSession | null> {
    const session = this.session;
    if (!session) return null;
    try {
      const grant = await tokenRequest({ grant_type: "refresh_token", refresh_token: session.refreshToken });
      return this.set(sessionOf(grant, session.user));
    } catch (err) {
      // Offline: keep the session and try again later; a refused token ends it.
      if (err instanceof NetworkError) {
        this.schedule(MIN_REFRESH_DELAY_MS * 6);
        return session;
      }
      this.set(null);
      return null;
    }
  }

  private set<T extends StoredSession | null>(session: T): T {
    this.session = session;
    if (session) localStorage.setItem(STORAGE_KEY, JSON.stringify(session));
    else localStorage.removeItem(STORAGE_KEY);
    this.schedule();
    this.emit();
    return session;
  }

  private schedule(delay?: number): void {
    clearTimeout(this.timer);
    if (!this.session) return;
    const wait = delay ?? Math.max(MIN_REFRESH_DELAY_MS, this.session.expiresAt - Date.now() - REFRESH_AHEAD_MS);
    this.timer = setTimeout(() => void this.refresh(), wait);
  }

  private emit(): void {
    for (const listener of this.listeners) listener(this.session);
  }
}

async function tokenRequest(form: Record<string, string>): Promise<TokenGrant> {
  let response: Response;
  try {
    response = await fetch("/api/v1/auth/token", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams(form),
    });
  } catch (err) {
    throw new NetworkError(err);
  }
  if (!response.ok) throw await problemOf(response);
  return (await response.json()) as TokenGrant;
}

async function fetchMe(accessToken: string): Promise<User> {
  const response = await fetch("/api/v1/users/me", { headers: { authorization: `Bearer ${accessToken}` } });
  if (!response.ok) throw await problemOf(response);
  return (await response.json()) as User;
}

function sessionOf(grant: TokenGrant, user: User): StoredSession {
  return { accessToken: grant.access_token, refreshToken: grant.refresh_token, expiresAt: Date.now() + grant.expires_in * 1000, user };
}

function read(): StoredSession | null {
  try {
    const raw = localStorage.getItem(STORAGE_KEY);
    return raw ? (JSON.parse(raw) as StoredSession) : null;
  } catch {
    // Unreadable storage (private mode, corrupted value) means signed out.
    return null;
  }
}
