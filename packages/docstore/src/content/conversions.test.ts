import fc from "fast-check";
import type { Node } from "prosemirror-model";
import { describe, expect, it } from "vitest";
import * as Y from "yjs";
import type { ProseMirrorJSON } from "../types.js";
import { documentSchema } from "./documentSchema.js";
import { InvalidContentError } from "./errors.js";
import { jsonToNode, jsonToText } from "./json.js";
import { jsonToMarkdown, markdownToJSON, markdownToNode, nodeToMarkdown } from "./markdown.js";
import { applyContent, jsonToYDoc, yDocToJSON } from "./ydoc.js";

const text = (t: string, marks?: ProseMirrorJSON["marks"]): ProseMirrorJSON => ({ type: "text", text: t, ...(marks ? { marks } : {}) });
const para = (...content: ProseMirrorJSON[]): ProseMirrorJSON => ({ type: "paragraph", content });
const doc = (...content: ProseMirrorJSON[]): ProseMirrorJSON => ({ type: "doc", content });

const RICH = doc(
  { type: "heading", attrs: { level: 2 }, content: [text("Title")] },
  para(text("plain "), text("bold", [{ type: "bold" }]), text(" "), text("it", [{ type: "italic" }]), text(" "), text("gone", [{ type: "strike" }])),
  para(text("code", [{ type: "code" }]), text(" and "), text("a link", [{ type: "link", attrs: { href: "https://example.com/x" } }])),
  para(text("line one"), { type: "hardBreak" }, text("line two")),
  { type: "blockquote", content: [para(text("quoted"))] },
  { type: "bulletList", content: [{ type: "listItem", content: [para(text("one"))] }, { type: "listItem", content: [para(text("two"))] }] },
  { type: "orderedList", attrs: { start: 3 }, content: [{ type: "listItem", content: [para(text("three"))] }] },
  { type: "codeBlock", attrs: { language: "ts" }, content: [text("const a = 1;\nconst b = `x`;")] },
  { type: "horizontalRule" },
);

describe("ProseMirror JSON", () => {
  it("accepts a document of every StarterKit node and mark", () => {
    expect(jsonToNode(RICH).childCount).toBe(9);
  });

  it.each([
    ["a non-object", "hello", /ProseMirror JSON object/],
    ["a non-doc top node", para(text("x")), /top node is "paragraph"/],
    ["an unknown node type", doc({ type: "table" }), /Unknown node type: table/],
    ["an unknown mark", doc(para(text("x", [{ type: "highlight" }]))), /highlight/],
    ["content a node may not hold", doc(text("bare text")), /Invalid content for node doc/],
    ["an empty text node", doc(para(text(""))), /Empty text nodes/],
  ])("refuses %s with an InvalidContentError naming the problem", (_label, json, message) => {
    expect(() => jsonToNode(json)).toThrow(InvalidContentError);
    expect(() => jsonToNode(json)).toThrow(message);
  });

  it("reads as plain text: blocks on separate lines, hard breaks as a newline, no marks", () => {
    const plain = jsonToText(RICH);
    expect(plain).toContain("Title\n\nplain bold it gone\n\ncode and a link\n\nline one\nline two");
    expect(plain).not.toContain("**");
  });
});

describe("Markdown", () => {
  it("writes every node and mark in Markdown and reads it back to the same document", () => {
    const markdown = jsonToMarkdown(RICH);
    expect(markdown).toContain("## Title");
    expect(markdown).toContain("**bold**");
    expect(markdown).toContain("~~gone~~");
    expect(markdown).toContain("[a link](https://example.com/x)");
    expect(markdown).toContain("```ts\nconst a = 1;");
    expect(markdown).toContain("3. three");
    expect(markdownToNode(markdown).eq(jsonToNode(RICH))).toBe(true);
  });

  it("writes underlined text as plain text", () => {
    expect(jsonToMarkdown(doc(para(text("under", [{ type: "underline" }]))))).toBe("under");
  });

  it("parses CommonMark into TipTap's node names, dropping images and keeping raw HTML as text", () => {
    const json = markdownToJSON("# Hi\n\n- a\n- b\n\n1. c\n\n> q\n\n![alt](x.png) <b>raw</b>\n\n***\n");
    expect(json.content?.map((n) => n.type)).toEqual(["heading", "bulletList", "orderedList", "blockquote", "paragraph", "horizontalRule"]);
    expect(json.content?.[4]?.content).toEqual([text(" <b>raw</b>")]);
  });

  it("escapes Markdown syntax in text so it round-trips as text", () => {
    const tricky = doc(para(text("*not em* # not heading [x](y) 1. no")));
    expect(markdownToNode(jsonToMarkdown(tricky)).eq(jsonToNode(tricky))).toBe(true);
  });

  it("round-trips generated documents (property)", () => {
    fc.assert(fc.property(documentArbitrary, (node) => markdownToNode(nodeToMarkdown(node)).eq(node)), { numRuns: 100 });
  });
});

describe("Y.Doc fragment", () => {
  it("holds the JSON in Y.XmlFragment('default') and reads it back", () => {
    const ydoc = jsonToYDoc(RICH);
    expect(ydoc.getXmlFragment("default").length).toBe(9);
    expect(jsonToNode(yDocToJSON(ydoc)).eq(jsonToNode(RICH))).toBe(true);
  });

  it("reads an empty fragment as one empty paragraph", () => {
    expect(yDocToJSON(new Y.Doc())).toEqual(doc({ type: "paragraph" }));
  });

  it("applies only the difference: an unchanged paragraph keeps its Yjs items", () => {
    const ydoc = jsonToYDoc(doc(para(text("first")), para(text("second"))));
    const second = ydoc.getXmlFragment("default").get(1);
    const update = applyContent(ydoc, jsonToNode(doc(para(text("first, edited")), para(text("second")))), "test");
    expect(update).not.toBeNull();
    expect(ydoc.getXmlFragment("default").get(1)).toBe(second);
    expect(applyContent(ydoc, jsonToNode(doc(para(text("first, edited")), para(text("second")))), "test")).toBeNull();
  });
});

// Simple documents for the round-trip property: words of letters and digits, each plain or with
// one mark, in paragraphs, headings, code blocks, lists and quotes.
const word = fc.stringMatching(/^[A-Za-z0-9]{1,8}$/);
const markName = fc.constantFrom(null, "bold", "italic", "strike", "code");
const inline = fc.array(fc.tuple(word, markName), { minLength: 1, maxLength: 6 }).map((words) => {
  const nodes: Node[] = [];
  words.forEach(([w, mark], i) => {
    if (i > 0) nodes.push(documentSchema.text(" "));
    nodes.push(documentSchema.text(w, mark ? [documentSchema.mark(mark)] : []));
  });
  return nodes;
});
const { nodes } = documentSchema;
const paragraph = inline.map((c) => nodes.paragraph!.create(null, c));
const block = fc.oneof(
  paragraph,
  fc.tuple(fc.integer({ min: 1, max: 6 }), inline).map(([level, c]) => nodes.heading!.create({ level }, c)),
  fc.array(word, { minLength: 1, maxLength: 3 }).map((lines) => nodes.codeBlock!.create(null, documentSchema.text(lines.join("\n")))),
  fc.array(paragraph, { minLength: 1, maxLength: 3 }).map((ps) => nodes.bulletList!.create(null, ps.map((p) => nodes.listItem!.create(null, p)))),
  fc.tuple(fc.integer({ min: 1, max: 20 }), fc.array(paragraph, { minLength: 1, maxLength: 3 })).map(([start, ps]) =>
    nodes.orderedList!.create({ start }, ps.map((p) => nodes.listItem!.create(null, p))),
  ),
  paragraph.map((p) => nodes.blockquote!.create(null, p)),
  fc.constant(nodes.horizontalRule!.create()),
);
const documentArbitrary = fc.array(block, { minLength: 1, maxLength: 5 }).map((blocks) => nodes.doc!.create(null, blocks));
