import type { Editor } from "@tiptap/core";
import { useEditorState } from "@tiptap/react";
import type { ReactNode } from "react";

/** 16 px stroke icons, drawn in the text colour. */
function icon(path: string): ReactNode {
  return (
    <svg width="16" height="16" viewBox="0 0 16 16" fill="none" stroke="currentColor" strokeWidth="1.6" strokeLinecap="round" strokeLinejoin="round" aria-hidden>
      <path d={path} />
    </svg>
  );
}

const BULLETS = "M6 4h8M6 8h8M6 12h8M2.5 4h.01M2.5 8h.01M2.5 12h.01";
const NUMBERS = "M7 4h7M7 8h7M7 12h7M2 3l1-.5V6M2 6h2M2 10h2l-2 2.5h2";
const QUOTE = "M3 3v10M7 5h6M7 8h6M7 11h4";
const CODE = "M5.5 4.5 2 8l3.5 3.5M10.5 4.5 14 8l-3.5 3.5";

interface Tool {
  label: ReactNode;
  title: string;
  active: (e: Editor) => boolean;
  run: (e: Editor) => void;
}

const TOOLS: Tool[] = [
  { label: "B", title: "Bold (Ctrl+B)", active: (e) => e.isActive("bold"), run: (e) => e.chain().focus().toggleBold().run() },
  { label: <em>I</em>, title: "Italic (Ctrl+I)", active: (e) => e.isActive("italic"), run: (e) => e.chain().focus().toggleItalic().run() },
  { label: <s>S</s>, title: "Strikethrough", active: (e) => e.isActive("strike"), run: (e) => e.chain().focus().toggleStrike().run() },
  { label: "H1", title: "Heading 1", active: (e) => e.isActive("heading", { level: 1 }), run: (e) => e.chain().focus().toggleHeading({ level: 1 }).run() },
  { label: "H2", title: "Heading 2", active: (e) => e.isActive("heading", { level: 2 }), run: (e) => e.chain().focus().toggleHeading({ level: 2 }).run() },
  { label: icon(BULLETS), title: "Bulleted list", active: (e) => e.isActive("bulletList"), run: (e) => e.chain().focus().toggleBulletList().run() },
  { label: icon(NUMBERS), title: "Numbered list", active: (e) => e.isActive("orderedList"), run: (e) => e.chain().focus().toggleOrderedList().run() },
  { label: icon(QUOTE), title: "Quote", active: (e) => e.isActive("blockquote"), run: (e) => e.chain().focus().toggleBlockquote().run() },
  { label: icon(CODE), title: "Code block", active: (e) => e.isActive("codeBlock"), run: (e) => e.chain().focus().toggleCodeBlock().run() },
];

/** Formatting buttons that follow the selection. */
export function Toolbar({ editor }: { editor: Editor }) {
  const active = useEditorState({ editor, selector: ({ editor: e }) => TOOLS.map((tool) => tool.active(e)) });
  return (
    <div className="toolbar" role="toolbar" aria-label="Formatting">
      {TOOLS.map((tool, i) => (
        <button
          key={tool.title}
          type="button"
          title={tool.title}
          aria-label={tool.title}
          aria-pressed={active[i] ?? false}
          className={`tool ${active[i] ? "active" : ""}`}
          onMouseDown={(e) => e.preventDefault()}
          onClick={() => tool.run(editor)}
        >
          {tool.label}
        </button>
      ))}
    </div>
  );
}
