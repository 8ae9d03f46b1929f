import { useEffect, useState } from "react";
import { errorMessage } from "../../lib/problem";
import { navigate, paths } from "../../lib/router";
import { useServices } from "../../lib/services";
import type { DocumentFull } from "../../lib/types";
import { Notice, Spinner } from "../../lib/ui";

/** Opening a share link: redeem it for the signed-in user, then open the document. */
export function ShareLinkPage({ token }: { token: string }) {
  const { api } = useServices();
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let cancelled = false;
    (async () => {
      const redeemed = await api.post<{ document_id: string }>(`/api/v1/share-links/${encodeURIComponent(token)}/redeem`);
      const doc = await api.get<DocumentFull>(`/api/v1/documents/${redeemed.document_id}`);
      if (!cancelled) navigate(paths.document(doc.workspace_id, doc.id), { replace: true });
    })().catch((err: unknown) => !cancelled && setError(errorMessage(err)));
    return () => {
      cancelled = true;
    };
  }, [api, token]);
  return (
    <div className="center-page">
      {error ? (
        <>
          <Notice>{error}</Notice>
          <a href="/">Go to your workspaces</a>
        </>
      ) : (
        <Spinner label="Opening the shared document" />
      )}
    </div>
  );
}
