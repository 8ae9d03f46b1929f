import { useEffect, useState } from "react";
import { notifyChanged } from "../../lib/changes";
import { ProblemError, errorMessage } from "../../lib/problem";
import { useServices } from "../../lib/services";
import type { DocumentFull } from "../../lib/types";
import { Button, Dialog } from "../../lib/ui";
import { metaOf, type DocumentMeta } from "./useDocument";

interface Conflict {
  mine: string;
  theirs: DocumentMeta;
}

/**
 * The document's title, saved with If-Match on its version. Losing a race (412) shows both
 * titles and lets the person choose: the spec's "user decision" conflict resolution.
 */
export function TitleField({ meta, editable, onSaved, onError }: { meta: DocumentMeta; editable: boolean; onSaved: (meta: DocumentMeta) => void; onError: (message: string) => void }) {
  const { api } = useServices();
  const [value, setValue] = useState(meta.title);
  const [conflict, setConflict] = useState<Conflict | null>(null);

  useEffect(() => setValue(meta.title), [meta.title]);

  const save = async (title: string, version: number) => {
    try {
      const { data, headers } = await api.request<DocumentFull>("PATCH", `/api/v1/documents/${meta.id}`, { body: { title }, headers: { "if-match": `"${version}"` } });
      onSaved(metaOf(data, headers.get("etag")));
      notifyChanged("documents");
    } catch (err) {
      if (err instanceof ProblemError && err.status === 412) {
        const { data, headers } = await api.request<DocumentFull>("GET", `/api/v1/documents/${meta.id}`);
        setConflict({ mine: title, theirs: metaOf(data, headers.get("etag")) });
        return;
      }
      onError(errorMessage(err));
      setValue(meta.title);
    }
  };

  const commit = () => {
    const title = value.trim();
    if (!title) return setValue(meta.title);
    if (title !== meta.title) void save(title, meta.version).catch((err: unknown) => onError(errorMessage(err)));
  };

  const resolve = (choice: "mine" | "theirs") => {
    if (!conflict) return;
    setConflict(null);
    if (choice === "theirs") {
      onSaved(conflict.theirs);
      setValue(conflict.theirs.title);
      notifyChanged("documents");
    } else {
      void save(conflict.mine, conflict.theirs.version);
    }
  };

  return (
    <>
      <input
        className="doc-title-input"
        aria-label="Document title"
        value={value}
        readOnly={!editable}
        maxLength={500}
        placeholder="Untitled"
        onChange={(e) => setValue(e.target.value)}
        onBlur={commit}
        onKeyDown={(e) => {
          if (e.key === "Enter") (e.target as HTMLInputElement).blur();
          if (e.key === "Escape") setValue(meta.title);
        }}
      />
      {conflict && (
        <Dialog title="The title was changed by someone else" onClose={() => resolve("theirs")}>
          <p>While you were editing, the title was changed. Which one should the document keep?</p>
          <div className="choices">
            <div className="choice">
              <span className="muted small">Your title</span>
              <strong>{conflict.mine}</strong>
              <Button variant="primary" onClick={() => resolve("mine")}>
                Keep mine
              </Button>
            </div>
            <div className="choice">
              <span className="muted small">Their title</span>
              <strong>{conflict.theirs.title}</strong>
              <Button onClick={() => resolve("theirs")}>Use theirs</Button>
            </div>
          </div>
        </Dialog>
      )}
    </>
  );
}
