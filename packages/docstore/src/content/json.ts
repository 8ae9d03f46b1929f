import { Node } from "prosemirror-model";
import type { ProseMirrorJSON } from "../types.js";
import { documentSchema } from "./documentSchema.js";
import { InvalidContentError } from "./errors.js";

/**
 * Builds the ProseMirror node of a whole document from JSON and checks it against the shared
 * schema: unknown node or mark types, bad attributes and content a node may not hold are all
 * refused with an InvalidContentError naming the problem.
 */
export function jsonToNode(json: unknown): Node {
  if (typeof json !== "object" || json === null || Array.isArray(json)) {
    throw new InvalidContentError("Content must be a ProseMirror JSON object such as {\"type\":\"doc\",\"content\":[...]}");
  }
  const type = (json as { type?: unknown }).type;
  if (type !== documentSchema.topNodeType.name) {
    throw new InvalidContentError(`Content must be a whole document: its top node is "${String(type)}", expected "doc"`);
  }
  let node: Node;
  try {
    node = Node.fromJSON(documentSchema, json);
    // fromJSON builds without checking content expressions or attributes; check() does both.
    node.check();
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new InvalidContentError(`Content does not fit the document schema: ${reason}`, { cause: err });
  }
  return node;
}

/** The JSON of `node`, always with a `content` array at the top so callers need no special case. */
export function nodeToJSON(node: Node): ProseMirrorJSON {
  const json = node.toJSON() as ProseMirrorJSON;
  return { ...json, content: json.content ?? [] };
}

/**
 * Plain text of a document, for the search index: blocks separated by a blank line, hard breaks
 * as a newline, marks dropped.
 */
export function nodeToText(node: Node): string {
  return node.textBetween(0, node.content.size, "\n\n", (leaf) => (leaf.type.name === "hardBreak" ? "\n" : ""));
}

/** Plain text of ProseMirror JSON (validated as `jsonToNode` does). */
export function jsonToText(json: ProseMirrorJSON): string {
  return nodeToText(jsonToNode(json));
}
