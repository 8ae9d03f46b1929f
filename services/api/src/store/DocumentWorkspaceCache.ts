/**
 * Which workspace each recently renamed document belongs to, so a title PATCH can build its
 * event before its one statement runs (the DocumentEvent carries the workspace id). A document
 * never moves (no statement changes api.documents.workspace_id), so an entry never goes stale,
 * and the statement checks it anyway (`workspace_id = $n`). Least recently used first out.
 */
export class DocumentWorkspaceCache {
  private readonly entries = new Map<string, string>();

  constructor(
    /** Most documents kept (count). */
    private readonly size: number = 10_000,
  ) {}

  get(documentId: string): string | undefined {
    const workspaceId = this.entries.get(documentId);
    if (workspaceId !== undefined) this.remember(documentId, workspaceId);
    return workspaceId;
  }

  remember(documentId: string, workspaceId: string): void {
    // Re-inserted, so the Map's order is least recently used first.
    this.entries.delete(documentId);
    this.entries.set(documentId, workspaceId);
    while (this.entries.size > this.size) this.entries.delete(this.entries.keys().next().value!);
  }
}
