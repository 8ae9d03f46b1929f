import Collaboration from "@tiptap/extension-collaboration";
import { EditorContent, useEditor } from "@tiptap/react";
import StarterKit from "@tiptap/starter-kit";
import { useEffect } from "react";
import { CollaborationCaret } from "./CollaborationCaret";
import type { CollaborativeEditorProps } from "./collabTypes";
import { useCollaboration, type Collaboration as Collab } from "./useCollaboration";
import { Toolbar } from "./Toolbar";

/**
 * The document body: TipTap bound to the shared Y.Doc, with the others' carets. Loaded lazily
 * (React.lazy) so the first page does not carry ProseMirror and Yjs.
 */
export default function CollaborativeEditor(props: CollaborativeEditorProps) {
  const collab = useCollaboration({ ...props, userId: props.user.id });
  if (!collab) return <div className="editor-placeholder" />;
  return <BoundEditor key={collab.doc.guid} collab={collab} {...props} />;
}

function BoundEditor({ collab, user, color, readOnly, onEditor }: CollaborativeEditorProps & { collab: Collab }) {
  const editor = useEditor({
    editable: !readOnly,
    extensions: [
      // Yjs keeps the history: StarterKit's own undo would fight it.
      StarterKit.configure({ undoRedo: false, link: { openOnClick: false } }),
      Collaboration.configure({ document: collab.doc }),
      CollaborationCaret.configure({ awareness: collab.provider.awareness, user: { name: user.name, color } }),
    ],
    editorProps: { attributes: { class: "prose", "aria-label": "Document body", spellcheck: "true" } },
  });

  useEffect(() => {
    editor.setEditable(!readOnly);
  }, [editor, readOnly]);

  useEffect(() => {
    onEditor(editor);
    return () => onEditor(null);
  }, [editor, onEditor]);

  return (
    <div className="editor">
      {!readOnly && <Toolbar editor={editor} />}
      <EditorContent editor={editor} className="editor-content" />
    </div>
  );
}
