import { getSchema } from "@tiptap/core";
import { StarterKit } from "@tiptap/starter-kit";
import type { Schema } from "prosemirror-model";

/**
 * The Y.Doc field holding the content: `Y.XmlFragment('default')`, TipTap's Collaboration default,
 * so unmodified TipTap editors bound to the relay edit the same fragment (ARCHITECTURE.md, "Data ownership").
 */
export const DOCUMENT_FIELD = "default";

/**
 * The one schema every path (canvas editor, REST, AI, Markdown) uses: StarterKit's nodes
 * (doc, paragraph, heading, blockquote, bulletList, orderedList, listItem, codeBlock,
 * horizontalRule, hardBreak, text) and marks (bold, italic, strike, code, link, underline).
 * The canvas must build its editor from the same extensions, or its documents will not fit here.
 */
export const documentSchema: Schema = getSchema([StarterKit]);
