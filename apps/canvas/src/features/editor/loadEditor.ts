/**
 * The editor chunk (TipTap, ProseMirror, Yjs). Started as soon as the URL names a document, in
 * parallel with the API calls, instead of after them; React.lazy gets the same promise.
 */
let loading: Promise<typeof import("./CollaborativeEditor")> | undefined;

export function loadEditor(): Promise<typeof import("./CollaborativeEditor")> {
  loading ??= import("./CollaborativeEditor");
  return loading;
}
