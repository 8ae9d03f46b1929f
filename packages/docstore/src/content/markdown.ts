import MarkdownIt from "markdown-it";
import { MarkdownParser, MarkdownSerializer, type MarkdownSerializerState } from "prosemirror-markdown";
import type { Mark, Node } from "prosemirror-model";
import type { ProseMirrorJSON } from "../types.js";
import { documentSchema } from "./documentSchema.js";
import { InvalidContentError } from "./errors.js";
import { jsonToNode, nodeToJSON } from "./json.js";

// CommonMark plus GFM strikethrough; raw HTML stays text (html: false), so Markdown from a REST
// client can never smuggle markup the schema does not have.
const tokenizer = MarkdownIt("commonmark", { html: false }).enable("strikethrough");

// markdown-it token names -> TipTap's camelCase node and mark names.
const parser = new MarkdownParser(documentSchema, tokenizer, {
  blockquote: { block: "blockquote" },
  paragraph: { block: "paragraph" },
  list_item: { block: "listItem" },
  bullet_list: { block: "bulletList" },
  ordered_list: { block: "orderedList", getAttrs: (tok) => ({ start: Number(tok.attrGet("start") ?? 1) || 1 }) },
  heading: { block: "heading", getAttrs: (tok) => ({ level: Number(tok.tag.slice(1)) }) },
  code_block: { block: "codeBlock", noCloseToken: true },
  fence: { block: "codeBlock", getAttrs: (tok) => ({ language: tok.info.trim() || null }), noCloseToken: true },
  hr: { node: "horizontalRule" },
  hardbreak: { node: "hardBreak" },
  // The schema has no image node: an image is dropped rather than failing the whole import.
  image: { ignore: true, noCloseToken: true },
  em: { mark: "italic" },
  strong: { mark: "bold" },
  s: { mark: "strike" },
  link: { mark: "link", getAttrs: (tok) => ({ href: tok.attrGet("href"), title: tok.attrGet("title") || null }) },
  code_inline: { mark: "code", noCloseToken: true },
});

const serializer = new MarkdownSerializer(
  {
    blockquote: (state, node) => state.wrapBlock("> ", null, node, () => state.renderContent(node)),
    codeBlock: (state, node) => {
      // A fence longer than any backtick run inside, so the code cannot close it early.
      const runs = node.textContent.match(/`{3,}/gm);
      const fence = runs ? `${runs.sort().at(-1) ?? ""}\`` : "```";
      state.write(`${fence}${(node.attrs["language"] as string | null) ?? ""}\n`);
      state.text(node.textContent, false);
      state.write("\n");
      state.write(fence);
      state.closeBlock(node);
    },
    heading: (state, node) => {
      state.write(`${state.repeat("#", node.attrs["level"] as number)} `);
      state.renderInline(node, false);
      state.closeBlock(node);
    },
    horizontalRule: (state, node) => {
      state.write("---");
      state.closeBlock(node);
    },
    bulletList: (state, node, parent, index) => {
      const marker = alternate(parent, index) ? "*" : "-";
      state.renderList(node, "  ", () => `${marker} `);
    },
    orderedList: (state, node, parent, index) => renderOrderedList(state, node, alternate(parent, index) ? ")" : "."),
    listItem: (state, node) => state.renderContent(node),
    paragraph: (state, node) => {
      state.renderInline(node);
      state.closeBlock(node);
    },
    hardBreak: (state, node, parent, index) => {
      // A trailing hard break has no Markdown form; one before more inline content is "\" + newline.
      for (let i = index + 1; i < parent.childCount; i++) {
        if (parent.child(i).type !== node.type) {
          state.write("\\\n");
          return;
        }
      }
    },
    // Links are always written as [text](href), never <autolinks>, so text is always escaped.
    text: (state, node) => state.text(node.text ?? "", true),
  },
  {
    italic: { open: "*", close: "*", mixable: true, expelEnclosingWhitespace: true },
    bold: { open: "**", close: "**", mixable: true, expelEnclosingWhitespace: true },
    strike: { open: "~~", close: "~~", mixable: true, expelEnclosingWhitespace: true },
    // Markdown has no underline and raw HTML is not parsed back (see the tokenizer): underlined
    // text is written as plain text, so underline is the one mark Markdown loses.
    underline: { open: "", close: "" },
    link: {
      open: () => "[",
      close: (_state: MarkdownSerializerState, mark: Mark) => {
        const href = String(mark.attrs["href"] ?? "").replace(/[()"]/g, "\\$&");
        const title = mark.attrs["title"] as string | null;
        return `](${href}${title ? ` "${title.replace(/"/g, '\\"')}"` : ""})`;
      },
      mixable: true,
    },
    code: {
      open: (_state: MarkdownSerializerState, _mark: Mark, parent: Node, index: number) => backticksFor(parent.child(index), -1),
      close: (_state: MarkdownSerializerState, _mark: Mark, parent: Node, index: number) => backticksFor(parent.child(index - 1), 1),
      escape: false,
    },
  },
  { hardBreakNodeName: "hardBreak" },
);

function renderOrderedList(state: MarkdownSerializerState, node: Node, delimiter: string): void {
  const start = (node.attrs["start"] as number | null) ?? 1;
  const width = String(start + node.childCount - 1).length;
  state.renderList(node, state.repeat(" ", width + 2), (i) => {
    const n = String(start + i);
    return `${state.repeat(" ", width - n.length)}${n}${delimiter} `;
  });
}

// Two lists of one kind in a row would read back as one list: CommonMark only ends a list at a
// different marker ("-" vs "*", "." vs ")"), so every other list in such a run takes the other one.
function alternate(parent: Node, index: number): boolean {
  const type = parent.child(index).type;
  let run = 0;
  while (index - run - 1 >= 0 && parent.child(index - run - 1).type === type) run++;
  return run % 2 === 1;
}

// Inline code holding backticks needs a longer backtick fence and a space on each side.
function backticksFor(node: Node, side: number): string {
  let longest = 0;
  for (const run of node.isText ? ((node.text ?? "").match(/`+/g) ?? []) : []) longest = Math.max(longest, run.length);
  let result = longest > 0 && side > 0 ? " `" : "`";
  result += "`".repeat(longest);
  if (longest > 0 && side < 0) result += " ";
  return result;
}

/** The ProseMirror node of a Markdown text (CommonMark + strikethrough; images and raw HTML become nothing / text). */
export function markdownToNode(markdown: string): Node {
  let node: Node;
  try {
    node = parser.parse(markdown);
    node.check();
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new InvalidContentError(`Markdown could not be converted to the document schema: ${reason}`, { cause: err });
  }
  return node;
}

/** ProseMirror JSON of a Markdown text. */
export function markdownToJSON(markdown: string): ProseMirrorJSON {
  return nodeToJSON(markdownToNode(markdown));
}

/** Markdown of a document node; underline is dropped (see above), everything else round-trips. */
// Loose lists (a blank line between items): a tight list would merge an item's second paragraph
// into its first when read back.
export function nodeToMarkdown(node: Node): string {
  return serializer.serialize(node, { tightLists: false });
}

/** Markdown of ProseMirror JSON (validated: InvalidContentError when it does not fit the schema). */
export function jsonToMarkdown(json: ProseMirrorJSON): string {
  return nodeToMarkdown(jsonToNode(json));
}
