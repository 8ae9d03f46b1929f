import { atLeast, isRole } from "@materi/contracts";
import { createServiceClient, ProblemError, type ServiceClient } from "@materi/platform";
import { ariaProblem } from "../errors.js";
import { RefreshAheadCache } from "../generation/RefreshAheadCache.js";

const MAX_CACHED_GRANTS = 10_000;

/** Who may generate: the request's workspace and, when it names one, its document. */
export interface AccessQuestion {
  userId: string;
  workspaceId: string;
  documentId?: string | undefined;
}

/**
 * Asks the api who may do what, behind a breaker (platform createServiceClient: one attempt, 2 s,
 * the spec's figures for an internal service): a document needs editor or above (the text may go
 * into it), a workspace alone needs membership. Anything the caller may not see is a 404.
 */
export class AccessChecker {
  private readonly api: ServiceClient;
  private readonly granted: RefreshAheadCache<void>;

  constructor(opts: { apiUrl: string; serviceKeys: readonly string[]; cacheMs: number }) {
    this.granted = new RefreshAheadCache(opts.cacheMs, MAX_CACHED_GRANTS);
    this.api = createServiceClient({ service: "api", baseUrl: opts.apiUrl, serviceKeys: opts.serviceKeys });
  }

  /**
   * Resolves when the user may generate here; rejects with a 404/403/503 problem otherwise. A
   * grant is trusted for `cacheMs` (AI_ACCESS_CACHE_MS), so a user generating again does not wait
   * for the api each time; refusals are never cached, so a new member is let in at once. A grant
   * past half its life is renewed in the background by the request it lets through, so a user
   * generating steadily never waits for the api either, and no grant is trusted longer than
   * `cacheMs` after the api gave it: a refusal on renewal drops it at once.
   */
  check(question: AccessQuestion): Promise<void> {
    const key = `${question.userId}/${question.workspaceId}/${question.documentId ?? ""}`;
    return this.granted.get(key, () => this.ask(question), {
      // Refused: the grant goes now. Api unreachable: it stays until it expires, then the request
      // after that asks, and fails, in the open.
      onRefreshError: (err) => (err instanceof ProblemError && err.code !== "ARIA_ERR_PERMISSIONS_UNAVAILABLE" ? "drop" : "keep"),
    });
  }

  close(): Promise<void> {
    return this.api.close();
  }

  private async ask(question: AccessQuestion): Promise<void> {
    if (question.documentId === undefined) return this.checkMembership(question);
    const answer = await this.get<{ role: string | null; workspace_id: string }>("/internal/permissions", { user_id: question.userId, document_id: question.documentId });
    const notFound = () => ariaProblem("ARIA_ERR_DOCUMENT_NOT_FOUND", "No document with this id in this workspace, or you have no access to it.");
    if (answer === null || answer.role === null || answer.workspace_id !== question.workspaceId) throw notFound();
    // A role this version does not know ranks below every role: refused, never guessed upward.
    if (!atLeast(isRole(answer.role) ? answer.role : null, "editor")) {
      throw ariaProblem("ARIA_ERR_FORBIDDEN", `Generating for a document needs the editor role or higher; yours is ${answer.role}.`);
    }
  }

  private async checkMembership(question: AccessQuestion): Promise<void> {
    const answer = await this.get<{ role: string | null }>("/internal/memberships", { user_id: question.userId, workspace_id: question.workspaceId });
    if (answer === null || answer.role === null) {
      throw ariaProblem("ARIA_ERR_WORKSPACE_NOT_FOUND", "No workspace with this id, or you are not a member of it.");
    }
  }

  /** The api's JSON answer, null for its 404; a 503 problem when it cannot be asked. */
  private async get<T>(path: string, query: Record<string, string>): Promise<T | null> {
    try {
      return await this.api.getJson<T>({ path, query, template: path });
    } catch (err) {
      throw ariaProblem("ARIA_ERR_PERMISSIONS_UNAVAILABLE", "Aria could not check your access with the api; try again shortly.", { cause: err });
    }
  }
}
