import { applyContent, InvalidContentError, jsonToNode, markdownToJSON, type DocumentContent, type ProseMirrorJSON, type StoredUpdate } from "@materi/docstore";
import * as Y from "yjs";
import type { ApiContext } from "../context.js";
import { apiProblem } from "../errors.js";

/** Content as the API accepts it: a Markdown string or a ProseMirror JSON document. */
export type ContentInput = string | ProseMirrorJSON;

/** Markdown becomes ProseMirror JSON through the docstore's shared schema; JSON passes as is. */
export function toProseMirror(content: ContentInput): ProseMirrorJSON {
  if (typeof content !== "string") return content;
  try {
    return markdownToJSON(content);
  } catch (err) {
    throw asContentProblem(err);
  }
}

/**
 * Appends `content` as a minimal Yjs change, then reads the content back once: its text and seq go
 * to the search index, the rest to the answer. Returns null when nothing changed.
 *
 * With `baseSeq` (the content_seq the client read the content at), the change is the difference
 * from that base to `content`, made on the base state: a three-way merge, so edits that landed
 * since (a live editor typing in another paragraph) survive even though the client's JSON still
 * shows the old text there. Without it, the content becomes what was sent (docstore writeContent:
 * the minimal change against the current state, which still keeps typing that lands meanwhile).
 */
export async function writeDocumentContent(
  ctx: Pick<ApiContext, "docs" | "logger">,
  input: { documentId: string; content: ContentInput; origin: string; baseSeq?: number },
): Promise<DocumentContent | null> {
  const json = toProseMirror(input.content);
  let stored: StoredUpdate | null;
  try {
    const onBase = input.baseSeq === undefined ? undefined : await writeOnBase(ctx, { ...input, json, baseSeq: input.baseSeq });
    stored = onBase !== undefined ? onBase : await ctx.docs.writeContent(input.documentId, json, input.origin);
  } catch (err) {
    throw asContentProblem(err);
  }
  if (!stored) return null;
  return ctx.docs.readContent(input.documentId);
}

/**
 * The three-way write: rebuilds the state at `baseSeq` from the log, diffs it to `json` there and
 * appends that change (Yjs merges it with everything after the base). undefined when the base was
 * compacted into a later snapshot: the caller falls back to the two-way write.
 */
async function writeOnBase(
  ctx: Pick<ApiContext, "docs" | "logger">,
  input: { documentId: string; json: ProseMirrorJSON; origin: string; baseSeq: number },
): Promise<StoredUpdate | null | undefined> {
  const target = jsonToNode(input.json);
  const log = await ctx.docs.updatesSince(input.documentId, 0);
  const first = log[0];
  if (first && first.origin === "snapshot" && first.seq > input.baseSeq) {
    ctx.logger.info({ documentId: input.documentId, baseSeq: input.baseSeq, snapshotSeq: first.seq }, "base compacted away: two-way content write");
    return undefined;
  }
  const latest = log.length > 0 ? log[log.length - 1]!.seq : 0;
  if (input.baseSeq > latest) throw apiProblem("API_ERR_INVALID_CONTENT", `base_seq ${input.baseSeq} is ahead of the document (at ${latest}).`);
  const base = new Y.Doc();
  for (const update of log) {
    if (update.seq > input.baseSeq) break;
    Y.applyUpdate(base, update.update);
  }
  const change = applyContent(base, target, input.origin);
  base.destroy();
  return change === null ? null : ctx.docs.append(input.documentId, change, input.origin);
}

/** The docstore's InvalidContentError (JSON that does not fit the schema) becomes a 422. */
function asContentProblem(err: unknown): unknown {
  if (err instanceof InvalidContentError) {
    return apiProblem("API_ERR_INVALID_CONTENT", `The content does not fit the document schema: ${err.message}`, { cause: err });
  }
  return err;
}
